import { SingleBar } from 'cli-progress';

/** A progress bar of takes on stderr when it is a terminal (and not `--json`); nothing otherwise. */
export function takeProgress(json: boolean): { update: (done: number, total: number) => void; stop: () => void } {
  if (json || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'copying takes [{bar}] {value}/{total} {percentage}% eta {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
