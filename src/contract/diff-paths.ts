import { finding, type FindingScope } from './classify-finding.js';
import type { EndpointContract, Finding, JsonType, PathContract } from './contract-types.js';
import type { ObservedEndpoint } from './endpoint-builder.js';
import { pathEvidence, textEvidence, total, valuesEvidence } from './evidence.js';
import { knownValues } from './path-rules.js';
import type { ObservedPath } from './shape-paths.js';

/** How much the observed side can tell: one live answer cannot show that an optional path vanished. */
export interface DiffOptions {
  single?: boolean;
}

/** The parent of a path (`choices[].delta` → `choices[]` → `choices` → `$`); undefined for roots. */
export function parentPath(path: string): string | undefined {
  const colon = path.indexOf(':');
  const prefix = colon >= 0 ? path.slice(0, colon + 1) : '';
  const bare = path.slice(prefix.length);
  if (bare === '$') return undefined;
  if (bare.endsWith('[]')) return prefix + bare.slice(0, -2);
  const dot = bare.lastIndexOf('.');
  return dot >= 0 ? prefix + bare.slice(0, dot) : `${prefix}$`;
}

const isRoot = (path: string): boolean => path === '$' || path.endsWith(':$');

/** Compares the path statistics of one endpoint family with its baseline. */
export function diffPaths(
  baseline: EndpointContract,
  observed: ObservedEndpoint,
  scope: FindingScope,
  options: DiffOptions = {},
): Finding[] {
  const out: Finding[] = [];
  const seenInBaseline = (path: string): boolean => (baseline.paths[path]?.present ?? 0) > 0;
  for (const [path, o] of observed.paths) {
    const b = baseline.paths[path];
    if (b !== undefined && b.present > 0) {
      comparePath(path, b, o, scope, out);
      continue;
    }
    const parent = parentPath(path);
    // Only the topmost new path is reported; a new stream event is reported by the grammar.
    if (parent === undefined || !seenInBaseline(parent)) continue;
    out.push(
      finding(
        'path-new',
        scope,
        path,
        `New path ${path}`,
        textEvidence('not seen', baseline.paths[parent]?.present ?? 0),
        pathEvidence(o),
        o.refs?.present ?? [],
      ),
    );
  }
  for (const [path, b] of Object.entries(baseline.paths)) {
    if (observed.paths.has(path) || isRoot(path) || path.endsWith('[]') || b.present === 0) continue;
    const parent = observed.paths.get(parentPath(path)!);
    const samples = parent?.types.object ?? 0;
    // The parent is gone or changed type: that finding is the one worth reading.
    if (samples === 0) continue;
    const observedEvidence = textEvidence(`present in 0/${samples} samples`, samples);
    const refs = parent?.refs?.present ?? [];
    if (b.present === b.samples) {
      out.push(finding('path-removed', scope, path, `Required path ${path} is gone`, pathEvidence(b), observedEvidence, refs));
    } else if (!options.single && unlikelyByChance(baseline, path, b, parent)) {
      out.push(
        finding('path-no-longer-seen', scope, path, `Optional path ${path} no longer seen`, pathEvidence(b), observedEvidence, refs),
      );
    }
  }
  return out;
}

/** Below this chance of missing an optional path by luck alone, its absence is reported. */
const CHANCE = 0.05;

/**
 * Whether never seeing an optional path is unlikely to be luck: with presence rate q per
 * interaction in the baseline and n observed interactions, (1 - q)^n is the chance of missing it.
 */
function unlikelyByChance(baseline: EndpointContract, path: string, b: PathContract, parent: ObservedPath | undefined): boolean {
  const baselineParent = baseline.paths[parentPath(path)!];
  const q =
    b.interactions !== undefined && baselineParent?.interactions
      ? b.interactions / baselineParent.interactions
      : b.present / Math.max(1, b.samples);
  const n = b.interactions !== undefined ? (parent?.interactions ?? 0) : (parent?.types.object ?? 0);
  return Math.pow(1 - Math.min(1, q), n) < CHANCE;
}

