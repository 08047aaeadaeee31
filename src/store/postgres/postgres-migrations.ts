/**
 * Numbered schema migrations of the PostgreSQL store, applied in order, each in its own
 * transaction under an advisory lock (several proxies opening a fresh database at once apply each
 * exactly once); table `cassette_schema` holds the number of the last one applied. The same rules
 * as SQLITE_MIGRATIONS: never edit a shipped migration, add the next one; a store whose number is
 * higher than this list is of a newer llm-cassette and is refused.
 *
 * Bodies are content-addressed: request and answer bodies, stream event lists and WebSocket frame
 * lists live once in `bodies` under the SHA-256 of their JSON text, and an interaction row keeps
 * the hashes (`body_hashes`, one slot per part, NULL when absent) beside its small skeleton. Large
 * texts are moved out of line by PostgreSQL itself (TOAST, compressed).
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE takes (
     id BIGSERIAL PRIMARY KEY,
     episode TEXT NOT NULL,
     take INTEGER NOT NULL,
     mode TEXT NOT NULL,
     created_at TEXT NOT NULL,
     closed_at TEXT,
     -- the first position no writer has reserved yet (writers of one take get disjoint ranges)
     next_position INTEGER NOT NULL DEFAULT 1,
     UNIQUE (episode, take)
   );
   CREATE TABLE bodies (
     hash TEXT PRIMARY KEY,
     bytes INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE TABLE interactions (
     id BIGSERIAL PRIMARY KEY,
     take_id BIGINT NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     provider TEXT NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     key TEXT NOT NULL,
     key_version INTEGER NOT NULL,
     key_rules TEXT,
     occurrence INTEGER NOT NULL,
     status INTEGER NOT NULL,
     complete BOOLEAN NOT NULL,
     input_tokens INTEGER,
     output_tokens INTEGER,
     cost_usd DOUBLE PRECISION,
     total_ms DOUBLE PRECISION NOT NULL,
     recorded_at TEXT NOT NULL,
     -- the interaction as JSON without the parts in body_hashes
     data TEXT NOT NULL,
     -- request body, response body, stream events, WebSocket frames: hashes into bodies
     body_hashes TEXT[] NOT NULL,
     -- the bytes of the referenced parts (what the store would hold without dedup)
     body_bytes BIGINT NOT NULL,
     UNIQUE (take_id, position)
   );
   -- golden's per-take index: one index range per episode, rows untouched (an index-only scan)
   CREATE INDEX interactions_take_keys ON interactions (take_id, complete, position) INCLUDE (key, key_rules, provider, method, path);
   -- finding the bodies no interaction refers to any more (rm, prune)
   CREATE INDEX interactions_body_hashes ON interactions USING GIN (body_hashes);
   CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     duration_ms DOUBLE PRECISION NOT NULL,
     mode TEXT NOT NULL,
     exit_code INTEGER NOT NULL,
     label TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX runs_started ON runs (started_at);`,
  // 2: one row per take summing it up for the episode list (Store.summarizeEpisodes), kept up to
  // date in every append's transaction; migratePostgres fills it for the takes written before.
  `CREATE TABLE take_summaries (
     take_id BIGINT PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
     interactions INTEGER NOT NULL,
     incomplete INTEGER NOT NULL,
     calls INTEGER NOT NULL,
     errors INTEGER NOT NULL,
     cost_usd DOUBLE PRECISION NOT NULL,
     input_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL,
     total_ms DOUBLE PRECISION NOT NULL,
     first_at TEXT,
     last_at TEXT,
     models TEXT NOT NULL,
     providers TEXT NOT NULL
   );
   -- lower-cased prompts and answers of the take (the first 4,000 characters), apart: only a search reads them
   CREATE TABLE take_search (
     take_id BIGINT PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
     search TEXT NOT NULL
   );`,
  // 3: golden's index read whole from interactions_take_keys (an index-only scan): the row id too
  `DROP INDEX interactions_take_keys;
   CREATE INDEX interactions_take_keys ON interactions (take_id, complete, position) INCLUDE (id, key, key_rules, provider, method, path);`,
  // 4: the full-text search index (docs/ui.md "Search"): one row per take per append group holding
  // the distinct words of its prompts and answers as a tsvector (array_to_tsvector of the words
  // search-words.ts splits: no dictionary, the same words as SQLite's FTS5), under a GIN index.
  // take_search (the first 4,000 characters) is gone; migratePostgres fills it for the takes before.
  `DROP TABLE take_search;
   CREATE TABLE take_words (
     take_id BIGINT NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
     words TSVECTOR NOT NULL
   );
   CREATE INDEX take_words_take ON take_words (take_id);
   CREATE INDEX take_words_words ON take_words USING GIN (words);`,
];
