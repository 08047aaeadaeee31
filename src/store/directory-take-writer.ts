import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError, toCassetteError } from '../errors.js';
import type { Interaction, Mode } from '../types.js';
import { withDirLock } from './dir-lock.js';
import { foldOrphans, foldTake } from './fold-take.js';
import type { TakeWriter } from './store.js';
import { encodeInteraction } from './stored-interaction.js';
import { journalPath, readTakeFile, takeFilePath, takeNumbers, type TakeHeader, type TakeRecord } from './take-file.js';
import { appendJournal, createJournal, journalIsLive, readJournal, readJournalTail, type JournalMark } from './take-journal.js';
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
 * One session's writer of a take in a directory store. The take number is allocated (under the
 * lock) on the first append or `take` read, so a session that records nothing leaves no empty take;
 * a continuing writer (record-missing) that found no take looks again then, and joins the take
 * another process created meanwhile. Every append holds the store lock from the blob files to the
 * journal line: writers of one take in several processes share its journal (take-journal.ts), a
 * position another writer used since this one last looked goes to the end (as SQLite does), and a
 * fold by any of them is safe at any time.
 */
export class DirectoryTakeWriter implements TakeWriter {
  readonly episode: string;
  readonly #ctx: DirectoryContext;
  readonly #mode: Mode;
  readonly #dir: string;
  /** Continue the newest take, a given one, or make a new one. */
  readonly #how: 'new' | 'continue' | number;
  #header: TakeHeader | undefined;
  /** What this writer has seen of the take's journal; undefined: read it whole on the next append. */
  #mark: JournalMark | undefined;
  /** The highest position handed out or seen in the take. */
  #position = 0;
  /** Positions in the take as far as this writer knows, and the ones it appended itself. */
  readonly #taken = new Set<number>();
  readonly #mine = new Set<number>();
  #closed = false;

  constructor(ctx: DirectoryContext, episode: string, mode: Mode, how: 'new' | 'continue' | number, continued?: TakeRecord) {
    this.#ctx = ctx;
    this.episode = episode;
    this.#mode = mode;
    this.#dir = join(ctx.root, episode);
    this.#how = how;
    this.#header = continued?.header;
    for (const i of continued?.interactions ?? []) this.#noteTaken(i.position);
    ctx.writers.add(this);
  }

