import type { Assembled } from '../../types.js';
import type { StreamAssembler } from '../types.js';

/** Assembles nothing: routes whose answers the product does not read (embeddings, models). */
export function createGenericAssembler(): StreamAssembler {
  return {
    push() {},
    result(): Assembled {
      return { text: '', toolCalls: [] };
    },
  };
}
