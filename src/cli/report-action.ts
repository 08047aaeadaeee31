import { loadOptions } from '../config/load-config.js';
import { createRedactor } from '../safety/create-redactor.js';
import { ActivityFeed } from '../ui/activity-feed.js';
import { UiService } from '../ui/ui-service.js';
import { PRODUCT_VERSION } from '../version.js';
import { printJson, printTalk } from './output.js';
import { positiveInt } from './positive-int.js';
import { openExistingStore } from './store-option.js';
import { writeReport } from './write-report.js';

interface ReportFlags {
  out: string;
  store?: string;
  episode?: string[];
  contract?: boolean;
  contracts?: string;
  config?: string;
  maxInteractions?: string;
  json?: boolean;
}

/** `cassette report --out FILE`: the store (or some episodes, or a contract check) as one HTML file. */
export async function reportAction(flags: ReportFlags): Promise<number> {
  const options = await loadOptions({
    mode: 'golden',
    ...(flags.store ? { store: flags.store } : {}),
    ...(flags.contracts ? { contracts: flags.contracts } : {}),
    ...(flags.config ? { config: flags.config } : {}),
  });
  const store = await openExistingStore(options.store, { readonly: true });
  try {
    const ui = new UiService({
      store,
      activity: new ActivityFeed(),
      redactor: createRedactor(options.file.redact),
      contractsDir: options.contractsDir,
      ...(options.file.contract ? { contractConfig: options.file.contract } : {}),
      info: { mode: 'report', store: options.store, live: false, version: PRODUCT_VERSION },
    });
    const kind = flags.contract ? 'contract' : 'store';
    const path = await writeReport(ui, flags.out, {
      kind,
      title: flags.contract ? `Contract check of ${options.store}` : `Cassettes in ${options.store}`,
      store: options.store,
      ...(flags.episode ? { episodes: flags.episode } : {}),
      drift: flags.contract === true,
      ...(flags.maxInteractions ? { maxInteractions: positiveInt('--max-interactions', flags.maxInteractions) } : {}),
    });
    if (flags.json) printJson({ ok: true, out: path });
    printTalk(`cassette report: wrote ${path}`);
  } finally {
    await store.close();
  }
  return 0;
}
