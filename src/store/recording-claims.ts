/**
 * Single-flight recording across processes (docs/stores.md, "Fleet"): before a proxy in
 * record-missing forwards a missed request, it claims the request's key in the shared store; the
 * other proxies that miss on the same key wait for the claim to go and then serve what the holder
 * recorded. A backend that can coordinate processes implements this capability (`Store.claims`);
 * a store without it (the directory store, held by one process anyway) collapses calls within the
 * process only.
 */
export interface RecordingClaims {
  /**
   * Claims (episode, key) for this process. Resolves with the claim when won, undefined while a
   * live holder has it. A holder that died (process gone, connection lost) loses its claim.
   */
  tryClaim(episode: string, key: string): Promise<RecordingClaim | undefined>;
  /**
   * Resolves true once (episode, key) is free (released, or its holder died), false when
   * `deadline` (epoch ms) passed first.
   */
  waitForRelease(episode: string, key: string, deadline: number): Promise<boolean>;
}

/** A won claim: released once the holder's recording is committed (or it gave up). */
export interface RecordingClaim {
  release(): Promise<void>;
}
