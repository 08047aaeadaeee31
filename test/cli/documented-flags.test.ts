// Issue 14 item 17: every `cassette COMMAND --flag` the docs show exists. The commands are
// registered exactly as main.ts registers them, and each command line in a code span or code
// block of README.md and docs/*.md is checked against them: the command (and subcommand), and
// each of its `--flags` before a bare `--` (what follows belongs to the child command).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/register-commands.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

/** Options every command accepts through commander itself. */
const ALWAYS = new Set(['--help', '-h']);

function program(): Command {
  const p = new Command('cassette').version('0.0.0').enablePositionalOptions();
  registerCommands(p, () => undefined);
  return p;
}

/** The code of a markdown file: fenced blocks and inline code spans, one string each. */
function codeOf(text: string): string[] {
  const blocks = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
  const rest = text.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  const spans = [...rest.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
  return [...blocks.flatMap((b) => b.split('\n')), ...spans];
}

interface Use {
  file: string;
  line: string;
  words: string[];
  flags: string[];
}

/** Each `cassette WORD ...` in the code of the docs, with the flags given to cassette itself. */
function documentedUses(): Use[] {
  const uses: Use[] = [];
  for (const file of FILES) {
    for (const code of codeOf(readFileSync(join(ROOT, file), 'utf8'))) {
      for (const m of code.matchAll(/(?:^|[\s/(=$])cassette ([a-z][\w-]*(?: [^|;&)`\n]*)?)/g)) {
        // A `$(…)` subshell is another command's arguments.
        const tokens = (m[1] as string).split('$(')[0]!.trim().split(/\s+/);
        const end = tokens.indexOf('--');
        const own = end === -1 ? tokens : tokens.slice(0, end);
        const words = own.filter((t) => /^[a-z][\w-]*$/.test(t)).slice(0, 2);
        const flags = own.filter((t) => /^--?[a-z]/.test(t)).map((t) => t.replace(/[=\]].*$/, '').replace(/[.,:]$/, ''));
        uses.push({ file, line: code.trim(), words, flags });
      }
    }
  }
  return uses;
}

describe('the docs and the CLI agree', () => {
  const cli = program();
  const uses = documentedUses();

  it('finds the documented command lines, and would catch a flag or command that does not exist', () => {
    expect(uses.length).toBeGreaterThan(50);
    expect(uses.some((u) => u.words[0] === 'salvage')).toBe(true);
    const bogus = (line: string, words: string[], flags: string[]): Use => ({ file: 'x.md', line, words, flags });
    expect(problemsOf(cli, [bogus('cassette ls --bogus', ['ls'], ['--bogus'])])).toHaveLength(1);
    expect(problemsOf(cli, [bogus('cassette contract check --nope', ['contract', 'check'], ['--nope'])])).toHaveLength(1);
    expect(problemsOf(cli, [bogus('cassette frobnicate --x', ['frobnicate'], ['--x'])])).toHaveLength(1);
    expect(problemsOf(cli, [bogus('cassette replay ep --no-strict', ['replay', 'ep'], ['--no-strict'])])).toEqual([]);
  });

  it('every documented cassette command exists, with every flag it is shown with', () => {
    const problems = problemsOf(cli, uses);
    expect(problems).toEqual([]);
  });
});

/** What in `uses` the CLI does not have: an unknown command shown with flags, or an unknown flag. */
function problemsOf(cli: Command, uses: readonly Use[]): string[] {
  const problems: string[] = [];
  for (const u of uses) {
    const name = u.words[0] as string;
    let cmd = cli.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!cmd) {
      // Prose such as "cassette records" in a code span is not a command line: only flag a word
      // that is shown with options.
      if (u.flags.length > 0) problems.push(`${u.file}: \`${u.line}\`: no command "${name}"`);
      continue;
    }
    const sub = u.words[1] && cmd.commands.find((c) => c.name() === u.words[1]);
    if (sub) cmd = sub;
    const known = new Set([...ALWAYS, ...cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f))]);
    // --no-strict declared as a negatable option also accepts --strict, and the reverse.
    for (const o of cmd.options) if (o.long?.startsWith('--no-')) known.add(`--${o.long.slice(5)}`);
    for (const flag of u.flags) if (!known.has(flag)) problems.push(`${u.file}: \`${u.line}\`: ${cmd.name()} has no ${flag}`);
  }
  return problems;
}