function comparePath(path: string, b: PathContract, o: ObservedPath, scope: FindingScope, out: Finding[]): void {
  if (!isRoot(path) && !path.endsWith('[]') && b.present === b.samples && o.present < o.samples) {
    out.push(
      finding(
        'path-now-optional',
        scope,
        path,
        `Required path ${path} is now only sometimes present`,
        pathEvidence(b),
        pathEvidence(o),
        o.refs?.absent ?? [],
      ),
    );
  }
  const baselineNonNull = (Object.keys(b.types) as JsonType[]).filter((t) => t !== 'null');
  for (const t of Object.keys(o.types) as JsonType[]) {
    if (t === 'null' || (b.types[t] ?? 0) > 0) continue;
    const refs = o.refs?.types[t] ?? [];
    if (baselineNonNull.length === 0) {
      out.push(finding('type-from-null', scope, path, `${path} was always null, now ${t}`, pathEvidence(b), pathEvidence(o), refs));
    } else {
      out.push(
        finding(
          'type-changed',
          scope,
          path,
          `${path} changed type: ${t} where it was ${baselineNonNull.join('|')}`,
          pathEvidence(b),
          pathEvidence(o),
          refs,
        ),
      );
    }
  }
  if ((o.types.null ?? 0) > 0 && (b.types.null ?? 0) === 0) {
    out.push(
      finding(
        'became-nullable',
        scope,
        path,
        `${path} is null where it never was`,
        pathEvidence(b),
        pathEvidence(o),
        o.refs?.types.null ?? [],
      ),
    );
  }
  compareValues(path, b, o, scope, out);
  if (b.format !== undefined) {
    const others = Object.entries(o.formats).filter(([f, n]) => f !== b.format && n > 0);
    if (others.length > 0) {
      const refs = others.flatMap(([f]) => o.refs?.formats[f] ?? []);
      const observedFormats = Object.fromEntries(Object.entries(o.formats));
      out.push(
        finding(
          'format-changed',
          scope,
          path,
          `${path} format changed from ${b.format} to ${others.map(([f]) => f).join(', ')}`,
          textEvidence(`format ${b.format}`, b.types.string ?? 0),
          valuesEvidence('formats', observedFormats, total(o.formats)),
          refs,
        ),
      );
    }
  }
  if ((b.types.array ?? 0) > 0 && (b.empty ?? 0) === 0 && (o.empty ?? 0) > 0) {
    out.push(
      finding(
        'array-now-empty',
        scope,
        path,
        `${path} is an empty array where it never was`,
        textEvidence(`never empty in ${b.types.array} arrays`, b.types.array ?? 0),
        textEvidence(`empty in ${o.empty}/${o.types.array} arrays`, o.types.array ?? 0),
        o.refs?.empty ?? [],
      ),
    );
  }
}

function compareValues(path: string, b: PathContract, o: ObservedPath, scope: FindingScope, out: Finding[]): void {
  const kind = b.enum === 'closed' || o.enum === 'closed' ? 'closed' : b.enum;
  if (kind !== 'closed' && kind !== 'inferred') return;
  const allowed = new Set([...Object.keys(b.values ?? {}), ...(kind === 'closed' ? knownValues(path) : [])]);
  const fresh = Object.keys(o.values ?? {}).filter((v) => !allowed.has(v));
  if (fresh.length === 0 && !(kind === 'inferred' && o.valuesOverflow)) return;
  const newValues = Object.fromEntries(fresh.map((v) => [v, o.values?.[v] ?? 0]));
  const refs = fresh.flatMap((v) => o.refs?.values[v] ?? []).slice(0, 5);
  const baselineEvidence = valuesEvidence(kind === 'closed' ? 'closed set' : 'inferred set', b.values ?? {}, b.types.string ?? 0);
  const listed = fresh.map((v) => JSON.stringify(v)).join(', ') || 'many distinct values';
  const freshCount = fresh.reduce((sum, v) => sum + (o.values?.[v] ?? 0), 0);
  const overflow = o.valuesOverflow && kind === 'inferred' ? '; more distinct values than are kept' : '';
  const observedEvidence = textEvidence(
    `new ${listed} in ${freshCount}/${o.types.string ?? 0} string samples${overflow}`,
    o.types.string ?? 0,
    { values: newValues },
  );
  if (kind === 'closed') {
    out.push(
      finding(
        'discriminator-value-new',
        scope,
        path,
        `${path} has a value outside its closed set: ${listed}`,
        baselineEvidence,
        observedEvidence,
        refs,
      ),
    );
  } else {
    out.push(finding('enum-value-new', scope, path, `${path} has a new value: ${listed}`, baselineEvidence, observedEvidence, refs));
  }
}
