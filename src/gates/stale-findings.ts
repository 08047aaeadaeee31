import type { Store } from '../store/store.js';
import type { VerifyFinding } from '../store/verify-finding.js';
import { findStale } from './find-stale.js';

/** `verify --max-age D`: one finding per served interaction recorded longer ago than D. */
export async function staleFindings(store: Store, maxAgeMs: number, maxAge: string, now = new Date()): Promise<VerifyFinding[]> {
  return (await findStale(store, maxAgeMs, now)).map((s) => ({
    kind: 'stale',
    where: `episode "${s.episode}" take ${s.take} step ${s.position}`,
    message: `recorded ${s.recordedAt}, ${s.ageDays} days ago (older than ${maxAge})`,
  }));
}
