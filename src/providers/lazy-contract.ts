import { CassetteError } from '../errors.js';
import type { Provider } from './provider.js';

type SchemaFn = Provider['contractSchema'];

/**
 * A provider's contract schemas behind a dynamic import: they are zod schemas, and a proxy that
 * never checks a contract should not pay for loading zod (bench/findings.md §4). The contract
 * checker awaits `loadContract()` of every provider once before it asks `contractSchema`.
 */
export function lazyContract(
  name: string,
  load: () => Promise<{ contractSchema: SchemaFn }>,
): Pick<Provider, 'loadContract' | 'contractSchema'> {
  let loaded: SchemaFn | undefined;
  return {
    async loadContract() {
      loaded ??= (await load()).contractSchema;
    },
    contractSchema(...args) {
      if (!loaded) throw new CassetteError('internal_error', `the contract schemas of provider ${name} are not loaded yet`);
      return loaded(...args);
    },
  };
}
