import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { appendToLedger, newRunId, readJunitAfterRun, toRunRecord } from '../gates/record-run.js';
import { createLogger } from '../log.js';
import { MODE_TABLE } from '../pipeline/mode-table.js';
import { startCassetteServer } from '../server/create-cassette-server.js';
import { formatSummary } from './format-summary.js';
import { printJson, printTalk, talkPaint } from './output.js';
import { positiveInt } from './positive-int.js';
import { runChild } from './run-child.js';
import { writeSessionReport } from './write-report.js';

/** The run-ledger flags of `cassette run` (docs/gates.md). */
interface LedgerFlags {
  junit?: string;
  repeat?: string;
  label?: string;
  ledger?: boolean;
}

/** `cassette run [opts] -- CMD...`: proxy on a free port around one command; the child's exit code, else 1 on a miss. */
export async function runAction(cmd: string[], flags: CliFlags & LedgerFlags & { json?: boolean; report?: string }): Promise<number> {
  const options = await loadOptions({ ...flags, port: flags.port ?? '0' });
  const logger = createLogger(options.logLevel);
  const times = flags.repeat === undefined ? 1 : positiveInt('--repeat', flags.repeat);
  // Recording modes always add to the ledger; golden and the others when a gate flag (or --ledger) asks for it.
  const recording = MODE_TABLE[options.mode].traits.records;
  const ledger = flags.ledger ?? (recording || flags.junit !== undefined || flags.repeat !== undefined || flags.label !== undefined);
  let series: string | undefined;
  let result = 0;
  for (let index = 1; index <= times; index++) {
    const startedAt = new Date();
    const server = await startCassetteServer(options, { logger });
    let code: number | undefined;
    try {
      code = await runChild(cmd, { ...server.env, CASSETTE_EPISODE: options.episode }, { stdoutToStderr: flags.json === true });
    } finally {
      // Written before the proxy stops (the report reads the store through it); with --repeat, the
      // report is of the first failing run, else of the last.
      try {
        if (flags.report && result === 0) {
          const path = await writeSessionReport(server, flags.report, {
            kind: 'run',
            episodes: [options.episode],
            command: cmd,
            ...(code !== undefined ? { exitCode: code } : {}),
          });
          printTalk(`cassette run: report written to ${path}`);
        }
      } finally {
        await server.stop();
      }
    }
    // runChild either returned a code or threw (and the throw left this loop already).
    if (code === undefined) continue;
    const endedAt = new Date();
    const summary = server.summary();
    printTalk(formatSummary(summary, talkPaint()));
    const exitCode = code !== 0 ? code : summary.ok ? 0 : 1;
    // `ok` is the run's verdict (what the exit code says), the proxy's own in `proxyOk`.
    if (flags.json && times === 1) printJson({ ...summary, ok: exitCode === 0, proxyOk: summary.ok, exitCode, commandExitCode: code });
    if (result === 0) result = exitCode;
    if (!ledger) continue;
    const id = newRunId(startedAt);
    series ??= id;
    const record = toRunRecord({
      id,
      startedAt,
      endedAt,
      mode: options.mode,
      episode: options.episode,
      exitCode,
      hits: summary.hits,
      misses: summary.misses,
      recorded: summary.recorded,
      served: server.servedTakes(),
      tests: flags.junit === undefined ? undefined : readJunitAfterRun(flags.junit, startedAt, logger),
      ...(times > 1 ? { repeat: { series, index, of: times } } : {}),
      ...(flags.label === undefined ? {} : { label: flags.label }),
    });
    await appendToLedger(options.store, record);
    if (times > 1) printTalk(`cassette: run ${index}/${times} exited ${exitCode}`);
  }
  // --repeat: one document for the series, the first failing run's code.
  if (flags.json && times > 1) printJson({ ok: result === 0, repeat: times, series, exitCode: result });
  return result;
}
