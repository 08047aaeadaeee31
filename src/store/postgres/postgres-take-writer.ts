import type { Interaction, Mode } from '../../types.js';
import type { TakeWriter } from '../store.js';
import { takeFinished } from '../take-finished.js';

/** Positions a writer reserves at once: writers sharing a take get disjoint ranges of this size. */
export const POSITION_RANGE = 10_000;

/** What a writer needs of its store: queries, and the group write `append` goes through. */
export interface WriterStore {
  query(sql: string, params?: unknown[], doing?: string): Promise<Record<string, unknown>[]>;
  appendGroup(appends: readonly { writer: TakeWriter; interaction: Interaction }[]): Promise<(Error | undefined)[]>;
}

/** A take this writer appends to, and the first position of the range it reserved in it. */
export interface Reserved {
  id: number;
  take: number;
  start: number;
}

/**
 * A take being written to a PostgreSQL store. Take numbers come from the database (the next
 * after the episode's highest, retried when another writer took it first), and so do positions:
 * each writer reserves a range of POSITION_RANGE positions in the take's `next_position` counter,
 * so several proxies on several machines continuing one take (record-missing) never collide, and
 * each writer's positions stay in its call order. `finish` gives back what it did not use when no
 * one reserved after it, so takes continued one session after another stay dense.
 */
export class PostgresTakeWriter implements TakeWriter {
  readonly episode: string;
  #reserved: Reserved | undefined;
  #opening: Promise<Reserved> | undefined;
  /** The last position handed out (local: positions are handed out synchronously). */
  #position: number;
  /** Added to local positions when the range became known only after they were handed out. */
  #offset = 0;
  #finished = false;

  constructor(
    private readonly store: WriterStore,
    episode: string,
    private readonly mode: Mode,
    reserved: Reserved | undefined,
  ) {
    this.episode = episode;
    this.#reserved = reserved;
    this.#position = reserved ? reserved.start - 1 : 0;
  }

  /**
   * Reserves a position range in the episode's newest take (record-missing continues it); undefined
   * when the episode has no take yet (the first append creates take 1, or joins the take 1 another
   * writer created meanwhile). `take`: that take rather than the newest, when it exists.
   */
  static async reserveInNewest(store: WriterStore, episode: string, take?: number): Promise<Reserved | undefined> {
    const [row] = await store.query(
      `UPDATE takes t SET next_position =
           GREATEST(t.next_position, COALESCE((SELECT MAX(i.position) FROM interactions i WHERE i.take_id = t.id), 0) + 1) + $2
       WHERE t.id = (SELECT id FROM takes WHERE episode = $1 AND ($3::int IS NULL OR take = $3::int) ORDER BY take DESC LIMIT 1)
       RETURNING t.id, t.take, t.next_position - $2 AS start`,
      [episode, POSITION_RANGE, take ?? null],
      'write to',
    );
    return row && { id: Number(row.id), take: Number(row.take), start: Number(row.start) };
  }

  async take(): Promise<number> {
    return (await this.open()).take;
  }

  nextPosition(): number {
    return ++this.#position;
  }

  async append(interaction: Interaction): Promise<void> {
    this.assertOpen();
    const [err] = await this.store.appendGroup([{ writer: this, interaction }]);
    if (err) throw err;
  }

  /** A finished take never changes: this writer appends nothing more. */
  assertOpen(): void {
    if (this.#finished) {
      throw takeFinished(this.episode, this.#reserved?.take);
    }
  }

  /** The position to store for a position this writer handed out. */
  storedPosition(position: number): number {
    return position + this.#offset;
  }

  async finish(): Promise<void> {
    this.#finished = true;
    const r = this.#reserved;
    if (!r) return;
    // Gives the unused rest of the range back when no writer reserved after this one.
    await this.store.query(
      `UPDATE takes SET closed_at = $1,
         next_position = CASE WHEN next_position = $3
           THEN COALESCE((SELECT MAX(position) FROM interactions WHERE take_id = $2), 0) + 1 ELSE next_position END
       WHERE id = $2`,
      [new Date().toISOString(), r.id, r.start + POSITION_RANGE],
      'write to',
    );
  }

  /** The take, created on the first call: a session that records nothing leaves no empty take. */
  open(): Promise<Reserved> {
    if (this.#reserved) return Promise.resolve(this.#reserved);
    this.#opening ??= this.#create().then(
      (r) => (this.#reserved = r),
      (err: unknown) => {
        this.#opening = undefined;
        throw err;
      },
    );
    return this.#opening;
  }

  async #create(): Promise<Reserved> {
    const created = new Date().toISOString();
    if (this.mode === 'record-missing') {
      // Continuing an episode that had no take: the first writer creates take 1, the others join it.
      const [row] = await this.store.query(
        `INSERT INTO takes (episode, take, mode, created_at, next_position) VALUES ($1, 1, $2, $3, $4)
         ON CONFLICT (episode, take) DO NOTHING RETURNING id, take`,
        [this.episode, this.mode, created, POSITION_RANGE + 1],
        'write to',
      );
      if (row) return { id: Number(row.id), take: Number(row.take), start: 1 };
      const joined = await PostgresTakeWriter.reserveInNewest(this.store, this.episode);
      if (joined) {
        this.#offset = joined.start - 1;
        return joined;
      }
    }
    // A new take: the next number after the highest; a writer that lost the race tries the next one.
    for (let attempt = 0; ; attempt++) {
      try {
        const [row] = await this.store.query(
          `INSERT INTO takes (episode, take, mode, created_at, next_position)
           SELECT $1, COALESCE(MAX(take), 0) + 1, $2, $3, $4 FROM takes WHERE episode = $1
           RETURNING id, take`,
          [this.episode, this.mode, created, POSITION_RANGE + 1],
          'write to',
        );
        const r = row as Record<string, unknown>;
        return { id: Number(r.id), take: Number(r.take), start: 1 };
      } catch (err) {
        if (attempt >= 50 || !String((err as Error).message).includes('23505')) throw err;
      }
    }
  }
}
