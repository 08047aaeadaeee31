/**
 * Numbered schema migrations, applied in order inside one transaction each; `PRAGMA user_version`
 * holds the number of the last one applied. Never edit a shipped migration: add the next one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE takes (
     id INTEGER PRIMARY KEY,
     episode TEXT NOT NULL,
     take INTEGER NOT NULL,
     mode TEXT NOT NULL,
     created_at TEXT NOT NULL,
     closed_at TEXT,
     UNIQUE (episode, take)
   );
   CREATE TABLE interactions (
     id INTEGER PRIMARY KEY,
     take_id INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     provider TEXT NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     key TEXT NOT NULL,
     key_version INTEGER NOT NULL,
     occurrence INTEGER NOT NULL,
     status INTEGER NOT NULL,
     complete INTEGER NOT NULL,
     input_tokens INTEGER,
     output_tokens INTEGER,
     cost_usd REAL,
     total_ms REAL NOT NULL,
     recorded_at TEXT NOT NULL,
     data TEXT NOT NULL,
     UNIQUE (take_id, position)
   );
   CREATE INDEX interactions_key ON interactions (key);`,
  // 2: the fingerprint of the key rules each key was computed under (NULL: unknown, golden re-keys),
  // and a covering index for golden's per-take index: one index range per episode, bodies untouched.
  // No query looks interactions up by key alone: its index only cost every append a random page.
  `ALTER TABLE interactions ADD COLUMN key_rules TEXT;
   CREATE INDEX interactions_take_keys ON interactions (take_id, complete, position, key, key_rules, provider, method, path);
   DROP INDEX interactions_key;`,
  // 3: the run ledger (docs/gates.md): one row per `cassette run`, the record as JSON in `data`.
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     duration_ms REAL NOT NULL,
     mode TEXT NOT NULL,
     exit_code INTEGER NOT NULL,
     label TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX runs_started ON runs (started_at);`,
  // 4: one row per take summing it up for the episode list (Store.summarizeEpisodes), kept up to
  // date by every append; sqlite-store.ts fills it for the takes written before (backfillTakeSummaries).
  `CREATE TABLE take_summaries (
     take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
     interactions INTEGER NOT NULL,
     incomplete INTEGER NOT NULL,
     calls INTEGER NOT NULL,
     errors INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     total_ms REAL NOT NULL,
     first_at TEXT,
     last_at TEXT,
     models TEXT NOT NULL,
     providers TEXT NOT NULL
   );
   -- lower-cased prompts and answers of the take (the first 4,000 characters), apart: only a search reads them
   CREATE TABLE take_search (
     take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
     search TEXT NOT NULL
   );`,
  // 5: the full-text search index (docs/ui.md "Search"): one FTS5 row per interaction holding the
  // distinct words of its last prompt and its answer, rowid = take id << 24 | position (no lookup to
  // find a row's take). Contentless (the words are only indexed, not stored again) with
  // detail=none (no positions: no phrase queries, a third of the size). The words are split by
  // search-words.ts, so the 'ascii' tokenizer only splits on the spaces between them. take_search
  // (the first 4,000 characters) is gone; sqlite-store.ts fills the index for the takes written before.
  `DROP TABLE take_search;
   CREATE VIRTUAL TABLE take_words USING fts5(words, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii');
   CREATE TRIGGER take_words_gone AFTER DELETE ON interactions BEGIN
     DELETE FROM take_words WHERE rowid = (old.take_id << 24) + old.position;
   END;
   CREATE TRIGGER take_words_take_gone AFTER DELETE ON takes BEGIN
     DELETE FROM take_words WHERE rowid = old.id << 24;
   END;`,
  // 6: search words are indexed after the commit, not in the recording's transaction
  // (sqlite-search-backlog.ts): `indexed_upto` is the highest interactions.id whose words are in
  // take_words (every row so far: migration 5 indexed them). Deleting the highest rows lowers it,
  // so an id SQLite hands out again is indexed again. IF NOT EXISTS / OR REPLACE: a file taken back
  // to an older schema by hand may still hold them.
  `CREATE TABLE IF NOT EXISTS search_backlog (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_upto INTEGER NOT NULL);
   INSERT OR REPLACE INTO search_backlog (id, indexed_upto) SELECT 1, COALESCE(MAX(id), 0) FROM interactions;
   CREATE TRIGGER IF NOT EXISTS search_backlog_gone AFTER DELETE ON interactions BEGIN
     UPDATE search_backlog SET indexed_upto = (SELECT COALESCE(MAX(id), 0) FROM interactions)
       WHERE indexed_upto > (SELECT COALESCE(MAX(id), 0) FROM interactions);
   END;`,
];
