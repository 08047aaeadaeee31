// Types of scripts/postgres.mjs (for test/helpers/postgres.ts).
import type { ChildProcess } from 'node:child_process';
import type { QueryResult } from 'pg';

export interface PgServerInfo {
  port: number;
  password: string;
}

export const PG_USER: string;
export function freePort(): Promise<number>;
export function urlOf(server: PgServerInfo, db: string): string;
export function adminQuery(server: PgServerInfo, sql: string, database?: string): Promise<QueryResult>;
export function initCluster(dataDir: string): Promise<PgServerInfo>;
export function startServer(
  dataDir: string,
  server: PgServerInfo,
  logFile: string,
  options?: { detached?: boolean; settings?: string[] },
): Promise<ChildProcess>;
