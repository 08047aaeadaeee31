import { CassetteError } from '../errors.js';
import { findRecorded } from '../store/find-recorded.js';
import type { Store } from '../store/store.js';
import type { Interaction } from '../types.js';
import type { Replayer } from './replayer.js';

/** What a forwarded, recorded call gives back: its result, and the interaction when it was stored complete. */
export interface FlightResult<R> {
  result: R;
  recorded?: Interaction | undefined;
}

/**
 * Single-flight recording for record-missing: of all the calls that miss on the same key of an
 * episode at the same moment, in this process and (through `Store.claims`) in every process
 * sharing the store, one forwards and records; the others wait for its answer and serve it, so
 * the upstream is paid once per request. A waiter whose leader failed or recorded nothing usable
 * (an incomplete stream, a store error) tries again itself; waiting is bounded by `waitMs`.
 */
export class RecordingFlights {
  readonly #store: Store;
  readonly #replayer: Replayer | undefined;
  readonly #waitMs: number;
  /** Calls of this process being forwarded, by episode and key: what identical calls wait for. */
  readonly #local = new Map<string, Promise<Interaction | undefined>>();

  constructor(store: Store, replayer: Replayer | undefined, waitMs: number) {
    this.#store = store;
    this.#replayer = replayer;
    this.#waitMs = waitMs;
  }

  /**
   * Forwards and records the call once (`forward`), or serves what another call recorded for the
   * same key (`serve`).
   */
  async record<R>(
    episode: string,
    key: string,
    forward: () => Promise<FlightResult<R>>,
    serve: (i: Interaction) => Promise<R>,
  ): Promise<R> {
    const id = `${episode}\n${key}`;
    const deadline = Date.now() + this.#waitMs;
    for (;;) {
      const inFlight = this.#local.get(id);
      if (inFlight) {
        const recorded = await inFlight;
        if (recorded) return serve(recorded);
        if (Date.now() >= deadline) throw timedOut(episode, key, this.#waitMs);
        continue;
      }
      let settle: (i: Interaction | undefined) => void = () => undefined;
      this.#local.set(id, new Promise((resolve) => (settle = resolve)));
      try {
        const led = await this.#lead(episode, key, deadline, forward, serve);
        settle(led.recorded);
        return led.result;
      } catch (err) {
        settle(undefined);
        throw err;
      } finally {
        this.#local.delete(id);
      }
    }
  }

  async #lead<R>(
    episode: string,
    key: string,
    deadline: number,
    forward: () => Promise<FlightResult<R>>,
    serve: (i: Interaction) => Promise<R>,
  ): Promise<FlightResult<R>> {
    const claims = this.#store.claims;
    if (!claims) return forward();
    for (;;) {
      const claim = await claims.tryClaim(episode, key);
      if (claim) {
        try {
          // Recorded by another proxy before this one's index knew of it, or while it waited.
          const existing = await this.#recordedElsewhere(episode, key);
          if (existing) return { result: await serve(existing), recorded: existing };
          return await forward();
        } finally {
          await claim.release().catch(() => undefined);
        }
      }
      if (!(await claims.waitForRelease(episode, key, deadline))) throw timedOut(episode, key, this.#waitMs);
      const existing = await this.#recordedElsewhere(episode, key);
      if (existing) return { result: await serve(existing), recorded: existing };
    }
  }

  async #recordedElsewhere(episode: string, key: string): Promise<Interaction | undefined> {
    const found = await findRecorded(this.#store, episode, key);
    // Known to this proxy's index from now on: the next identical call is a plain hit.
    if (found) await this.#replayer?.add(episode, found);
    return found;
  }
}

function timedOut(episode: string, key: string, waitMs: number): CassetteError {
  return new CassetteError(
    'recording_wait_timeout',
    `record-missing: another proxy sharing the store is recording this request of episode "${episode}" (key ${key.slice(0, 12)}) and its answer did not come within ${Math.round(waitMs / 1000)} s`,
    {
      hint: 'Check the log of the proxy holding the claim and the upstream; the next call claims the request afresh once that proxy is gone.',
    },
  );
}
