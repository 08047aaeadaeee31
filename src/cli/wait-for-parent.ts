import { fstatSync } from 'node:fs';

/**
 * `--exit-with-parent`: resolves when the process that started us is gone (our parent pid changes,
 * as it does when the parent dies and we are re-parented) or when our stdin, a pipe, closes. `npx cassette
 * serve &` then `kill $!` kills npm exec, not us: this lets the proxy follow it.
 */
export function waitForParent(): { done: Promise<string>; stop: () => void } {
  const parent = process.ppid;
  let stop = (): void => {};
  const done = new Promise<string>((resolve) => {
    const timer = setInterval(() => {
      if (process.ppid !== parent || !alive(parent)) finish('parent exited');
    }, 500);
    const onEnd = (): void => finish('stdin closed');
    // Only a pipe can close: /dev/null (a backgrounded job's stdin) would end at once, a TTY never.
    const watchStdin = stdinIsPipe();
    if (watchStdin) {
      process.stdin.on('end', onEnd);
      process.stdin.on('close', onEnd);
      process.stdin.resume();
    }
    function finish(why: string): void {
      stop();
      resolve(why);
    }
    stop = (): void => {
      clearInterval(timer);
      if (!watchStdin) return;
      process.stdin.off('end', onEnd);
      process.stdin.off('close', onEnd);
      process.stdin.pause();
    };
  });
  return { done, stop };
}

function stdinIsPipe(): boolean {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
