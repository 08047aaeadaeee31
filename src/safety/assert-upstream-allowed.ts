import { CassetteError } from '../errors.js';

/**
 * `--allow-upstream HOST[:PORT],...`: forwarding modes may reach only these hosts. An entry
 * without a port allows every port of that host.
 */
export function assertUpstreamAllowed(url: URL, allow: readonly string[] | undefined): void {
  if (allow === undefined) return;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const ok = allow.some((entry) => {
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry.trim().toLowerCase());
    return m !== null && m[1] === host && (m[2] === undefined || m[2] === port);
  });
  if (!ok) {
    throw new CassetteError(
      'cassette_upstream_not_allowed',
      `upstream host ${host}:${port} is not in --allow-upstream (${allow.join(', ') || 'empty'})`,
      {
        hint: `Add it with --allow-upstream ${host}:${port} or config "allowUpstream".`,
      },
    );
  }
}
