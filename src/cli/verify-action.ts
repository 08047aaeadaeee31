import { readConfigFile } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import { verifyStore } from '../store/verify-store.js';
import { printData, printJson, printTalk } from './output.js';
import { resolveStorePath } from './store-option.js';

/** `cassette verify`: exit 1 when a store holds a credential shape or fails an integrity check. */
export async function verifyAction(flags: { store?: string; config?: string; json?: boolean }): Promise<number> {
  const patterns = (await readConfigFile(flags.config, process.cwd())).file.verify.patterns;
  const path = resolveStorePath(flags.store);
  const findings = await verifyStore(path, patterns);
  const code = findings.length === 0 ? EXIT.ok : EXIT.problem;
  if (flags.json) {
    printJson({ ok: findings.length === 0, store: path, findings });
    return code;
  }
  if (findings.length === 0) {
    printTalk(`${path}: clean (no credential shapes, integrity ok)`);
    return code;
  }
  // The findings are the command's data; the verdict is talk.
  printData(
    findings
      .map((f) => (f.kind === 'credential' ? `credential  ${f.where}: ${f.pattern} ${f.masked}` : `integrity   ${f.where}: ${f.message}`))
      .join('\n'),
  );
  const secrets = findings.filter((f) => f.kind === 'credential').length;
  printTalk(
    `${path}: ${secrets} credential finding${secrets === 1 ? '' : 's'}, ${findings.length - secrets} integrity finding${findings.length - secrets === 1 ? '' : 's'}`,
  );
  return code;
}
