import type { Command } from 'commander';
import { readConfigFile } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import { verifyStore } from '../store/verify-store.js';
import { printData, printJson, printTalk } from './output.js';
import { addStoreOption, resolveStorePath } from './store-option.js';

/** `cassette verify`: exit 1 when a store holds a credential shape or fails an integrity check. */
export function registerVerifyCommand(program: Command, setExit: (code: number) => void): void {
  addStoreOption(program.command('verify').description('check a store or export directory for credentials and damage'))
    .option('--config <file>', 'config file, for verify.patterns (default cassette.config.json if present)')
    .option('--json', 'print {"ok":bool,"findings":[...]}')
    .action((flags: { store?: string; config?: string; json?: boolean }) => {
      const patterns = readConfigFile(flags.config, process.cwd()).file.verify.patterns;
      const path = resolveStorePath(flags.store);
      const findings = verifyStore(path, patterns);
      setExit(findings.length === 0 ? EXIT.ok : EXIT.problem);
      if (flags.json) return printJson({ ok: findings.length === 0, store: path, findings });
      if (findings.length === 0) return printTalk(`${path}: clean (no credential shapes, integrity ok)`);
      // The findings are the command's data; the verdict is talk.
      printData(
        findings
          .map((f) =>
            f.kind === 'credential' ? `credential  ${f.where}: ${f.pattern} ${f.masked}` : `integrity   ${f.where}: ${f.message}`,
          )
          .join('\n'),
      );
      const secrets = findings.filter((f) => f.kind === 'credential').length;
      printTalk(
        `${path}: ${secrets} credential finding${secrets === 1 ? '' : 's'}, ${findings.length - secrets} integrity finding${findings.length - secrets === 1 ? '' : 's'}`,
      );
    });
}
