import { readFileSync } from 'node:fs';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import { createLogger } from '../log.js';
import { startCassetteServer } from '../server/create-cassette-server.js';
import type { CassetteServer } from '../server/create-cassette-server.js';
import { assertEpisodeId } from '../server/route-request.js';
import { printData, printJson, printTalk } from './output.js';
import { replayLive } from './replay-live.js';
import { runChild } from './run-child.js';
import { writeSessionReport } from './write-report.js';
import { waitForSignal } from './wait-for-signal.js';

export interface EpisodeReport {
  episode: string;
  ok: boolean;
  recordings: number;
  served: number;
  misses: string[];
  unused: string[];
  divergence?: string;
  exitCode?: number;
  error?: string;
}

type ReplayFlags = CliFlags & {
  json?: boolean;
  batch?: string;
  report?: string;
  live?: boolean;
  model?: string;
  into?: string;
  provider?: string;
  failOn?: string;
  minSimilarity?: string;
};

/** `cassette replay EPISODE... [-- CMD...]` (golden, strict) and `cassette replay EPISODE --live`. */
export async function replayAction(args: string[], flags: ReplayFlags): Promise<number> {
  // commander hands over episodes and the command as one list; `--` in argv tells them apart.
  const dash = process.argv.indexOf('--');
  const { episodes, command } = splitArgs(args, dash === -1 ? undefined : process.argv.slice(dash + 1));
  if (flags.batch) episodes.push(...readBatch(flags.batch));
  if (episodes.length === 0) throw new CassetteError('bad_usage', 'replay needs at least one episode id (or --batch FILE)');
  for (const e of episodes) assertEpisodeId(e, 'replay argument');
  if (flags.live) return replayLive(episodes, flags);
  const options = await loadOptions({ ...flags, mode: 'golden', strict: flags.strict ?? true, port: flags.port ?? '0' });
  const logger = createLogger(options.logLevel);
  const server = await startCassetteServer(options, { logger, preload: episodes });
  const reports: EpisodeReport[] = [];
  try {
    if (command.length === 0) {
      printData(
        Object.entries(server.envFor(episodes[0] as string))
          .map(([k, v]) => `export ${k}=${v}`)
          .join('\n'),
      );
      printTalk(`cassette replay: serving ${episodes.join(', ')} on ${server.url}; stop with Ctrl-C for the report`);
      await waitForSignal();
      for (const e of episodes) reports.push(await reportEpisode(server, e, undefined));
    } else {
      for (const e of episodes) {
        server.setEpisode(e);
        if ((await server.recordingCount(e)) === 0) {
          reports.push({
            episode: e,
            ok: false,
            recordings: 0,
            served: 0,
            misses: [],
            unused: [],
            error: `episode "${e}" has no recordings in ${options.store}`,
          });
          continue;
        }
        const code = await runChild(command, server.envFor(e), { stdoutToStderr: flags.json === true });
        reports.push(await reportEpisode(server, e, code));
      }
    }
  } finally {
    // Written before the proxy stops: the report reads the store through it.
    try {
      if (flags.report) {
        const failed = reports.some((r) => !r.ok);
        const path = await writeSessionReport(server, flags.report, {
          kind: 'replay',
          episodes,
          ...(command.length ? { command } : {}),
          ...(failed ? { exitCode: 1 } : {}),
        });
        printTalk(`cassette replay: report written to ${path}`);
      }
    } finally {
      await server.stop();
    }
  }
  const ok = reports.every((r) => r.ok);
  if (flags.json) printJson({ ok, episodes: reports });
  printTalk(formatReports(reports, options.strict));
  return ok ? 0 : 1;
}

async function reportEpisode(server: CassetteServer, episode: string, exitCode: number | undefined): Promise<EpisodeReport> {
  const s = server.summary();
  const strict = server.options.strict;
  const misses = s.missList.filter((m) => m.episode === episode).map((m) => m.message);
  const unused = s.unused.filter((u) => u.episode === episode).map((u) => `step ${u.position}: ${u.provider} ${u.method} ${u.path}`);
  const divergence = s.divergences.find((d) => d.episode === episode)?.message;
  const recordings = await server.recordingCount(episode);
  const report: EpisodeReport = {
    episode,
    ok: misses.length === 0 && (exitCode ?? 0) === 0 && (!strict || (unused.length === 0 && divergence === undefined)) && recordings > 0,
    recordings,
    served: recordings - unused.length,
    misses,
    unused,
    ...(divergence ? { divergence } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
  };
  if (recordings === 0) report.error = `episode "${episode}" has no recordings in ${server.options.store}`;
  return report;
}

function formatReports(reports: EpisodeReport[], strict: boolean): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(
      `${r.ok ? 'ok  ' : 'FAIL'} episode "${r.episode}": ${r.served}/${r.recordings} recordings served, ${r.misses.length} misses, ${r.unused.length} unused${r.exitCode ? `, command exited ${r.exitCode}` : ''}`,
    );
    if (r.error) lines.push(`      ${r.error}`);
    for (const m of r.misses.slice(0, 5)) lines.push(`      miss: ${m}`);
    if (r.divergence) lines.push(`      diverged: ${r.divergence}`);
    for (const u of r.unused.slice(0, 5)) lines.push(`      unused${strict ? '' : ' (not strict)'}: ${u}`);
    if (r.unused.length > 5) lines.push(`      … and ${r.unused.length - 5} more unused`);
  }
  return lines.join('\n');
}

function splitArgs(args: string[], afterDash: string[] | undefined): { episodes: string[]; command: string[] } {
  if (afterDash) {
    const command = afterDash;
    const episodes = args.slice(0, Math.max(0, args.length - command.length));
    return { episodes, command };
  }
  return { episodes: [...args], command: [] };
}

function readBatch(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CassetteError('bad_usage', `cannot read --batch file ${file}: ${(err as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}
