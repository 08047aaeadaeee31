import { statSync } from 'node:fs';
import { join } from 'node:path';
import { addToDigest, emptyDigest, summarizeDigests, type DigestedTake } from './episode-summary.js';
import type { EpisodeSummaryPage, EpisodeSummaryQuery } from './episode-summary.js';
import { readTake } from './fold-take.js';
import { decodeInteraction } from './stored-interaction.js';
import { journalPath, takeFilePath, takeNumbers } from './take-file.js';

/**
 * `summarizeEpisodes` for the directory store: each take file (and its journal, while a session
 * appends) is read and summed up once, then kept while its size and modification time stay the
 * same, so a later page costs a directory listing and a stat per take, not a read of every take.
 */
export class DirectorySummaries {
  readonly #root: string;
  readonly #blobDir: string;
  readonly #cache = new Map<string, { stamp: string; take: DigestedTake }>();

  constructor(root: string, blobDir: string) {
    this.#root = root;
    this.#blobDir = blobDir;
  }

  summarize(episodes: readonly string[], query: EpisodeSummaryQuery): EpisodeSummaryPage {
    const takes: DigestedTake[] = [];
    const seen = new Set<string>();
    for (const episode of episodes) {
      const dir = join(this.#root, episode);
      for (const take of takeNumbers(dir)) {
        const id = `${episode}/${take}`;
        seen.add(id);
        const stamp = `${stampOf(takeFilePath(dir, take))}|${stampOf(journalPath(dir, take))}`;
        const cached = this.#cache.get(id);
        if (cached?.stamp === stamp) {
          takes.push(cached.take);
          continue;
        }
        const record = readTake(dir, episode, take);
        if (!record) continue;
        const digest = emptyDigest();
        for (const s of record.interactions) addToDigest(digest, decodeInteraction(s, this.#blobDir, record.mayHaveBlobs));
        const digested = { episode, take, createdAt: record.header.createdAt, digest };
        this.#cache.set(id, { stamp, take: digested });
        takes.push(digested);
      }
    }
    for (const id of this.#cache.keys()) if (!seen.has(id)) this.#cache.delete(id);
    return summarizeDigests(takes, query);
  }
}

function stampOf(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.mtimeNs}:${s.size}:${s.ino}`;
  } catch {
    return '-';
  }
}
