import type { Command } from 'commander';
import type { SetExit } from './lazy-action.js';
import { addExamples } from './command-examples.js';
import { registerReplayCommand } from './replay-command.js';
import { registerRunCommand } from './run-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerLsCommand } from './ls-command.js';
import { registerShowCommand } from './show-command.js';
import { registerRmCommand } from './rm-command.js';
import { registerPruneCommand } from './prune-command.js';
import { registerStatsCommand } from './stats-command.js';
import { registerVerifyCommand } from './verify-command.js';
import { registerExportCommands } from './export-command.js';
import { registerPinCommand } from './pin-command.js';
import { registerCopyCommand } from './copy-command.js';
import { registerContractCommand } from './contract-command.js';
import { registerDiffCommand } from './diff-command.js';
import { registerRerecordCommand } from './rerecord-command.js';
import { registerGateCommands } from './gate-commands.js';
import { registerReportCommand } from './report-command.js';
import { registerUiCommand } from './ui-command.js';
import { registerSalvageCommand } from './salvage-command.js';

/**
 * Every `cassette` command, in the order `--help` lists them. Each `*-command.ts` only declares its
 * options; the code that runs is in its `*-action.ts`, imported when the command runs (lazyAction).
 */
export function registerCommands(program: Command, setExit: SetExit): void {
  registerServeCommand(program, setExit);
  registerRunCommand(program, setExit);
  registerReplayCommand(program, setExit);
  registerLsCommand(program, setExit);
  registerShowCommand(program, setExit);
  registerDiffCommand(program, setExit);
  registerRerecordCommand(program, setExit);
  registerRmCommand(program, setExit);
  registerPruneCommand(program, setExit);
  registerStatsCommand(program, setExit);
  registerExportCommands(program, setExit);
  registerCopyCommand(program, setExit);
  registerPinCommand(program, setExit);
  registerContractCommand(program, setExit);
  registerVerifyCommand(program, setExit);
  registerSalvageCommand(program, setExit);
  registerGateCommands(program, setExit);
  registerUiCommand(program, setExit);
  registerReportCommand(program, setExit);
  addExamples(program);
}
