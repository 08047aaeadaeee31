import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CassetteError } from '../errors.js';
import type { CassetteServer } from '../server/create-cassette-server.js';
import type { CallRecord } from '../ui/activity-feed.js';
import { buildReport } from '../ui/build-report.js';
import type { ReportOptions } from '../ui/build-report.js';
import { renderReportPage } from '../ui/render-page.js';
import type { UiService } from '../ui/ui-service.js';

/** Builds a report and writes it as one HTML file (atomically: a half-written report never shows). */
export async function writeReport(ui: UiService, file: string, options: ReportOptions): Promise<string> {
  const data = await buildReport(ui, options);
  const path = resolve(file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, renderReportPage(options.title, data));
    renameSync(tmp, path);
  } catch (err) {
    throw new CassetteError('bad_usage', `cannot write the report ${file}: ${(err as Error).message}`, { cause: err });
  }
  return path;
}

/** `run --report` / `replay --report`: the session's report, written before the proxy stops. */
export async function writeSessionReport(
  server: CassetteServer,
  file: string,
  o: { kind: 'run' | 'replay'; episodes: readonly string[]; command?: string[]; exitCode?: number },
): Promise<string> {
  const s = server.summary();
  const touched = new Set([...o.episodes, ...server.activity.sessions().keys()]);
  return writeReport(await server.ui.service(), file, {
    kind: o.kind,
    title: `cassette ${o.kind} of ${[...touched].slice(0, 3).join(', ')}${touched.size > 3 ? ', …' : ''}: ${s.ok && (o.exitCode ?? 0) === 0 ? 'passed' : 'failed'}`,
    store: server.options.store,
    episodes: [...touched],
    summary: {
      ok: s.ok && (o.exitCode ?? 0) === 0,
      mode: s.mode,
      requests: s.requests,
      hits: s.hits,
      misses: s.misses,
      recorded: s.recorded,
      unused: s.unused.length,
      costUsd: s.costUsd,
      ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}),
      ...(o.command ? { command: o.command } : {}),
    },
    calls: sessionCalls(server),
  });
}

/** The last 500 calls, and every earlier miss: a long run's report still explains each miss. */
function sessionCalls(server: CassetteServer): CallRecord[] {
  const recent = server.activity.recent();
  const first = recent[0]?.seq ?? Infinity;
  return [...server.activity.misses().filter((m) => m.seq < first), ...recent];
}
