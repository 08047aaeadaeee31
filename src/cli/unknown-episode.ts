import { CassetteError } from '../errors.js';

/** episode_not_found for one or more ids, naming a few episodes the store does hold. */
export function unknownEpisode(missing: string | readonly string[], known: readonly string[]): CassetteError {
  const ids = typeof missing === 'string' ? [missing] : missing;
  const quote = (list: readonly string[]): string => list.map((e) => JSON.stringify(e)).join(', ');
  const more = known.length > 5 ? ` and ${known.length - 5} more` : '';
  return new CassetteError('episode_not_found', `no episode${ids.length > 1 ? 's' : ''} ${quote(ids)} in the store`, {
    hint:
      known.length === 0
        ? 'The store holds no episodes yet.'
        : `Known episodes: ${quote(known.slice(0, 5))}${more} (cassette ls lists them).`,
    details: { missing: ids },
  });
}
