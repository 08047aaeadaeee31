import { writeFileSync } from 'node:fs';
import { environment } from '../config/environment.js';
import { readConfigFile } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import { resolvePerfThresholds, type PerfFlags } from '../gates/gate-settings.js';
import { renderGatesJunit, renderGatesMarkdown } from '../gates/render-gates.js';
import { runPerfGate, writePerfBaseline } from '../gates/run-perf-gate.js';
import { dataPaint, printData, printJson, printTalk } from './output.js';
import { resolveStorePath } from './store-option.js';
import { withReadStore } from './with-read-store.js';

interface Flags extends PerfFlags {
  store?: string;
  config?: string;
  baseline?: string;
  current?: string;
  writeBaseline?: string;
  markdown?: string;
  junit?: string;
  json?: boolean;
}

/** `cassette gate`: exit 1 on a latency or throughput regression or a cost over the ceiling. */
export async function gateAction(flags: Flags): Promise<number> {
  const { file } = await readConfigFile(flags.config, process.cwd());
  const thresholds = resolvePerfThresholds(flags, environment().perf, file.gates);
  const store = await resolveStorePath(flags);
  const current = flags.current ?? file.gates?.perf?.current;
  if (flags.writeBaseline !== undefined) {
    const path = flags.writeBaseline;
    const written = await withReadStore(store, (s) => writePerfBaseline(s, current, path));
    printTalk(`cassette: wrote the statistics of ${written.source} (${written.groups.length} groups) to ${path}`);
    if (flags.json) printJson({ ok: true, baselineFile: path, source: written.source, groups: written.groups });
    return EXIT.ok;
  }
  const baseline = flags.baseline ?? file.gates?.perf?.baseline;
  const report = await withReadStore(store, (s) =>
    runPerfGate(s, { thresholds, ...(baseline === undefined ? {} : { baseline }), ...(current === undefined ? {} : { current }) }),
  );
  const results = [report.latency, report.cost];
  if (flags.markdown) writeFileSync(flags.markdown, renderGatesMarkdown(results, 'cassette gate'));
  if (flags.junit) writeFileSync(flags.junit, renderGatesJunit(results, 'cassette gate'));
  if (flags.json) {
    const { latency, cost, ...rest } = report;
    printJson({ ...rest, notes: [...latency.notes, ...cost.notes], summary: { latency: latency.summary, cost: cost.summary } });
  } else {
    printData(renderGatesMarkdown(results, 'cassette gate', dataPaint()));
  }
  return report.ok ? EXIT.ok : EXIT.problem;
}
