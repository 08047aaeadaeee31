/**
 * Episodes the product derives from others: `<episode>.probe` (`contract check --live`) and
 * `<episode>.live` (`replay --live`). They hold fresh answers to compare, never a baseline: they
 * feed neither `contract update` nor an offline `contract check`, and are never probed again.
 */
export function isDerivedEpisode(episode: string): boolean {
  return episode.endsWith('.probe') || episode.endsWith('.live');
}

/** The episodes a baseline may be learned from or checked: the wanted ones (default all), none derived. */
export function baselineEpisodes(all: readonly string[], wanted: readonly string[] | undefined): string[] {
  return (wanted ?? all).filter((e) => !isDerivedEpisode(e));
}
