import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { maskSecret } from '../safety/credential-patterns.js';
import { findCredentials } from '../safety/find-credentials.js';
import type { CredentialMatcher } from '../safety/find-credentials.js';
import type { VerifyFinding } from './verify-finding.js';
import { jsonErrorPlace } from './json-error-place.js';

const CHUNK = 4 * 1024 * 1024;
// Longer than any credential: a match straddling a chunk edge is seen whole in the next chunk.
const OVERLAP = 64 * 1024;

/**
 * Credential shapes in a file's raw bytes, read as latin1 so binary pages never fail to decode
 * and every ASCII secret keeps its bytes. Read in chunks: a SQLite file may be larger than a
 * string can be. `skip` holds values already reported from parsed rows, to report each once; they
 * are compared without case, since the episode search table keeps a lowercased copy of row text.
 */
export function scanRawFile(file: string, matchers: readonly CredentialMatcher[], skip: ReadonlySet<string>): VerifyFinding[] {
  const findings: VerifyFinding[] = [];
  const reported = new Set([...skip].map((v) => v.toLowerCase()));
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK + OVERLAP);
    for (let start = 0; ; start += CHUNK) {
      const read = readSync(fd, buffer, 0, buffer.length, start);
      const last = read < buffer.length;
      for (const m of findCredentials(buffer.toString('latin1', 0, read), matchers)) {
        // Matches starting in the overlap belong to the next chunk.
        if ((!last && m.index >= CHUNK) || reported.has(m.value.toLowerCase())) continue;
        findings.push({
          kind: 'credential',
          where: `${file} (byte ${start + m.index}, outside the parsed rows)`,
          pattern: m.pattern,
          masked: maskSecret(m.value),
        });
      }
      if (last) break;
    }
  } finally {
    closeSync(fd);
  }
  return findings;
}

/**
 * Every file below a directory store, read as text: credential shapes by file and line, and
 * whether each JSON file (take files) and each JSON-lines journal parses.
 */
export function scanDirectoryFiles(root: string, matchers: readonly CredentialMatcher[]): VerifyFinding[] {
  const findings: VerifyFinding[] = [];
  for (const file of listFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const m of findCredentials(text, matchers)) {
      const line = countLines(text, m.index);
      findings.push({ kind: 'credential', where: `${file}:${line}`, pattern: m.pattern, masked: maskSecret(m.value) });
    }
    const broken = parseProblem(file, text);
    if (broken) findings.push({ kind: 'integrity', where: file, message: broken });
  }
  return findings;
}

/** Why a JSON or JSON-lines file does not parse, or undefined. */
function parseProblem(file: string, text: string): string | undefined {
  try {
    if (file.endsWith('.json')) {
      try {
        JSON.parse(text);
      } catch (err) {
        const at = jsonErrorPlace(text, err as Error);
        throw new Error(`line ${at.line}, column ${at.column}: ${at.message}`);
      }
    } else if (file.endsWith('.jsonl')) {
      const lines = text.split('\n');
      // A last line without its newline is an append cut short by a crash, which the store
      // tolerates by design (SPEC §7: a kill -9 loses at most the interaction in flight).
      const whole = text.endsWith('\n') ? lines : lines.slice(0, -1);
      whole.forEach((line, k) => {
        if (line.trim() === '') return;
        try {
          JSON.parse(line);
        } catch (err) {
          const at = jsonErrorPlace(line, err as Error);
          throw new Error(`line ${k + 1}, column ${at.column}: ${at.message}`);
        }
      });
    }
    return undefined;
  } catch (err) {
    return `does not parse as JSON: ${(err as Error).message}`;
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : []));
}

function countLines(text: string, index: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < index; k = text.indexOf('\n', k + 1)) line++;
  return line;
}
