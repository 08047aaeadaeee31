import type { Command } from 'commander';
import { registerFlakyCommand } from './flaky-command.js';
import { registerGateCommand } from './gate-command.js';
import type { SetExit } from './lazy-action.js';

/** The quality-gate commands (docs/gates.md): flaky, gate, stale, impact, gates. */
export function registerGateCommands(program: Command, setExit: SetExit): void {
  registerFlakyCommand(program, setExit);
  registerGateCommand(program, setExit);
}
