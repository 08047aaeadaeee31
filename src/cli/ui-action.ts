import { loadOptions } from '../config/load-config.js';
import { createRedactor } from '../safety/create-redactor.js';
import { startUiServer } from '../ui/start-ui-server.js';
import { printData, printJson, printTalk } from './output.js';
import { openExistingStore } from './store-option.js';
import { waitForSignal } from './wait-for-signal.js';

/** `cassette ui`: serves the UI over a store until SIGINT/SIGTERM. */
export async function uiAction(flags: {
  store?: string;
  port?: string;
  contracts?: string;
  config?: string;
  json?: boolean;
}): Promise<number> {
  const options = await loadOptions({
    mode: 'golden',
    port: flags.port ?? '0',
    ...(flags.store ? { store: flags.store } : {}),
    ...(flags.contracts ? { contracts: flags.contracts } : {}),
    ...(flags.config ? { config: flags.config } : {}),
  });
  const store = await openExistingStore(options.store, { readonly: true });
  try {
    const server = await startUiServer({
      store,
      redactor: createRedactor(options.file.redact),
      port: options.port,
      contractsDir: options.contractsDir,
      ...(options.file.contract ? { contractConfig: options.file.contract } : {}),
    });
    if (flags.json) printJson({ ok: true, url: server.url, port: server.port, store: options.store });
    else printData(server.url);
    printTalk(`cassette ui: ${options.store} read-only at ${server.url} (Ctrl-C stops)`);
    await waitForSignal();
    await server.close();
  } finally {
    await store.close();
  }
  return 0;
}
