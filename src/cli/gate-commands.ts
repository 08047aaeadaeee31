import type { Command } from 'commander';
import { registerFlakyCommand } from './flaky-command.js';
import { registerGateCommand } from './gate-command.js';
import { registerGatesCommand } from './gates-command.js';
import { registerImpactCommand } from './impact-command.js';
import type { SetExit } from './lazy-action.js';
import { registerStaleCommand } from './stale-command.js';

/** The quality-gate commands (docs/gates.md): flaky, gate, stale, impact, gates. */
export function registerGateCommands(program: Command, setExit: SetExit): void {
  registerFlakyCommand(program, setExit);
  registerGateCommand(program, setExit);
  registerStaleCommand(program, setExit);
  registerImpactCommand(program, setExit);
  registerGatesCommand(program, setExit);
}
