import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { logSettings } from '../config/environment.js';
import { EXIT, toCassetteError } from '../errors.js';
import { configureLogs } from '../log.js';
import { PRODUCT_VERSION } from '../version.js';
import { printJson, printTalk, talkPaint } from './output.js';
import { registerCommands } from './register-commands.js';

// undici parses HTTP with llhttp compiled to WebAssembly; V8 recompiles hot wasm with TurboFan in
// the background, which briefly takes ~35 MiB, a third of a recording proxy's peak memory.
// The baseline (Liftoff) code measured no slower per request. Set here, not in the library: the
// CLI's process is ours, a test process calling startCassette() is not.
setFlagsFromString('--liftoff-only');

/** The only place that sets the exit code (SPEC §7: 0 ok, 1 problem found, 2 usage, 3 cannot run). */
async function main(argv: string[]): Promise<void> {
  configureLogs(logSettings());
  let exitCode: number = EXIT.ok;
  const program = new Command('cassette')
    .description('record/replay proxy for LLM APIs')
    .version(PRODUCT_VERSION)
    .enablePositionalOptions()
    .showHelpAfterError('(run cassette --help for usage)')
    .exitOverride();
  registerCommands(program, (code) => {
    exitCode = code;
  });
  // Only our own options: `cassette run -- tool --json` is the command's flag, not ours.
  const dash = argv.indexOf('--');
  const json = (dash === -1 ? argv : argv.slice(0, dash)).includes('--json');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0.
      exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      if (json && exitCode !== 0) printJson({ ok: false, error: { code: 'bad_usage', message: err.message } });
    } else {
      const error = toCassetteError(err);
      exitCode = error.exitCode;
      if (json) printJson({ ok: false, error: error.toJSON() });
      const paint = talkPaint();
      printTalk(`${paint.fail(`cassette: ${error.message}`)}${error.hint ? `\n${paint.dim(`  hint: ${error.hint}`)}` : ''}`);
      if (error.code === 'internal_error' && err instanceof Error && err.stack) printTalk(err.stack);
    }
  }
  process.exitCode = exitCode;
}

await main(process.argv);
// A handle left open by a library must not keep a finished command alive.
setTimeout(() => process.exit(process.exitCode ?? 0), 1_000).unref();
