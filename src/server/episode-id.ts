/**
 * A valid episode id close to `id`: runs of other characters become "-", leading and trailing
 * separators go, at most 128 characters; "default" when nothing is left. Branch names are the
 * common case: `feature/x` → `feature-x`.
 */
export function suggestEpisodeId(id: string): string {
  const cleaned = id
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128)
    .replace(/[-.]+$/, '');
  return cleaned === '' ? 'default' : cleaned;
}
