import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError, toCassetteError } from '../errors.js';
import type { Interaction, Mode } from '../types.js';
import { withDirLock } from './dir-lock.js';
import { foldOrphans, foldTake } from './fold-take.js';
import type { TakeWriter } from './store.js';
import { encodeInteraction } from './stored-interaction.js';
import { journalPath, takeNumbers, type TakeHeader, type TakeRecord } from './take-file.js';
import { appendJournal, closeJournal, createJournal, journalIsLive, readJournal } from './take-journal.js';
import { takeFinished } from './take-finished.js';

/** What a directory store shares with its take writers. */
export interface DirectoryContext {
  /** Absolute store root. */
  readonly root: string;
  readonly blobDir: string;
  /** Writers not closed yet: the store folds them when it closes. */
  readonly writers: Set<DirectoryTakeWriter>;
  closed: boolean;
}

/**
 * One session's take in a directory store. The take number is allocated (under the lock) on the
 * first append or `take` read, so a session that records nothing leaves no empty take. Appends go
 * to the take's own journal, so writers in other processes never touch the same file.
 */
export class DirectoryTakeWriter implements TakeWriter {
  readonly episode: string;
  readonly #ctx: DirectoryContext;
  readonly #mode: Mode;
  readonly #dir: string;
  /** Header of the take being continued (record-missing), else undefined. */
  readonly #continued: TakeHeader | undefined;
  #take: number | undefined;
  #fd: number | undefined;
  /** The journal being opened (waiting for the lock), shared by concurrent first appends. */
  #opening: Promise<number> | undefined;
  #position = 0;
  readonly #positions = new Set<number>();
  #closed = false;

  constructor(ctx: DirectoryContext, episode: string, mode: Mode, continued?: TakeRecord) {
    this.#ctx = ctx;
    this.episode = episode;
    this.#mode = mode;
    this.#dir = join(ctx.root, episode);
    this.#continued = continued?.header;
    this.#take = continued?.header.take;
    for (const i of continued?.interactions ?? []) {
      this.#positions.add(i.position);
      this.#position = Math.max(this.#position, i.position);
    }
    ctx.writers.add(this);
  }

  async take(): Promise<number> {
    if (this.#take === undefined) await this.#ensureJournal();
    return this.#take as number;
  }

  nextPosition(): number {
    return ++this.#position;
  }

  /** One journal line, whole or not at all. */
  async append(interaction: Interaction): Promise<void> {
    this.#assertOpen();
    this.#assertNew(interaction);
    // The journal exists before any blob is written or reused: blob collection (under the lock)
    // finds it and deletes nothing while another process or thread may still append (#collectBlobs).
    const fd = this.#fd ?? (await this.#ensureJournal());
    this.#assertOpen();
    this.#assertNew(interaction);
    guard(() => {
      const row = { ...interaction, episode: this.episode, take: this.#take as number };
      appendJournal(fd, { type: 'interaction', interaction: encodeInteraction(row, this.#ctx.blobDir) });
    });
    this.#positions.add(interaction.position);
    this.#position = Math.max(this.#position, interaction.position);
  }

  async finish(): Promise<void> {
    await this.#finish(new Date().toISOString());
  }

  /** For Store.close: folds what was written without marking the take closed. */
  async abandon(): Promise<void> {
    await this.#finish(undefined);
  }

  async #finish(closedAt: string | undefined): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.writers.delete(this);
    await this.#opening?.catch(() => undefined);
    const take = this.#take;
    if (take === undefined) return;
    guard(() => {
      if (this.#fd !== undefined) {
        if (closedAt !== undefined) appendJournal(this.#fd, { type: 'close', closedAt });
        closeJournal(this.#fd, journalPath(this.#dir, take));
        this.#fd = undefined;
      }
    });
    await guardAsync(withDirLock(this.#ctx.root, () => foldTake(this.#dir, this.episode, take, closedAt)));
  }

  #assertNew(interaction: Interaction): void {
    if (this.#positions.has(interaction.position)) {
      throw new CassetteError(
        'bad_usage',
        `position ${interaction.position} of episode ${this.episode} take ${this.#take} is already recorded`,
      );
    }
  }

  /** Opens this take's journal, allocating the take number first for a new take. */
  #ensureJournal(): Promise<number> {
    if (this.#fd !== undefined) return Promise.resolve(this.#fd);
    this.#assertOpen();
    this.#opening ??= this.#openJournal().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  #openJournal(): Promise<number> {
    return guardAsync(
      withDirLock(this.#ctx.root, () => {
        mkdirSync(this.#dir, { recursive: true });
        let header: TakeHeader;
        if (this.#continued === undefined) {
          foldOrphans(this.#dir, this.episode);
          const take = (takeNumbers(this.#dir).at(-1) ?? 0) + 1;
          header = { episode: this.episode, take, mode: this.#mode, createdAt: new Date().toISOString() };
        } else {
          header = this.#continued;
          const path = journalPath(this.#dir, header.take);
          const journal = readJournal(path);
          if (journal && journalIsLive(path, journal)) throw busy(this.episode, header.take, journal.pid);
          if (journal) foldTake(this.#dir, this.episode, header.take);
        }
        this.#fd = createJournal(journalPath(this.#dir, header.take), header);
        this.#take = header.take;
        return this.#fd;
      }),
    );
  }

  #assertOpen(): void {
    // A finished take never changes (docs/stores.md, "Fleet"): record-missing continues it with a new writer.
    if (this.#closed && !this.#ctx.closed) throw takeFinished(this.episode, this.#take);
    if (this.#closed || this.#ctx.closed) {
      throw new CassetteError('store_write_failed', `take ${this.#take ?? '(new)'} of episode ${this.episode} is closed`);
    }
  }
}

/** The error for continuing a take another live session is writing. */
export function busy(episode: string, take: number, pid: number): CassetteError {
  return new CassetteError('store_write_failed', `episode ${episode} take ${take} is being recorded by another session (pid ${pid})`, {
    hint: 'Record that episode from one process at a time, or use live mode (a new take per session).',
  });
}

async function guardAsync<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw toCassetteError(err, 'store_write_failed');
  }
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toCassetteError(err, 'store_write_failed');
  }
}
