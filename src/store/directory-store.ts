import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CassetteError, toCassetteError } from '../errors.js';
import type { Interaction, Mode, TakeSummary } from '../types.js';
import { removeDirIfEmpty, writeFileAtomic } from './atomic-write.js';
import { BLOB_DIR } from './blob-files.js';
import { collectBlobs } from './collect-blobs.js';
import { withDirLock } from './dir-lock.js';
import { readRunFiles, writeRunFile } from './directory-run-ledger.js';
import { DirectorySummaries } from './directory-episode-summaries.js';
import type { EpisodeSummaryPage, EpisodeSummaryQuery } from './episode-summary.js';
import { appendLocked, DirectoryTakeWriter, type DirectoryContext } from './directory-take-writer.js';
import { assertEpisodeDirName, isEpisodeDirName } from './episode-dir-name.js';
import { readTake } from './fold-take.js';
import { residentTakeIndex } from './index-episode.js';
import type { EpisodeIndex, GroupAppend, InteractionFilter, Store, TakeIndex, TakeWriter } from './store.js';
import { decodeInteraction, encodeInteraction, type StoredInteraction } from './stored-interaction.js';
import { journalPath, serializeTake, summarizeTake, takeFilePath, takeNumbers, type TakeHeader, type TakeRecord } from './take-file.js';
import type { RunFilter, RunRecord } from './run-record.js';

/**
 * The JSON directory store: `DIR/<episode>/take-<n>.json`, side files in `DIR/_blobs/`
 * (docs/store-format.md). Nothing is read at open: each call reads only the episodes it needs.
 */
