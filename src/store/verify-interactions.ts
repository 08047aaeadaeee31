import { findCredentials } from '../safety/find-credentials.js';
import type { CredentialMatcher } from '../safety/find-credentials.js';
import { maskSecret } from '../safety/credential-patterns.js';
import { checkEventStream } from '../stream/aws-eventstream.js';
import type { Interaction } from '../types.js';
import type { VerifyFinding } from './verify-finding.js';

const isText = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;
const isStatus = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;

/** Fields without which an interaction can be neither matched nor replayed, with their test. */
const REQUIRED: readonly (readonly [path: string, ok: (v: unknown) => boolean])[] = [
  ['episode', isText],
  ['take', isCount],
  ['position', isCount],
  ['key', isText],
  ['request.method', isText],
  ['request.path', (v) => typeof v === 'string'],
  ['response.status', isStatus],
];

function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Where an interaction is, for people: `episode "e" take 2 step 3`. */
export function whereOf(i: Partial<Interaction>, ordinal: number): string {
  return typeof i.episode === 'string'
    ? `episode ${JSON.stringify(i.episode)} take ${i.take ?? '?'} step ${i.position ?? '?'}`
    : `interaction #${ordinal}`;
}

/**
 * Integrity findings for one interaction: each required field missing or malformed, and a binary
 * event stream (Bedrock) whose messages fail their lengths or CRC32 checksums.
 */
export function checkRequiredFields(i: unknown, ordinal: number): VerifyFinding[] {
  if (typeof i !== 'object' || i === null) return [{ kind: 'integrity', where: `interaction #${ordinal}`, message: 'not a JSON object' }];
  const findings: VerifyFinding[] = REQUIRED.filter(([path, ok]) => !ok(at(i, path))).map(([field]) => ({
    kind: 'integrity',
    where: whereOf(i as Partial<Interaction>, ordinal),
    message: `${field} is missing or malformed`,
  }));
  const stream = (i as Partial<Interaction>).response?.stream;
  if (stream?.format === 'aws-eventstream' && Array.isArray(stream.events)) {
    // A cut stream may end in a partial message: only the whole ones before it must hold.
    const events = (i as Partial<Interaction>).complete === false ? stream.events.slice(0, -1) : stream.events;
    const problem = checkEventStream(events.map((e) => e.raw));
    if (problem)
      findings.push({ kind: 'integrity', where: `${whereOf(i as Partial<Interaction>, ordinal)} at response.stream`, message: problem });
  }
  return findings;
}

/** Credential findings anywhere in an interaction (values and object keys), with the JSON path. */
export function scanInteraction(
  i: Interaction,
  ordinal: number,
  matchers: readonly CredentialMatcher[],
): { findings: VerifyFinding[]; values: string[] } {
  const findings: VerifyFinding[] = [];
  const values: string[] = [];
  const where = whereOf(i, ordinal);
  const scan = (text: string, path: string): void => {
    for (const m of findCredentials(text, matchers)) {
      values.push(m.value);
      findings.push({ kind: 'credential', where: `${where} at ${path || '(root)'}`, pattern: m.pattern, masked: maskSecret(m.value) });
    }
  };
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') scan(value, path);
    else if (Array.isArray(value)) value.forEach((v, k) => visit(v, `${path}[${k}]`));
    else if (typeof value === 'object' && value !== null) {
      // A body stored as base64 (not UTF-8: Latin-1 text, binary): credentials are ASCII, so its
      // Latin-1 reading shows them (issue 13 item 15).
      const body = value as { kind?: unknown; base64?: unknown };
      if (body.kind === 'base64' && typeof body.base64 === 'string')
        scan(Buffer.from(body.base64, 'base64').toString('latin1'), `${path ? `${path}.` : ''}base64 (decoded)`);
      for (const [k, v] of Object.entries(value)) {
        const child = path ? `${path}.${k}` : k;
        scan(k, `${child} (key)`);
        visit(v, child);
      }
    }
  };
  visit(i, '');
  return { findings, values };
}
