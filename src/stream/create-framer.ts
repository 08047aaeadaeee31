import { createJsonArrayFramer } from './json-array-framer.js';
import { createNdjsonFramer } from './ndjson-framer.js';
import { createSseFramer } from './sse-framer.js';
import type { Framer, StreamFormat } from './types.js';

/** Returns a fresh framer for one stream of the given wire format. */
export function createFramer(format: StreamFormat): Framer {
  switch (format) {
    case 'sse':
      return createSseFramer();
    case 'ndjson':
      return createNdjsonFramer();
    case 'json-array':
      return createJsonArrayFramer();
  }
}
