import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CassetteError } from '../errors.js';
import { findImpact, type ImpactSource } from '../gates/find-impact.js';
import { count } from '../gates/gate-settings.js';
import { textFragments } from '../gates/text-fragments.js';
import { printData, printJson, printTalk } from './output.js';
import { resolveStorePath } from './store-option.js';
import { withReadStore } from './with-read-store.js';

export const DEFAULT_MIN_FRAGMENT = 16;

/** `cassette impact FILE...`: exit 0 with the list (empty or not); 2 when a file cannot be read. */
export async function impactAction(
  files: string[],
  flags: { store?: string; ref?: string; minLength?: string; json?: boolean },
): Promise<number> {
  const minLength = flags.minLength === undefined ? DEFAULT_MIN_FRAGMENT : count('--min-length', flags.minLength, 1);
  const sources: ImpactSource[] = files.map((file) => {
    const texts = [readText(file)];
    if (flags.ref !== undefined) {
      const old = gitShow(flags.ref, file);
      if (old !== undefined) texts.push(old);
    }
    return { file, fragments: [...new Set(texts.flatMap((t) => textFragments(t, minLength)))] };
  });
  for (const s of sources) {
    if (s.fragments.length === 0) printTalk(`cassette: ${s.file} has no piece of text of ${minLength}+ characters to look for`);
  }
  const impact = await withReadStore(await resolveStorePath(flags), (store) => findImpact(store, sources));
  const episodes = [...new Set(impact.flatMap((f) => f.episodes))].sort();
  if (flags.json) {
    printJson({ ok: true, episodes, files: impact });
    return 0;
  }
  if (episodes.length > 0) printData(episodes.join('\n'));
  for (const f of impact) printTalk(`${f.file}: ${f.episodes.length} episode(s) (${f.fragments} piece(s) of text looked for)`);
  return 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CassetteError('bad_usage', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The file's text at a git revision, or undefined when git has no such file there. */
function gitShow(ref: string, file: string): string | undefined {
  try {
    const root = execFileSync('git', ['rev-parse', '--show-prefix'], { encoding: 'utf8' }).trim();
    return execFileSync('git', ['show', `${ref}:${root}${file.replace(/^\.\//, '')}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    printTalk(`cassette: ${file} has no version at ${ref}; looking for its current text only`);
    return undefined;
  }
}
