// Issue 14 item 17: the commands docs/cli.md documents, run. documented-flags.test.ts checks that
// every documented flag exists; this file runs one example of each documented command as a child
// process against a store recorded through a real proxy (the real openai SDK, corpus answers), and
// checks the output shape the page promises: the exit code, data on stdout and talk on stderr, and
// for `--json` exactly one document whose top-level keys are the ones the command's section of
// docs/cli.md lists (`{"ok":...}` in a code span or block), with `ok` true exactly on exit 0.
//
// The examples are a table here, each naming its section of docs/cli.md; the test fails when the
// page gains a `## cassette …` section that no example runs and that NOT_RUN does not explain,
// when a section an example names is gone, or when its documented JSON shape changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import type { CliResult } from '../helpers/proxy.js';
import { openaiClient } from '../helpers/sdk.js';
import { chatHandler, lastUserText, writeOpenAIChild } from '../helpers/sut-child.js';

useCleanup();

const CLI_MD = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');

/** Sections of docs/cli.md no example here runs, and why (each is run by its own test file). */
const NOT_RUN: Record<string, string> = {
  'cassette serve': 'runs until stopped (test/cli/exit-with-parent.test.ts, episode-id.test.ts)',
  'cassette rerecord EPISODE': 'needs a live upstream (test/e2e/rerecord.test.ts)',
  'cassette contract update / check': 'needs contracts/ and a live probe (test/contract/)',
  'cassette ui': 'runs until stopped (test/ui/ui-browser.test.ts)',
};

/** Where an example writes: replaced by paths in the test's temp directory. */
type Placeholder = 'STORE' | 'DIR' | 'NEW' | 'NEW2' | 'COPY' | 'LOCK' | 'RESCUED' | 'REPORT' | 'CHILD';

interface Example {
  /** The `## ` heading of docs/cli.md the command is documented under. */
  section: string;
  args: (string | Placeholder)[];
  code: number;
  /** `json`: one document of the documented shape; `text`: data on stdout; `empty`: nothing on stdout. */
  stdout: 'json' | 'text' | 'empty';
  /** Which documented `{"ok"…}` of the section this output has (default the first). */
  shape?: number;
  /** Keys the section documents in prose rather than in the JSON shape. */
  alsoDocumented?: string[];
  /** Run after the first batch (it reads what an example of that batch wrote). */
  later?: boolean;
}

