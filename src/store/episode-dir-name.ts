import { CassetteError } from '../errors.js';

/**
 * Episode ids usable as directory names: the same rule as the server's `EPISODE_ID`, repeated here
 * so the store never depends on the server layer. A leading letter or digit rules out `.`, `..`
 * and hidden names, and the character set rules out separators, so no id can leave the store.
 */
const EPISODE_DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `name` is an episode id the directory store may use as a directory name. */
export function isEpisodeDirName(name: string): boolean {
  return name !== '.' && name !== '..' && EPISODE_DIR_NAME.test(name);
}

/** Throws bad_usage unless `episode` can be a directory of the store. */
export function assertEpisodeDirName(episode: string): void {
  if (!isEpisodeDirName(episode)) {
    throw new CassetteError('bad_usage', `episode id ${JSON.stringify(episode.slice(0, 200))} cannot be stored in a directory store`, {
      hint: 'Episode ids are 1-128 characters of A-Z a-z 0-9 . _ - and start with a letter or digit.',
    });
  }
}
