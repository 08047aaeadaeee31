import { finding, type CheckId } from './classify-finding.js';
import type { Finding } from './contract-types.js';
import { textEvidence } from './evidence.js';
import type { RequestObservation } from './infer-contract.js';
import { addRef } from './shape-node.js';

interface Signature {
  status: string;
  transport: string;
  contentType: string;
  usage: boolean;
}

/** Splits `2xx sse text/event-stream +usage` back into its parts. */
export function parseSignature(signature: string): Signature {
  const [status = '', transport = '', contentType = '', usage] = signature.split(' ');
  return { status, transport, contentType, usage: usage === '+usage' };
}

interface Group {
  check: CheckId;
  endpoint: string;
  aspect: string;
  before: string;
  after: string;
  requests: number;
  refs: string[];
}

/**
 * Compares what the same requests got before and now: status class, transport, content type
 * and usage reporting. Requests the baseline never saw are left to the path checks.
 */
export function diffRequests(
  provider: string,
  baseline: Record<string, string[]>,
  observed: ReadonlyMap<string, readonly RequestObservation[]>,
): Finding[] {
  const groups = new Map<string, Group>();
  const note = (check: CheckId, seen: RequestObservation, aspect: string, before: string, after: string): void => {
    const id = `${check}\n${seen.endpoint}\n${before}\n${after}`;
    let group = groups.get(id);
    if (group === undefined) groups.set(id, (group = { check, endpoint: seen.endpoint, aspect, before, after, requests: 0, refs: [] }));
    group.requests++;
    for (const ref of seen.refs) addRef(group.refs, ref);
  };
  for (const [identity, signatures] of observed) {
    const known = baseline[identity];
    if (known === undefined || known.length === 0) continue;
    const before = known.map(parseSignature);
    for (const seen of signatures) {
      const now = parseSignature(seen.signature);
      const sameStatus = before.filter((b) => b.status === now.status);
      if (sameStatus.length === 0) {
        note('status-class-changed', seen, 'status', list(before.map((b) => b.status)), now.status);
        continue;
      }
      if (!sameStatus.some((b) => b.transport === now.transport)) {
        note('transport-changed', seen, 'transport', list(sameStatus.map((b) => b.transport)), now.transport);
      }
      if (!sameStatus.some((b) => b.contentType === now.contentType)) {
        note('content-type-changed', seen, 'content-type', list(sameStatus.map((b) => b.contentType)), now.contentType);
      }
      if (!now.usage && sameStatus.every((b) => b.usage)) note('usage-missing', seen, 'usage', 'usage reported', 'no usage');
    }
  }
  return [...groups.values()].map((g) =>
    finding(
      g.check,
      { provider, endpoint: g.endpoint },
      g.aspect,
      g.check === 'usage-missing'
        ? `${g.requests} request(s) no longer report token usage`
        : `${g.aspect} changed from ${g.before} to ${g.after} for ${g.requests} recorded request(s)`,
      textEvidence(g.before, g.requests),
      textEvidence(g.after, g.requests),
      g.refs,
    ),
  );
}

function list(values: string[]): string {
  return [...new Set(values)].sort().join(' | ');
}
