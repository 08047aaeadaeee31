import type { CassetteOptions } from '../config/load-config.js';
import { createChaos, parseChaosFaults } from '../safety/chaos.js';
import type { Chaos } from '../safety/chaos.js';

/** The `chaos` block of `POST /__cassette/episode`: `null` turns --chaos off for the episode. */
export type ChaosBlock = { rate: number; seed?: number; faults?: string } | null | undefined;

/** --chaos of the whole proxy, and the chaos an episode was given of its own by the control API. */
export class EpisodeChaos {
  readonly #global: Chaos | undefined;
  readonly #own = new Map<string, Chaos | undefined>();

  constructor(chaos: CassetteOptions['chaos']) {
    this.#global = chaos ? createChaos(chaos) : undefined;
  }

  /** The chaos that draws the faults of an episode's requests. */
  readonly of = (episode: string): Chaos | undefined => (this.#own.has(episode) ? this.#own.get(episode) : this.#global);

  /** A control request's chaos block, built (and so validated) before anything is switched. */
  build(chaos: ChaosBlock): Chaos | undefined {
    return chaos
      ? createChaos({ rate: chaos.rate, seed: chaos.seed ?? 0, faults: parseChaosFaults(chaos.faults ?? '429,500,529') })
      : undefined;
  }

  /** Switching to an episode: its own chaos (if the block gives one), and every draw starts again from its seed. */
  switchTo(id: string, chaos: ChaosBlock, own: Chaos | undefined): void {
    if (chaos === null) this.#own.set(id, undefined);
    else if (own) this.#own.set(id, own);
    this.#own.get(id)?.reset();
    this.#global?.reset();
  }
}