const EXAMPLES: Example[] = [
  { section: 'cassette ls', args: ['ls', '--store', 'STORE'], code: 0, stdout: 'text' },
  { section: 'cassette ls', args: ['ls', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette show', args: ['show', 'chat', '--store', 'STORE'], code: 0, stdout: 'text' },
  { section: 'cassette show', args: ['show', 'chat', '--step', '1', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette show', args: ['show', 'chat', '--events', '--store', 'STORE'], code: 0, stdout: 'text' },
  { section: 'cassette diff', args: ['diff', 'chat', '--store', 'STORE'], code: 0, stdout: 'text' },
  { section: 'cassette diff', args: ['diff', 'chat', 'other', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette stats', args: ['stats', '--store', 'STORE'], code: 0, stdout: 'text' },
  { section: 'cassette stats', args: ['stats', '--all-takes', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette verify', args: ['verify', '--store', 'STORE'], code: 0, stdout: 'empty' },
  { section: 'cassette verify', args: ['verify', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette prune', args: ['prune', '--keep-takes', '1', '--dry-run', '--store', 'STORE'], code: 0, stdout: 'text' },
  { section: 'cassette prune', args: ['prune', '--keep-takes', '1', '--dry-run', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette export DIR / cassette import DIR', args: ['export', 'DIR', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  {
    section: 'cassette export DIR / cassette import DIR',
    args: ['import', 'DIR', '--json', '--store', 'NEW'],
    code: 0,
    stdout: 'json',
    shape: 1,
    later: true,
  },
  {
    section: 'cassette export DIR / cassette import DIR',
    args: ['import', 'DIR', '--as-new-take', '--json', '--store', 'NEW2'],
    code: 0,
    stdout: 'json',
    shape: 2,
    later: true,
  },
  { section: 'cassette copy --from A --to B', args: ['copy', '--from', 'STORE', '--to', 'COPY', '--json'], code: 0, stdout: 'json' },
  { section: 'cassette rm', args: ['rm', 'other', '--json', '--store', 'COPY'], code: 0, stdout: 'json', later: true },
  { section: 'cassette pin [EPISODE...]', args: ['pin', 'chat', '--lock', 'LOCK', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette salvage TARGET', args: ['salvage', 'RESCUED', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  { section: 'cassette report --out FILE', args: ['report', '--out', 'REPORT', '--json', '--store', 'STORE'], code: 0, stdout: 'json' },
  {
    section: 'cassette run [options] -- CMD...',
    args: ['run', '--episode', 'chat', '--json', '--store', 'STORE', '--', 'node', 'CHILD', 'second'],
    code: 0,
    stdout: 'json',
  },
  {
    section: 'cassette replay EPISODE... [-- CMD...]',
    args: ['replay', 'chat', '--json', '--store', 'STORE', '--', 'node', 'CHILD', 'second'],
    code: 0,
    stdout: 'json',
  },
  // The failure envelope of the page's first paragraph, from a command that fails.
  { section: 'Commands', args: ['show', 'nope', '--json', '--store', 'STORE'], code: 1, stdout: 'json' },
];

/** The text of a section: from its `## ` heading to the next one (`Commands`: the page's opening). */
function sectionText(section: string): string | undefined {
  if (section === 'Commands') return CLI_MD.slice(0, CLI_MD.indexOf('\n## '));
  const start = CLI_MD.indexOf(`\n## ${section}\n`);
  if (start < 0) return undefined;
  const end = CLI_MD.indexOf('\n## ', start + 4);
  return CLI_MD.slice(start, end < 0 ? undefined : end);
}

/** The JSON shapes a section documents: code spans and blocks that start with `{"ok"`. */
function documentedShapes(section: string): string[] {
  const text = sectionText(section) ?? '';
  const blocks = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => (m[1] as string).trim());
  const spans = [...text.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
  return [...spans, ...blocks].filter((c) => c.startsWith('{"ok"'));
}

/**
 * The top-level keys of a documented shape (`{"ok":true,"store":PATH,"episodes":[{…}]}` or the
 * listing form `{"ok","episode","take"}`): a quoted name at depth 1 not preceded by `:` (a value).
 * A name followed by `?` is optional.
 */
export function documentedKeys(shape: string): { required: string[]; optional: string[] } {
  const required: string[] = [];
  const optional: string[] = [];
  let depth = 0;
  let last = '';
  for (let i = 0; i < shape.length; i++) {
    const c = shape[i] as string;
    if (c === '"') {
      const end = shape.indexOf('"', i + 1);
      const name = shape.slice(i + 1, end);
      if (depth === 1 && last !== ':' && name !== '...') (shape[end + 1] === '?' ? optional : required).push(name);
      i = end;
      last = '"';
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    if (!/\s/.test(c)) last = c;
  }
  return { required, optional };
}

async function seed(dir: string): Promise<string> {
  const store = join(dir, 'cassettes.db');
  const upstream = await startFakeUpstream({ routes: [{ answer: chatHandler((r) => ({ content: `about ${lastUserText(r)}` })) }] });
  // chat: two takes (the second asks something else, so diff has a change); other: one take.
  for (const [episode, ask] of [
    ['chat', 'first'],
    ['chat', 'second'],
    ['other', 'third'],
  ] as const) {
    const live = await startProxy({ mode: 'live', store, episode, upstream: [`openai=${upstream.url}`] });
    await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: ask }] });
    await live.stop();
  }
  await upstream.stop();
  return store;
}

/** Runs `items` with at most `limit` at a time (children of a loaded machine each take seconds). */
async function pool<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const n = next++;
        out[n] = await run(items[n] as T);
      }
    }),
  );
  return out;
}

/** What is wrong with an example's output, in words (empty when it has the documented shape). */
function problemsOf(e: Example, r: CliResult): string[] {
  const problems: string[] = [];
  const where = `cassette ${e.args.join(' ')}`;
  if (r.code !== e.code) problems.push(`${where}: exit ${r.code}, expected ${e.code}; stderr: ${r.stderr.slice(0, 500)}`);
  if (e.stdout === 'empty' && r.stdout !== '')
    problems.push(`${where}: stdout should be empty (talk goes to stderr), got ${r.stdout.slice(0, 200)}`);
  if (e.stdout === 'text' && (r.stdout.trim() === '' || r.stdout.trimStart().startsWith('{')))
    problems.push(`${where}: expected data on stdout, got ${JSON.stringify(r.stdout.slice(0, 200))}`);
  if (e.stdout !== 'json') return problems;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    return [...problems, `${where}: stdout is not one JSON document: ${JSON.stringify(r.stdout.slice(0, 300))}`];
  }
  if (doc.ok !== (r.code === 0)) problems.push(`${where}: "ok" is ${String(doc.ok)} with exit ${r.code}`);
  const shape = r.code === 0 ? documentedShapes(e.section)[e.shape ?? 0] : '{"ok":false,"error":{"code","message","hint"}}';
  if (!shape) return [...problems, `${where}: docs/cli.md "${e.section}" documents no {"ok"…} shape`];
  const { required, optional } = documentedKeys(shape);
  const known = new Set([...required, ...optional, ...(e.alsoDocumented ?? [])]);
  const keys = Object.keys(doc);
  for (const k of required) if (!keys.includes(k)) problems.push(`${where}: documented key "${k}" missing from the output`);
  for (const k of keys) if (!known.has(k)) problems.push(`${where}: key "${k}" is not in the documented shape ${shape}`);
  return problems;
}

describe('the examples of docs/cli.md, run', () => {
  it('has an example, or a reason, for every command section of the page, and reads shapes as documented', () => {
    const sections = [...CLI_MD.matchAll(/^## (cassette .*)$/gm)].map((m) => m[1] as string);
    expect(sections.length).toBeGreaterThan(15);
    const covered = new Set([...EXAMPLES.map((e) => e.section), ...Object.keys(NOT_RUN)]);
    expect(sections.filter((s) => !covered.has(s))).toEqual([]);
    for (const e of EXAMPLES) expect(sectionText(e.section), e.section).toBeDefined();
    expect(documentedKeys('{"ok":true,"store":PATH,"episodes":[{"episode","takes"}]}')).toEqual({
      required: ['ok', 'store', 'episodes'],
      optional: [],
    });
    expect(documentedKeys('{"ok":bool,"episodes":[],"divergence"?,"exitCode"?}')).toEqual({
      required: ['ok', 'episodes'],
      optional: ['divergence', 'exitCode'],
    });
  });

  it('each example exits as documented, with data on stdout and --json of the documented shape', async () => {
    const dir = tempDir('cassette-doc-examples-');
    const paths: Record<Placeholder, string> = {
      STORE: await seed(dir),
      DIR: join(dir, 'exported'),
      NEW: join(dir, 'imported.db'),
      NEW2: join(dir, 'merged.db'),
      COPY: join(dir, 'copy.db'),
      LOCK: join(dir, 'cassettes.lock.json'),
      RESCUED: join(dir, 'rescued.db'),
      REPORT: join(dir, 'report.html'),
      CHILD: writeOpenAIChild(dir),
    };
    const run = async (e: Example): Promise<string[]> => {
      const args = e.args.map((a) => (a in paths ? paths[a as Placeholder] : a));
      return problemsOf(e, await runCli(args, { cwd: dir, timeoutMs: 120_000 }));
    };
    const first = await pool(
      EXAMPLES.filter((e) => !e.later),
      6,
      run,
    );
    const later = await pool(
      EXAMPLES.filter((e) => e.later),
      6,
      run,
    );
    expect([...first, ...later].flat()).toEqual([]);
  }, 300_000);
});
