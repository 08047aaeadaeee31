/** Small display helpers shared by the views. */
export function usd(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n === 0) return '$0';
  return n < 0.01 ? `$${n.toFixed(6)}` : `$${n.toFixed(4)}`;
}

export function ms(n: number | undefined): string {
  if (n === undefined) return '—';
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

export function num(n: number): string {
  return n.toLocaleString('en-US');
}

export function when(iso: string): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function hrefEpisode(episode: string, take?: number): string {
  return `#/episodes/${encodeURIComponent(episode)}${take !== undefined ? `?take=${take}` : ''}`;
}

export function hrefStep(episode: string, take: number, position: number): string {
  return `#/episodes/${encodeURIComponent(episode)}/takes/${take}/steps/${position}`;
}

export function hrefDiff(a: string, b: string): string {
  return `#/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
}