export function openDirectoryStore(dir: string, options: { readonly?: boolean } = {}): Store {
  const root = resolve(dir);
  try {
    if (!options.readonly) mkdirSync(root, { recursive: true });
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new CassetteError('store_unreadable', `cannot open the directory store ${dir}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Check the path and its permissions, or pass another --store.',
    });
  }
  return new DirectoryStore(dir, { root, blobDir: join(root, BLOB_DIR), writers: new Set(), closed: false }, options.readonly ?? false);
}

/**
 * The methods are async (the Store interface) and do their file work synchronously inside: each
 * one is a few reads and writes of small files, and the lock (`withDirLock`) is held only within
 * one synchronous call, never across an await; waiting for it sleeps asynchronously, so a writer
 * in another process never freezes this one's event loop.
 */
class DirectoryStore implements Store {
  readonly location: string;
  readonly kind = 'directory' as const;
  readonly #ctx: DirectoryContext;
  readonly #readonly: boolean;
  readonly #summaries: DirectorySummaries;

  constructor(location: string, ctx: DirectoryContext, readonly: boolean) {
    this.location = location;
    this.#ctx = ctx;
    this.#readonly = readonly;
    this.#summaries = new DirectorySummaries(ctx.root, ctx.blobDir);
  }

  async loadEpisode(episode: string): Promise<EpisodeIndex | undefined> {
    return this.#load(episode);
  }

  async indexEpisode(episode: string): Promise<TakeIndex | undefined> {
    const loaded = this.#load(episode);
    return loaded && residentTakeIndex(loaded);
  }

  #load(episode: string): EpisodeIndex | undefined {
    const found = this.#newestComplete(episode);
    if (!found) return undefined;
    return {
      episode,
      take: found.header.take,
      interactions: found.interactions.filter((s) => s.complete).map((s) => this.#decode(s, found)),
    };
  }

  async beginTake(episode: string, mode: Mode): Promise<TakeWriter> {
    this.#assertWritable(episode);
    return new DirectoryTakeWriter(this.#ctx, episode, mode, 'new');
  }

  /**
   * The newest take, shared with every other writer continuing it (in this process or another):
   * each append holds the store lock, so they converge on one take (DirectoryTakeWriter).
   */
  async continueTake(episode: string, mode: Mode, wanted?: number): Promise<TakeWriter> {
    this.#assertWritable(episode);
    const dir = this.#dir(episode);
    const takes = takeNumbers(dir);
    if (wanted !== undefined && !takes.includes(wanted)) return new DirectoryTakeWriter(this.#ctx, episode, mode, 'new');
    const take = wanted ?? takes.at(-1);
    // Read now so that nextPosition follows the take's last position; appends look again under the lock.
    const continued = take === undefined ? undefined : readTake(dir, episode, take);
    return new DirectoryTakeWriter(this.#ctx, episode, mode, wanted === undefined ? 'continue' : wanted, continued);
  }

  /** The group's appends under one hold of the store lock; each is whole or not at all. */
  async appendGroup(appends: readonly GroupAppend[]): Promise<(Error | undefined)[]> {
    return appendLocked(
      this.#ctx.root,
      appends.map(({ writer, interaction }) => ({ writer: asDirectoryWriter(writer), interaction })),
    );
  }

  async listEpisodes(): Promise<string[]> {
    return this.#episodes();
  }

  #episodes(): string[] {
    let entries;
    try {
      entries = readdirSync(this.#ctx.root, { withFileTypes: true });
    } catch (err) {
      throw toCassetteError(err, 'store_unreadable');
    }
    // Only well-formed names: anything else in the directory is not an episode, whatever it holds.
    return entries
      .filter((d) => d.isDirectory() && isEpisodeDirName(d.name) && takeNumbers(this.#dir(d.name)).length > 0)
      .map((d) => d.name)
      .sort();
  }

  async listTakes(episode?: string): Promise<TakeSummary[]> {
    const episodes = episode === undefined ? this.#episodes() : [episode];
    return episodes.flatMap((e) => this.#takes(e).map(summarizeTake));
  }

  async summarizeEpisodes(query: EpisodeSummaryQuery = {}): Promise<EpisodeSummaryPage> {
    return this.#summaries.summarize(this.#episodes(), query);
  }

  async *interactions(filter: InteractionFilter = {}): AsyncIterable<Interaction> {
    const newestOnly = filter.newestTakeOnly ?? true;
    const wanted = filter.episodes ? new Set(filter.episodes) : undefined;
    for (const episode of this.#episodes()) {
      if (wanted && !wanted.has(episode)) continue;
      const takes = newestOnly ? [this.#newestComplete(episode)] : this.#takes(episode);
      for (const record of takes) {
        for (const s of record?.interactions ?? []) if (filter.includeIncomplete || s.complete) yield this.#decode(s, record as TakeRecord);
      }
    }
  }

  async removeEpisodes(episodes: readonly string[]): Promise<number> {
    this.#assertWritable();
    return this.#locked(() => {
      const removed = episodes.filter(isEpisodeDirName).reduce((n, episode) => {
        const count = this.#takes(episode).reduce((k, r) => k + r.interactions.length, 0);
        rmSync(this.#dir(episode), { recursive: true, force: true });
        return n + count;
      }, 0);
      collectBlobs(this.#ctx.root);
      return removed;
    });
  }

  async removeTakes(takes: readonly { episode: string; take: number }[]): Promise<number> {
    this.#assertWritable();
    return this.#locked(() => {
      const removed = takes.reduce((n, { episode, take }) => {
        if (!isEpisodeDirName(episode) || !Number.isSafeInteger(take)) return n;
        const dir = this.#dir(episode);
        const count = readTake(dir, episode, take)?.interactions.length ?? 0;
        rmSync(journalPath(dir, take), { force: true });
        rmSync(takeFilePath(dir, take), { force: true });
        if (takeNumbers(dir).length === 0) removeDirIfEmpty(dir);
        return n + count;
      }, 0);
      collectBlobs(this.#ctx.root);
      return removed;
    });
  }

  /** Writes a whole take with its recorded number, times and positions (import/export). */
  async importTake(summary: TakeSummary, interactions: Interaction[]): Promise<void> {
    this.#assertWritable(summary.episode);
    const { episode, take } = summary;
    const header: TakeHeader = { episode, take, mode: summary.mode, createdAt: summary.createdAt };
    if (summary.closedAt !== undefined) header.closedAt = summary.closedAt;
    if (!Number.isSafeInteger(take) || take < 1) throw new CassetteError('bad_usage', `invalid take number ${take}`);
    const positions = new Set(interactions.map((i) => i.position));
    if (positions.size !== interactions.length) throw new CassetteError('bad_usage', `episode ${episode} take ${take} repeats a position`);
    await this.#locked(() => {
      const dir = this.#dir(episode);
      if (takeNumbers(dir).includes(take))
        throw new CassetteError('bad_usage', `episode ${episode} take ${take} exists already in ${this.location}`);
      mkdirSync(dir, { recursive: true });
      const stored: StoredInteraction[] = interactions.map((i) => encodeInteraction({ ...i, episode, take }, this.#ctx.blobDir));
      writeFileAtomic(takeFilePath(dir, take), serializeTake(header, stored));
    });
  }

  async recordRun(run: RunRecord): Promise<void> {
    this.#assertWritable();
    writeRunFile(this.#ctx.root, run);
  }

  async listRuns(filter?: RunFilter): Promise<RunRecord[]> {
    return readRunFiles(this.#ctx.root, filter);
  }

  async close(): Promise<void> {
    if (this.#ctx.closed) return;
    const failures: unknown[] = [];
    for (const writer of [...this.#ctx.writers]) {
      try {
        await writer.abandon();
      } catch (err) {
        failures.push(err); // the journal stays; the next writer of that episode folds it
      }
    }
    this.#ctx.closed = true;
    if (failures.length > 0) throw failures[0];
  }

  #newestComplete(episode: string): TakeRecord | undefined {
    if (!isEpisodeDirName(episode)) return undefined;
    const dir = this.#dir(episode);
    for (const take of takeNumbers(dir).reverse()) {
      const record = readTake(dir, episode, take);
      if (record?.interactions.some((s) => s.complete)) return record;
    }
    return undefined;
  }

  #takes(episode: string): TakeRecord[] {
    if (!isEpisodeDirName(episode)) return [];
    const dir = this.#dir(episode);
    return takeNumbers(dir).flatMap((take) => readTake(dir, episode, take) ?? []);
  }

  #decode(s: StoredInteraction, record: TakeRecord): Interaction {
    const interaction = decodeInteraction(s, this.#ctx.blobDir, record.mayHaveBlobs);
    interaction.episode = record.header.episode;
    interaction.take = record.header.take;
    return interaction;
  }

  #dir(episode: string): string {
    return join(this.#ctx.root, episode);
  }

  async #locked<T>(fn: () => T): Promise<T> {
    try {
      return await withDirLock(this.#ctx.root, fn);
    } catch (err) {
      throw toCassetteError(err, 'store_write_failed');
    }
  }

  #assertWritable(episode?: string): void {
    if (this.#readonly) throw new CassetteError('store_write_failed', `the store ${this.location} is open read-only`);
    if (this.#ctx.closed) throw new CassetteError('store_write_failed', `the store ${this.location} is closed`);
    if (episode !== undefined) assertEpisodeDirName(episode);
  }
}

function asDirectoryWriter(w: TakeWriter): DirectoryTakeWriter {
  if (!(w instanceof DirectoryTakeWriter))
    throw new CassetteError('internal_error', 'a writer of another store was given to a directory store');
  return w;
}
