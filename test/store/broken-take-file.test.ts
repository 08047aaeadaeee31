// Issue 14 item 14: a broken take file is reported by file, line and column, with a hint (a git
// merge's conflict markers get their own), by the commands that read it and by `verify`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from '../cli/cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A directory store whose one take file has line 10 edited by hand. */
async function brokenStore(edit: (lines: string[]) => void): Promise<string> {
  await writeStore(join(tmp.dir, 'st'), { ep: [[{}]] });
  const file = join(tmp.dir, 'st', 'ep', 'take-1.json');
  const lines = readFileSync(file, 'utf8').split('\n');
  edit(lines);
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('a broken take file', () => {
  it('names the file, the line and the column, with a hint, for ls, show and verify', async () => {
    await brokenStore((lines) => {
      lines[8] = (lines[8] as string).replace(/,$/, ''); // a comma deleted at the end of line 9
    });
    for (const args of [['ls'], ['show', 'ep']]) {
      const r = await cassette([...args, '--store', 'st', '--json'], tmp.dir);
      expect(r.code, args.join(' ')).toBe(3);
      const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } };
      expect(doc.error.code).toBe('store_unreadable');
      expect(doc.error.message).toMatch(/take-1\.json: not valid JSON at line 10, column \d+:/);
      expect(doc.error.message).not.toContain('position');
      expect(doc.error.hint).toContain('git checkout');
    }
    const verify = await cassette(['verify', '--store', 'st'], tmp.dir);
    expect(verify.code).toBe(1);
    expect(verify.stdout + verify.stderr).toMatch(/take-1\.json: does not parse as JSON: line 10, column \d+/);
  });

  it('a merge conflict left in the file gets a hint about the markers', async () => {
    await brokenStore((lines) => {
      lines.splice(9, 0, '<<<<<<< HEAD');
    });
    const r = await cassette(['ls', '--store', 'st'], tmp.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('line 10, column 1');
    expect(r.stderr).toContain('conflict markers');
  });
});
