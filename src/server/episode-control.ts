import type { CassetteOptions } from '../config/load-config.js';
import type { ModeRuntimes } from '../pipeline/mode-runtimes.js';
import type { Mode } from '../types.js';
import type { EpisodeSettings } from './control-endpoints.js';
import type { ChaosBlock, EpisodeChaos } from './episode-chaos.js';
import { assertEpisodeId } from './route-request.js';

/** The current episode, and the switches of the control API and the programmatic API. */
export class EpisodeControl {
  /** Requests that name no episode (header or path) belong to this one. */
  episode: string;
  readonly #runtimes: ModeRuntimes;
  readonly #chaos: EpisodeChaos;

  constructor(options: CassetteOptions, runtimes: ModeRuntimes, chaos: EpisodeChaos) {
    this.episode = options.episode;
    this.#runtimes = runtimes;
    this.#chaos = chaos;
  }

  /** Switches the current episode; what was served of it is forgotten. */
  setEpisode(id: string, chaos?: ChaosBlock): void {
    assertEpisodeId(id, 'setEpisode');
    // Validate everything first, then apply: a bad chaos block must not have switched the episode.
    const own = this.#chaos.build(chaos);
    this.episode = id;
    this.#runtimes.reset(id);
    this.#chaos.switchTo(id, chaos, own);
  }

  /** The control API's switch: also sets the episode's own mode (`null`: the server's) and, live, a fresh take. */
  async switchEpisode(id: string, chaos: ChaosBlock, settings: EpisodeSettings): Promise<{ mode: Mode; recordings: number | null }> {
    assertEpisodeId(id, 'POST /__cassette/episode');
    this.#chaos.build(chaos);
    const { mode, rt } = await this.#runtimes.setMode(id, settings.mode);
    this.setEpisode(id, chaos);
    if (settings.freshTake) await this.#runtimes.restart(id);
    const counter = this.#runtimes.counter(rt);
    return { mode, recordings: counter ? await counter.recordingCount(id) : null };
  }
}
