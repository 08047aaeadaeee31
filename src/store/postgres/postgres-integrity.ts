import type { VerifyFinding } from '../verify-finding.js';
import type { PostgresStore } from './postgres-store.js';

/** Findings of one kind at most (the rest are counted in the last one). */
const MAX_EACH = 100;

/** The slots of `interactions.body_hashes`, in order (body-parts.ts). */
const SLOTS = ['request body', 'answer body', 'stream events', 'WebSocket frames'];

const takeWhere = (r: Record<string, unknown>): string => `episode ${JSON.stringify(r.episode)} take ${String(r.take)}`;

/**
 * What `cassette verify` checks in the tables of a PostgreSQL store besides reading every
 * interaction (verify-store.ts): each in one query, so a store of a million interactions is
 * checked by the database, not row by row over the wire.
 *
 * - a row refers to a body the `bodies` table does not hold (the interaction cannot be served);
 * - a body whose text no longer has the SHA-256 it is stored under, or whose `bytes` is wrong;
 * - a take with no interactions (a session that stored nothing, or rows deleted by hand);
 * - a take whose `next_position` is not past its last position (the next writer would collide);
 * - bodies no interaction refers to (space only: nothing is served from them).
 */
export async function postgresIntegrity(store: PostgresStore): Promise<VerifyFinding[]> {
  const findings: VerifyFinding[] = [];
  const add = (
    rows: Record<string, unknown>[],
    where: (r: Record<string, unknown>) => string,
    message: (r: Record<string, unknown>) => string,
  ): void => {
    for (const r of rows.slice(0, MAX_EACH)) findings.push({ kind: 'integrity', where: where(r), message: message(r) });
    if (rows.length > MAX_EACH) {
      const last = findings[findings.length - 1] as VerifyFinding;
      last.message = `${last.message} (and ${rows.length - MAX_EACH} more like it)`;
    }
  };
  const missing = await store.query(
    `SELECT t.episode, t.take, i.position, h.slot, h.hash FROM interactions i JOIN takes t ON t.id = i.take_id
       CROSS JOIN LATERAL unnest(i.body_hashes) WITH ORDINALITY AS h(hash, slot)
     WHERE h.hash IS NOT NULL AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.hash = h.hash)
     ORDER BY t.episode COLLATE "C", t.take, i.position, h.slot`,
  );
  add(
    missing,
    (r) => `${takeWhere(r)} step ${String(r.position)}`,
    (r) => `its ${SLOTS[Number(r.slot) - 1] ?? `part ${String(r.slot)}`} (body ${String(r.hash)}) is missing from the bodies table`,
  );
  const altered = await store.query(
    `SELECT hash, encode(sha256(convert_to(data, 'UTF8')), 'hex') AS actual, bytes, octet_length(data) AS length FROM bodies
     WHERE hash <> encode(sha256(convert_to(data, 'UTF8')), 'hex') OR bytes <> octet_length(data) ORDER BY hash`,
  );
  add(
    altered,
    (r) => `body ${String(r.hash)}`,
    (r) =>
      r.actual !== r.hash
        ? `its text has SHA-256 ${String(r.actual)}, not the hash it is stored under: it changed after it was written`
        : `its bytes column says ${String(r.bytes)}, its text has ${String(r.length)} bytes`,
  );
  const empty = await store.query(
    `SELECT t.episode, t.take FROM takes t WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.take_id = t.id)
     ORDER BY t.episode COLLATE "C", t.take`,
  );
  add(empty, takeWhere, () => 'the take has no interactions (a session that stored nothing, or rows deleted by hand)');
  const behind = await store.query(
    `SELECT t.episode, t.take, t.next_position, m.last FROM takes t
       JOIN (SELECT take_id, MAX(position) AS last FROM interactions GROUP BY take_id) m ON m.take_id = t.id
     WHERE t.next_position <= m.last ORDER BY t.episode COLLATE "C", t.take`,
  );
  add(
    behind,
    takeWhere,
    (r) =>
      `next_position ${String(r.next_position)} is not past the last position ${String(r.last)}: the next writer would reuse a position`,
  );
  const [orphans] = await store.query(
    `SELECT count(*) AS n, COALESCE(SUM(bytes), 0) AS bytes FROM bodies b
     WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.body_hashes @> ARRAY[b.hash])`,
  );
  if (Number(orphans?.n ?? 0) > 0)
    findings.push({
      kind: 'integrity',
      where: `${store.location} table bodies`,
      message: `${String(orphans?.n)} bodies (${String(orphans?.bytes)} bytes) are referred to by no interaction: they take space and are never served`,
    });
  return findings;
}
