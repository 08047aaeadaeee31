import type { Command } from 'commander';

/**
 * One example per command, shown at the end of its `--help` (`cassette help NAME`). Keyed by the
 * command's path; a command without an entry simply shows none.
 */
export const COMMAND_EXAMPLES: Record<string, string> = {
  serve: 'cassette serve --mode record-missing --store cassettes/',
  run: 'cassette run --mode live --episode checkout -- npm test',
  replay: 'cassette replay checkout -- npm test',
  ls: 'cassette ls --store cassettes/',
  show: 'cassette show checkout --step 2',
  rm: 'cassette rm old-episode',
  prune: 'cassette prune --keep-takes 3 --dry-run',
  stats: 'cassette stats --json',
  export: 'cassette export cassettes-export',
  import: 'cassette import cassettes-export --store cassettes/new.db',
  'contract update': 'cassette contract update --contracts contracts/',
  'contract check': 'cassette contract check --fail-on warning',
  verify: 'cassette verify --store cassettes/',
  diff: 'cassette diff checkout --take 1 --take 2',
  rerecord: 'OPENAI_API_KEY=sk-... cassette rerecord checkout',
  salvage: 'cassette salvage cassettes-rescued --store broken.db',
};

/** Appends "Example:" to the help of every command (and subcommand) that has one. */
export function addExamples(program: Command, prefix = ''): void {
  for (const cmd of program.commands) {
    const path = `${prefix}${cmd.name()}`;
    const example = COMMAND_EXAMPLES[path];
    if (example) cmd.addHelpText('after', `\nExample:\n  $ ${example}`);
    addExamples(cmd, `${path} `);
  }
}
