/**
 * A `versionedPath` for a provider whose API lives under one version prefix: a path whose first
 * segment is one of `resources` (so it names no version) gets `/<version>` in front.
 */
export function versionUnder(version: string, resources: readonly string[]): (path: string) => string | undefined {
  const known = new Set(resources);
  return (path) => {
    const end = path.indexOf('/', 1);
    const first = path.slice(1, end === -1 ? undefined : end).split(':')[0] ?? '';
    return known.has(first) ? `/${version}${path}` : undefined;
  };
}
