import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import { talkPaint } from './output.js';

/** Below this many units (interactions, takes) a job is quick: no bar, only its summary line. */
export const PROGRESS_MIN_TOTAL = 500;

/** What a long command reports as it goes; a no-op when no bar is drawn. */
export interface Progress {
  /** `done` of `total` units so far; the bar appears on the first call that decides it is wanted. */
  update(done: number, total: number): void;
  /** Ends the bar (erasing it: the command's summary line follows). */
  stop(): void;
}

/**
 * A bar is drawn only for people: stderr is a terminal, the output is not `--json`, the command is
 * not `--quiet`, and the job is large. Piped or CI logs get nothing but the summary line.
 */
export function progressWanted(o: { tty: boolean; json: boolean; quiet: boolean; total: number; minTotal?: number }): boolean {
  return o.tty && !o.json && !o.quiet && o.total >= (o.minTotal ?? PROGRESS_MIN_TOTAL);
}

/** A progress bar of `unit`s on stderr (cli-progress), e.g. `exporting [████░░] 51200/100000 interactions 51% eta 4s`. */
export function progressBar(label: string, unit: string, flags: { json?: boolean; quiet?: boolean; minTotal?: number }): Progress {
  const stream = process.stderr;
  let bar: SingleBar | undefined;
  let decided = false;
  return {
    update(done, total) {
      if (!decided) {
        decided = true;
        const wanted = progressWanted({
          tty: stream.isTTY === true,
          json: flags.json === true,
          quiet: flags.quiet === true,
          total,
          ...(flags.minTotal === undefined ? {} : { minTotal: flags.minTotal }),
        });
        if (!wanted) return;
        // Loaded only when a bar is drawn: piped and small runs (most of them) do not pay for it.
        const { SingleBar: Bar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
        bar = new Bar({
          stream,
          format: `${label} [{bar}] {value}/{total} ${unit} {percentage}% ${talkPaint().dim('eta {eta_formatted}')}`,
          hideCursor: true,
          clearOnComplete: true,
          barsize: 30,
        });
        bar.start(total, done);
        return;
      }
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
