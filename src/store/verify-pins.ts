import { takeHash } from './pin-lock.js';
import type { PinLock } from './pin-lock.js';
import { readTake } from './pinned-store.js';
import type { Store } from './store.js';
import type { VerifyFinding } from './verify-finding.js';

/** `cassette verify` with a pin file: every pinned take must be in the store with its pinned hash. */
export async function pinFindings(store: Store, lock: PinLock, lockPath: string): Promise<VerifyFinding[]> {
  const findings: VerifyFinding[] = [];
  for (const [episode, pin] of Object.entries(lock.episodes).sort(([a], [b]) => a.localeCompare(b))) {
    const where = `${lockPath}: episode "${episode}" take ${pin.take}`;
    const interactions = await readTake(store, episode, pin.take);
    if (interactions.length === 0) findings.push({ kind: 'pin', where, message: 'the pinned take is not in the store' });
    else if (takeHash(interactions) !== pin.hash)
      findings.push({ kind: 'pin', where, message: `content hash ${takeHash(interactions)} differs from the pinned ${pin.hash}` });
  }
  return findings;
}
