import { writeFileSync } from 'node:fs';
import { readConfigFile } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import { runFlakyGate } from '../gates/flaky-gate.js';
import { resolveFlakySettings, type FlakyFlags } from '../gates/gate-settings.js';
import { buildQuarantineFile, writeQuarantineFile } from '../gates/quarantine-file.js';
import { renderGatesJunit, renderGatesMarkdown } from '../gates/render-gates.js';
import { dataPaint, printData, printJson, printTalk } from './output.js';
import { resolveStorePath } from './store-option.js';
import { withReadStore } from './with-read-store.js';

interface Flags extends FlakyFlags {
  store?: string;
  config?: string;
  markdown?: string;
  junit?: string;
  json?: boolean;
}

/** `cassette flaky`: exit 1 when more tests than the budget are flaky or quarantined. */
export async function flakyAction(flags: Flags): Promise<number> {
  const { file } = await readConfigFile(flags.config, process.cwd());
  const settings = resolveFlakySettings(flags, file.gates);
  const report = await withReadStore(await resolveStorePath(flags), (store) => runFlakyGate(store, settings));
  let quarantine;
  if (settings.quarantineFile !== undefined) {
    quarantine = buildQuarantineFile(report.tests, settings.action, {
      flakyAbove: settings.flakyAbove,
      quarantineAbove: settings.quarantineAbove,
      window: settings.window,
    });
    writeQuarantineFile(settings.quarantineFile, quarantine);
    printTalk(`cassette: ${quarantine.tests.length} tests quarantined in ${settings.quarantineFile}`);
  }
  if (flags.markdown) writeFileSync(flags.markdown, renderGatesMarkdown([report.result], 'cassette flaky'));
  if (flags.junit) writeFileSync(flags.junit, renderGatesJunit([report.result], 'cassette flaky'));
  if (flags.json) {
    const { result: _result, ...rest } = report;
    printJson({
      ...rest,
      ...(quarantine ? { quarantineFile: settings.quarantineFile, quarantined: quarantine.tests.map((t) => t.test) } : {}),
    });
  } else {
    printData(renderGatesMarkdown([report.result], 'cassette flaky', dataPaint()));
  }
  return report.ok ? EXIT.ok : EXIT.problem;
}
