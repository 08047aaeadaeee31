import { appendFileSync, writeFileSync } from 'node:fs';
import { environment } from '../config/environment.js';
import { readConfigFile } from '../config/load-config.js';
import { CassetteError, EXIT } from '../errors.js';
import { GATE_NAMES, type GateName } from '../gates/gate-result.js';
import { resolveFlakySettings, resolvePerfThresholds } from '../gates/gate-settings.js';
import { renderGatesJunit, renderGatesMarkdown } from '../gates/render-gates.js';
import { DEFAULT_GATES, runGates } from '../gates/run-gates.js';
import { dataPaint, printData, printJson } from './output.js';
import { DEFAULT_MAX_AGE } from './stale-action.js';
import { resolveStorePath } from './store-option.js';
import { withReadStore } from './with-read-store.js';

interface Flags {
  store?: string;
  only?: string;
  markdown?: string;
  junit?: string;
  baseline?: string;
  olderThan?: string;
  contracts?: string;
  config?: string;
  json?: boolean;
}

/** `cassette gates`: exit 1 when any gate failed; skipped gates do not fail. */
export async function gatesAction(flags: Flags): Promise<number> {
  const { file } = await readConfigFile(flags.config, process.cwd());
  const config = file.gates;
  const gates = flags.only !== undefined ? parseGates(flags.only) : (config?.run ?? DEFAULT_GATES);
  const baseline = flags.baseline ?? config?.perf?.baseline;
  const current = config?.perf?.current;
  const results = await withReadStore(await resolveStorePath(flags), (store) =>
    runGates(store, {
      gates,
      flaky: resolveFlakySettings({}, config),
      perf: {
        thresholds: resolvePerfThresholds({}, environment().perf, config),
        ...(baseline === undefined ? {} : { baseline }),
        ...(current === undefined ? {} : { current }),
      },
      olderThan: flags.olderThan ?? config?.stale?.olderThan ?? DEFAULT_MAX_AGE,
      ...(flags.contracts === undefined ? {} : { contractsDir: flags.contracts }),
      contractConfig: file.contract,
    }),
  );
  const ok = results.every((r) => r.ok);
  const markdown = renderGatesMarkdown(results);
  if (flags.markdown) writeFileSync(flags.markdown, markdown);
  // GitHub Actions shows this file on the job page.
  else if (environment().githubStepSummary) appendFileSync(environment().githubStepSummary as string, markdown);
  if (flags.junit) writeFileSync(flags.junit, renderGatesJunit(results));
  if (flags.json) {
    printJson({
      ok,
      gates: results.map((r) => ({
        gate: r.gate,
        ok: r.ok,
        summary: r.summary,
        ...(r.skipped !== undefined ? { skipped: r.skipped } : {}),
        checks: r.checks,
        notes: r.notes,
      })),
    });
  } else if (!flags.markdown) {
    printData(renderGatesMarkdown(results, undefined, dataPaint()));
  }
  return ok ? EXIT.ok : EXIT.problem;
}

function parseGates(list: string): GateName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(GATE_NAMES as readonly string[]).includes(n)) {
      throw new CassetteError('bad_usage', `--only: unknown gate "${n}" (${GATE_NAMES.join(', ')})`);
    }
  }
  return names as GateName[];
}
