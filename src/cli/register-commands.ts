import type { Command } from 'commander';
import { registerReplayCommand } from './replay-command.js';
import { registerRunCommand } from './run-command.js';
import { registerServeCommand } from './serve-command.js';

/** Every `cassette` command, in the order `--help` lists them. */
export function registerCommands(program: Command, setExit: (code: number) => void): void {
  registerServeCommand(program, setExit);
  registerRunCommand(program, setExit);
  registerReplayCommand(program, setExit);
}
