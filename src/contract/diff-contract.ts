import { compareFindings, finding, type FindingScope } from './classify-finding.js';
import type { Contract, EndpointContract, Finding } from './contract-types.js';
import { diffPaths, type DiffOptions } from './diff-paths.js';
import { diffRequests } from './diff-requests.js';
import { diffStream } from './diff-stream.js';
import type { ObservedEndpoint } from './endpoint-builder.js';
import { textEvidence } from './evidence.js';
import type { ObservedContract } from './infer-contract.js';

/** Compares one provider's observations with its baseline contract; findings come sorted. */
export function diffContract(baseline: Contract, observed: ObservedContract, options: DiffOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const [id, endpoint] of observed.endpoints) {
    out.push(...diffEndpoint(baseline.endpoints[id], endpoint, options));
  }
  out.push(...diffRequests(observed.provider, baseline.requests, observed.requests));
  return out.sort(compareFindings);
}

/** Compares one endpoint family; a family the baseline never saw is one `endpoint-new` finding. */
export function diffEndpoint(baseline: EndpointContract | undefined, observed: ObservedEndpoint, options: DiffOptions = {}): Finding[] {
  const scope: FindingScope = { provider: observed.provider, endpoint: observed.id };
  const out: Finding[] = [];
  if (baseline === undefined) {
    out.push(
      finding(
        'endpoint-new',
        scope,
        '$',
        `New endpoint family ${observed.id}`,
        textEvidence('not recorded', 0),
        textEvidence(`${observed.interactions} interactions`, observed.interactions),
        observed.refs,
      ),
    );
  } else {
    out.push(...diffPaths(baseline, observed, scope, options));
    if (baseline.grammar && observed.grammar) out.push(...diffStream(baseline.grammar, observed.grammar, scope));
  }
  out.push(...diffSchema(baseline, observed, scope));
  // An empty array in a stream's first event is the sharper finding of the two.
  const firstEmpty = new Set(out.filter((f) => f.check === 'stream-first-event-empty-array').map((f) => f.path));
  return firstEmpty.size === 0 ? out : out.filter((f) => f.check !== 'array-now-empty' || !firstEmpty.has(f.path));
}

/** Built-in schema violations the baseline recordings did not already have. */
function diffSchema(baseline: EndpointContract | undefined, observed: ObservedEndpoint, scope: FindingScope): Finding[] {
  if (!observed.schema) return [];
  const known = baseline?.schema?.violations ?? {};
  const out: Finding[] = [];
  for (const [path, v] of observed.schema.violations) {
    if ((known[path] ?? 0) > 0) continue;
    const before = baseline ? `satisfied in ${baseline.documents} documents` : 'no baseline';
    out.push(
      finding(
        'schema-violation',
        scope,
        path,
        `${observed.schema.name} schema violated at ${path}: ${v.message}`,
        textEvidence(before, baseline?.documents ?? 0),
        textEvidence(`${v.message} (${v.count} documents)`, v.count, { schema: observed.schema.name }),
        v.refs,
      ),
    );
  }
  return out;
}
