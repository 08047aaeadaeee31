import type Database from 'better-sqlite3';
import { CassetteError } from '../errors.js';
import type { Interaction, RecordedRequest } from '../types.js';
import { corruptStore, guardStatement, parseStoredRow } from './sqlite-corruption.js';
import type { IndexedInteraction, TakeIndex } from './store.js';

type IndexRow = [id: number, position: number, provider: string, method: string, path: string, key: string, keyRules: string | null];

/**
 * Golden's view of a SQLite take: the small columns of its complete interactions (from the
 * covering index `interactions_take_keys`, so no row body is read), and each interaction's JSON
 * read by row id when it is served. A store of schema 1 opened read-only (golden never migrates)
 * has no `key_rules` column: its keys count as unknown and golden recomputes them.
 */
export function createSqliteTakeIndexer(
  db: Database.Database,
  location: string,
): (episode: string, take: { id: number; take: number }) => TakeIndex {
  const ofTake = guardStatement(
    db.prepare(
      `SELECT id, position, provider, method, path, key${keyRulesColumn(db) || ', NULL'} FROM interactions
       WHERE take_id = ? AND complete = 1 ORDER BY position`,
    ),
    location,
  ).raw(true);
  const dataById = guardStatement(db.prepare(`SELECT data FROM interactions WHERE id = ?`), location).pluck(true);
  // Only the request, cut out by SQLite: re-keying an old store must not parse every answer too.
  const requestById = guardStatement(db.prepare(`SELECT json_extract(data, '$.request') FROM interactions WHERE id = ?`), location).pluck(
    true,
  );

  return (episode, take) => {
    const gone = (id: number): CassetteError =>
      new CassetteError('store_unreadable', `a recording of episode "${episode}" take ${take.take} (row ${id}) is gone from ${location}`, {
        hint: 'The store changed while the proxy was serving it; restart the proxy.',
      });
    return {
      episode,
      take: take.take,
      interactions: (ofTake.all(take.id) as IndexRow[]).map(
        ([id, position, provider, method, path, key, keyRules]): IndexedInteraction => ({
          id,
          position,
          provider,
          method,
          path,
          key,
          keyRules: keyRules ?? undefined,
        }),
      ),
      resident: false,
      read: (id): Interaction => {
        const data = dataById.get(id) as string | undefined;
        if (data === undefined) throw gone(id);
        return parseStoredRow(data, location, `row ${id} of episode "${episode}" take ${take.take}`);
      },
      readRequest: (id): RecordedRequest => {
        let request: string | null | undefined;
        try {
          request = requestById.get(id) as string | null | undefined;
        } catch (err) {
          // json_extract refuses a row whose JSON is broken: the same damage as a row that does not parse.
          if ((err as Error).message !== 'malformed JSON') throw err;
          throw corruptStore(location, `row ${id} of episode "${episode}" take ${take.take} is not valid JSON`, err);
        }
        if (request === undefined) throw gone(id);
        if (request === null) throw new CassetteError('store_unreadable', `row ${id} of ${location} has no request`);
        return JSON.parse(request) as RecordedRequest;
      },
    };
  };
}

/** `, key_rules` (with `prefix`: `, @key_rules`) when the store has the column (schema 2), else empty. */
export function keyRulesColumn(db: Database.Database, prefix = ''): string {
  const has = db.prepare(`SELECT 1 FROM pragma_table_info('interactions') WHERE name = 'key_rules'`).get() !== undefined;
  return has ? `, ${prefix}key_rules` : '';
}