  async take(): Promise<number> {
    if (this.#header === undefined) {
      this.#assertOpen();
      await this.#locked(() => this.#open());
    }
    return (this.#header as TakeHeader).take;
  }

  nextPosition(): number {
    return ++this.#position;
  }

  /** One journal line, whole or not at all. */
  async append(interaction: Interaction): Promise<void> {
    const [err] = await appendLocked(this.#ctx.root, [{ writer: this, interaction }]);
    if (err) throw err;
  }

  async finish(): Promise<void> {
    await this.#finish(new Date().toISOString());
  }

  /** For Store.close: folds what was written without marking the take closed. */
  async abandon(): Promise<void> {
    await this.#finish(undefined);
  }

  /** Appends one interaction; call holding the lock (appendLocked). */
  appendHeld(interaction: Interaction): void {
    this.#assertOpen();
    if (this.#mine.has(interaction.position)) {
      throw new CassetteError(
        'bad_usage',
        `position ${interaction.position} of episode ${this.episode} take ${this.#header?.take} is already recorded`,
      );
    }
    const header = this.#open();
    // Several writers count positions from what each saw: one another writer used since goes to the end.
    const position = this.#taken.has(interaction.position) ? this.#position + 1 : interaction.position;
    const row = { ...interaction, episode: this.episode, take: header.take, position };
    // Blobs are written under the lock with the line naming them: blob collection (also under the
    // lock) never sees a blob that a journal line is about to name.
    const stored = guard(() => encodeInteraction(row, this.#ctx.blobDir));
    this.#write([{ type: 'interaction', interaction: stored }]);
    this.#noteTaken(position);
    this.#mine.add(interaction.position);
    this.#mine.add(position);
  }

  async #finish(closedAt: string | undefined): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.writers.delete(this);
    const header = this.#header;
    if (header === undefined) return;
    await this.#locked(() => {
      const path = journalPath(this.#dir, header.take);
      // A journal another live writer created is left to it to fold: the close line keeps the close
      // time until then. (readJournalTail first: it cuts off a torn tail the line must not follow.)
      if (closedAt !== undefined && readJournalTail(path, this.#mark) !== undefined) appendJournal(path, [{ type: 'close', closedAt }]);
      foldTake(this.#dir, this.episode, header.take, closedAt);
    });
  }

  /**
   * The take's header, allocating the take first: a new writer takes the next number; a
   * continuing one the newest take, which another process may have created since it opened.
   * Then brings this writer's view of the take up to date with what others appended. Under the lock.
   */
  #open(): TakeHeader {
    if (this.#header === undefined) {
      mkdirSync(this.#dir, { recursive: true });
      const takes = takeNumbers(this.#dir);
      const join = typeof this.#how === 'number' ? takes.find((t) => t === this.#how) : this.#how === 'continue' ? takes.at(-1) : undefined;
      if (join !== undefined) {
        // The take's own header replaces this one as soon as #catchUp has read it.
        this.#header = { episode: this.episode, take: join, mode: this.#mode, createdAt: new Date().toISOString() };
      } else {
        foldOrphans(this.#dir, this.episode);
        const take = (takeNumbers(this.#dir).at(-1) ?? 0) + 1;
        this.#header = { episode: this.episode, take, mode: this.#mode, createdAt: new Date().toISOString() };
        createJournal(journalPath(this.#dir, take), this.#header);
      }
    }
    this.#catchUp(this.#header);
    return this.#header as TakeHeader;
  }

  /** Reads the lines other writers appended since this writer last looked (the whole take after a fold). */
  #catchUp(header: TakeHeader): void {
    const path = journalPath(this.#dir, header.take);
    const own = (h: TakeHeader): TakeHeader => ({ episode: this.episode, take: header.take, mode: h.mode, createdAt: h.createdAt });
    let tail = readJournalTail(path, this.#mark);
    if (tail?.fresh && tail.header?.type === 'take' && tail.header.appends !== 'locked') {
      // A journal of an older version, appended without the lock: only its own writer may touch it.
      const journal = readJournal(path);
      if (journal && journalIsLive(path, journal)) throw busy(this.episode, header.take, journal.pid);
      foldTake(this.#dir, this.episode, header.take);
      tail = undefined;
    }
    if (tail === undefined || tail.fresh) {
      // Not the journal this writer saw last (folded into the file, or never read): read the file too.
      const file = readTakeFile(takeFilePath(this.#dir, header.take));
      for (const i of file?.interactions ?? []) this.#noteTaken(i.position);
      if (file) this.#header = own(file.header);
      else if (tail?.header?.type === 'take') this.#header = own(tail.header);
    }
    if (tail === undefined) {
      createJournal(path, this.#header as TakeHeader);
      tail = readJournalTail(path, undefined) as NonNullable<typeof tail>;
    }
    for (const i of tail.interactions) this.#noteTaken(i.position);
    this.#mark = tail.mark;
  }

  /** Appends lines to the journal, which #catchUp just brought up to date. Under the lock. */
  #write(lines: Parameters<typeof appendJournal>[1]): void {
    const take = (this.#header as TakeHeader).take;
    const size = guard(() => appendJournal(journalPath(this.#dir, take), lines));
    this.#mark = { ino: (this.#mark as JournalMark).ino, size };
  }

  #noteTaken(position: number): void {
    this.#taken.add(position);
    if (position > this.#position) this.#position = position;
  }

  #locked<T>(fn: () => T): Promise<T> {
    return guardAsync(withDirLock(this.#ctx.root, fn));
  }

  #assertOpen(): void {
    // A finished take never changes (docs/stores.md, "Fleet"): record-missing continues it with a new writer.
    if (this.#closed && !this.#ctx.closed) throw takeFinished(this.episode, this.#header?.take);
    if (this.#closed || this.#ctx.closed) {
      throw new CassetteError('store_write_failed', `take ${this.#header?.take ?? '(new)'} of episode ${this.episode} is closed`);
    }
  }
}

/**
 * Appends each interaction through its writer holding the store lock once for all of them (a
 * group commit: one lock per group). Resolves with one entry per append: undefined when stored,
 * else why not.
 */
export async function appendLocked(
  root: string,
  appends: readonly { writer: DirectoryTakeWriter; interaction: Interaction }[],
): Promise<(Error | undefined)[]> {
  try {
    return await withDirLock(root, () =>
      appends.map(({ writer, interaction }) => {
        try {
          writer.appendHeld(interaction);
          return undefined;
        } catch (err) {
          return toCassetteError(err, 'store_write_failed');
        }
      }),
    );
  } catch (err) {
    const failed = toCassetteError(err, 'store_write_failed');
    return appends.map(() => failed);
  }
}

/** The error for continuing a take that a writer of an older version is appending to without the lock. */
export function busy(episode: string, take: number, pid: number): CassetteError {
  return new CassetteError('store_write_failed', `episode ${episode} take ${take} is being recorded by another session (pid ${pid})`, {
    hint: 'That session runs an older llm-cassette, which does not share a take: upgrade it, or record that episode from one process at a time.',
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
