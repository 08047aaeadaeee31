/** What main.ts hands every command: records the exit code the command asks for. */
export type SetExit = (code: number) => void;

/**
 * The commander action of a command whose code lives in its own `*-action.ts` module, imported
 * only when the command runs: `cassette serve` does not load the contract checker, `--help` loads
 * no command at all. The action gets commander's arguments and returns its exit code (none: 0).
 */
export function lazyAction<A extends unknown[]>(
  load: () => Promise<(...args: A) => number | void | Promise<number | void>>,
  setExit: SetExit,
): (...args: A) => Promise<void> {
  return async (...args) => {
    const action = await load();
    const code = await action(...args);
    if (code !== undefined) setExit(code);
  };
}
