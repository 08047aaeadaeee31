import { existsSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { CassetteError } from '../errors.js';

/** The file every `cassette export` leaves in its directory, so a later export may replace it. */
export const EXPORT_MARKER = '.cassette-export';
const MARKER_TEXT = '{"llmCassetteExport":1}\n';

/** Writes the export marker into `dir` (deterministic, so export → import → export stays byte-identical). */
export function writeExportMarker(dir: string): void {
  writeFileSync(join(dir, EXPORT_MARKER), MARKER_TEXT);
}

/**
 * The rule of every command that replaces a path as a whole: it may replace nothing, an empty
 * directory, or a previous export (its marker file); anything else only with `--force`. The store
 * being read is never replaced, not even with `--force` (nor a directory holding it, nor one inside it).
 */
export function assertReplaceable(target: string, options: { store: string; force: boolean }): void {
  const absTarget = realish(resolve(target));
  if (!options.store.includes('://')) {
    const absStore = realish(resolve(options.store));
    if (within(absStore, absTarget) || within(absTarget, absStore)) {
      throw new CassetteError(
        'bad_usage',
        `refusing to replace ${target}: it ${absTarget === absStore ? 'is' : within(absStore, absTarget) ? 'holds' : 'is inside'} the store ${options.store}`,
        {
          hint: 'Export to a directory outside the store, for example cassette export cassettes-export.',
        },
      );
    }
  }
  if (!existsSync(absTarget) || options.force) return;
  const stat = statSync(absTarget);
  if (!stat.isDirectory()) {
    throw new CassetteError('bad_usage', `refusing to replace ${target}: it is a file, not a directory written by cassette export`, {
      hint: 'Pick another path, or pass --force to replace it.',
    });
  }
  const entries = readdirSync(absTarget);
  if (entries.length === 0 || entries.includes(EXPORT_MARKER)) return;
  throw new CassetteError(
    'bad_usage',
    `refusing to replace ${target}: it is not empty and was not written by cassette export (no ${EXPORT_MARKER} file)`,
    {
      hint: 'Pick a new or empty directory, or pass --force to replace it with everything in it.',
    },
  );
}

/** True when `inner` is `outer` or lies below it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing parent joined with the rest (symlinks resolved). */
function realish(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  if (parent === path) return path;
  return join(realish(parent), relative(parent, path));
}
