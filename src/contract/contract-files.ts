import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CassetteError } from '../errors.js';
import type { Contract } from './contract-types.js';

/** JSON with keys sorted at every level, 2-space indent and a trailing newline. */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** The file of a provider's baseline. */
export function contractPath(dir: string, provider: string): string {
  return join(dir, `${provider}.json`);
}

/**
 * Writes a provider's baseline atomically (temp file, then rename), so a reviewer never sees
 * half a file. Returns the path and whether the content changed.
 */
export function writeContract(dir: string, contract: Contract): { path: string; changed: boolean } {
  const path = contractPath(dir, contract.provider);
  const text = stableStringify(contract);
  let previous: string | undefined;
  try {
    previous = readFileSync(path, 'utf8');
  } catch {
    previous = undefined;
  }
  if (previous === text) return { path, changed: false };
  try {
    mkdirSync(dir, { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (err) {
    throw new CassetteError('store_write_failed', `Cannot write the contract ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Check that the --contracts directory is writable.',
    });
  }
  return { path, changed: true };
}

// Only the envelope is checked: paths and grammar are read leniently, and a newer file version
// is refused rather than misread.
const contractFileSchema = z.looseObject({
  version: z.literal(1),
  provider: z.string().min(1),
  interactions: z.number(),
  endpoints: z.record(
    z.string(),
    z.looseObject({
      route: z.string(),
      statusClass: z.string(),
      paths: z.record(z.string(), z.looseObject({ samples: z.number(), present: z.number(), types: z.record(z.string(), z.number()) })),
    }),
  ),
  requests: z.record(z.string(), z.array(z.string())).default({}),
});

/** A baseline that could not be read, and why. */
export interface ContractProblem {
  provider: string;
  path: string;
  message: string;
}

/** Reads every `<provider>.json` of a directory; unreadable files are reported, not thrown. */
export function readContracts(dir: string): { contracts: Map<string, Contract>; problems: ContractProblem[] } {
  const contracts = new Map<string, Contract>();
  const problems: ContractProblem[] = [];
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return { contracts, problems };
  }
  for (const name of names) {
    const provider = name.slice(0, -'.json'.length);
    const path = join(dir, name);
    const read = readContract(path);
    if ('contract' in read) contracts.set(read.contract.provider, read.contract);
    else problems.push({ provider, path, message: read.problem });
  }
  return { contracts, problems };
}

/** Reads and checks one baseline file. */
export function readContract(path: string): { contract: Contract } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { problem: `not readable as JSON: ${(err as Error).message}` };
  }
  const parsed = contractFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `not a contract file: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { contract: parsed.data as unknown as Contract };
}
