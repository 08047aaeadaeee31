// Contract drift through the CLI (SPEC §8, docs/drift-rules.md): corpus answers recorded live
// (OpenAI chat JSON and stream, Anthropic stream) become baselines with `contract update`
// (deterministic files); `contract check` is clean against them; a new take recorded against an
// upstream whose answer mutated (finish_reason "new_reason", a closed enum) is breaking drift, in
// --json, --junit and --markdown, and --fail-on never only reports. Smoke mode checks each live
// answer against the baselines without writing the store, reports drift in /__cassette/stats,
// and `run --mode smoke` exits 1 on breaking drift.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import type { CorpusInteraction } from '../helpers/corpus.js';
import { sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream, ReceivedRequest } from '../helpers/fake-upstream.js';
import { runCli, spawnCli, startProxy } from '../helpers/proxy.js';
import { anthropicClient, openaiClient } from '../helpers/sdk.js';
import type { TestProxy } from '../helpers/proxy.js';
import { writeOpenAIChild } from '../helpers/sut-child.js';

useCleanup();

const CHAT = corpus('openai/chat-completions-basic.json');
const CHAT_STREAM = corpus('openai/chat-completions-stream-include-usage.json');
const CLAUDE_STREAM = corpus('anthropic/messages-stream-basic.json');

/** The chat answer with a finish reason no OpenAI client knows. */
function mutatedChat(): (req: ReceivedRequest, res: Parameters<typeof sendJson>[0]) => void {
  const body = responseJson(CHAT);
  body.choices[0].finish_reason = 'new_reason';
  return (_req, res) => sendJson(res, 200, body);
}

/** A fake provider for both families: the chat JSON answer is the recorded one or the mutated one. */
function upstreamFor(chat: CorpusInteraction | ReturnType<typeof mutatedChat>): Promise<FakeUpstream> {
  return startFakeUpstream({
    routes: [
      { when: (r) => r.path === '/v1/chat/completions' && r.json?.stream === true, answer: CHAT_STREAM },
      { when: (r) => r.path === '/v1/chat/completions', answer: chat },
      { when: (r) => r.path === '/v1/messages', answer: CLAUDE_STREAM },
    ],
  });
}

/** The three corpus requests, made with the real SDKs exactly as the corpus recorded them. */
async function callAll(proxy: TestProxy): Promise<void> {
  const chat = await openaiClient(proxy).chat.completions.create(CHAT.request.body as never);
  expect(chat).toHaveProperty('choices');
  const stream = await openaiClient(proxy).chat.completions.create(CHAT_STREAM.request.body as never);
  for await (const _ of stream as unknown as AsyncIterable<unknown>) void _;
  const claude = await anthropicClient(proxy).messages.create(CLAUDE_STREAM.request.body as never);
  for await (const _ of claude as unknown as AsyncIterable<unknown>) void _;
}

/** One live session (a new take of episode "drift") against `upstream`. */
async function record(store: string, upstream: FakeUpstream): Promise<void> {
  const live = await startProxy({
    mode: 'live',
    store,
    episode: 'drift',
    upstream: [`openai=${upstream.url}`, `anthropic=${upstream.url}`],
  });
  await callAll(live);
  expect(live.summary()).toMatchObject({ recorded: 3, misses: 0 });
  await live.stop();
}

const filesOf = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((n) => [n, readFileSync(join(dir, n), 'utf8')]),
  );

/** A store with the clean take 1, and its baselines written to `contracts`. */
async function baseline(): Promise<{ dir: string; store: string; contracts: string }> {
  const dir = tempDir();
  const store = join(dir, 'X.db');
  const contracts = join(dir, 'contracts');
  const clean = await upstreamFor(CHAT);
  await record(store, clean);
  await clean.stop();
  const update = await runCli(['contract', 'update', '--store', store, '--contracts', contracts], { cwd: dir });
  expect(update.code, update.stderr).toBe(0);
  return { dir, store, contracts };
}

describe('cassette contract update / check', () => {
  it('writes deterministic baselines, checks clean, then finds the mutated take breaking (json, junit, markdown)', async () => {
    const { dir, store, contracts } = await baseline();
    const first = filesOf(contracts);
    expect(Object.keys(first)).toEqual(['anthropic.json', 'openai.json']);
    for (const text of Object.values(first)) expect(() => JSON.parse(text)).not.toThrow();

    // Run again, and into a second directory: byte-identical files (an unchanged file is not rewritten, so the clean
    // check can read it meanwhile).
    const other = join(dir, 'contracts-2');
    const [again, second, clean] = await Promise.all([
      runCli(['contract', 'update', '--store', store, '--contracts', contracts], { cwd: dir }),
      runCli(['contract', 'update', '--store', store, '--contracts', other], { cwd: dir }),
      runCli(['contract', 'check', '--store', store, '--contracts', contracts, '--json'], { cwd: dir }),
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr, 'talk goes to stderr (stdout is for data)').toMatch(/unchanged .*openai\.json/);
    expect(filesOf(contracts)).toEqual(first);
    expect(second.code, second.stderr).toBe(0);
    expect(filesOf(other)).toEqual(first);

    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout.trim().split('\n')).toHaveLength(1);
    const cleanReport = JSON.parse(clean.stdout);
    expect(cleanReport).toMatchObject({ ok: true, findings: [] });
    expect(cleanReport.checked.map((c: { provider: string }) => c.provider).sort()).toEqual(['anthropic', 'openai']);

    // The same requests recorded again (a new take) against an upstream whose answer mutated.
    const mutated = await upstreamFor(mutatedChat());
    await record(store, mutated);
    await mutated.stop();
    const takes = JSON.parse((await runCli(['ls', '--store', store, '--json'])).stdout).episodes;
    expect(takes).toMatchObject([{ episode: 'drift', takes: 2, take: 2, calls: 3 }]);

    const junit = join(dir, 'report.xml');
    const markdown = join(dir, 'report.md');
    const [drift, never] = await Promise.all([
      runCli(['contract', 'check', '--store', store, '--contracts', contracts, '--json', '--junit', junit, '--markdown', markdown], {
        cwd: dir,
      }),
      runCli(['contract', 'check', '--store', store, '--contracts', contracts, '--json', '--fail-on', 'never'], { cwd: dir }),
    ]);
    expect(drift.code, drift.stderr).toBe(1);
    const report = JSON.parse(drift.stdout);
    expect(report.ok).toBe(false);
    const breaking = report.findings.filter((f: { severity: string }) => f.severity === 'breaking');
    expect(breaking).toContainEqual(
      expect.objectContaining({
        severity: 'breaking',
        check: 'discriminator-value-new',
        path: 'choices[].finish_reason',
        provider: 'openai',
      }),
    );
    const finding = breaking.find((f: { check: string }) => f.check === 'discriminator-value-new');
    expect(JSON.stringify(finding.observed)).toContain('new_reason');
    expect(finding).toHaveProperty('baseline');
    // Only the mutated answer drifted: nothing reported for the Anthropic stream.
    expect(report.findings.filter((f: { provider: string }) => f.provider === 'anthropic')).toEqual([]);

    const xml = readFileSync(junit, 'utf8');
    expectWellFormedXml(xml);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(xml).toMatch(/<failure [^>]*type="breaking:discriminator-value-new"/);
    expect(Number(/<testsuites [^>]*failures="(\d+)"/.exec(xml)?.[1])).toBeGreaterThanOrEqual(1);

    const md = readFileSync(markdown, 'utf8');
    const table = md.split('\n').filter((l) => l.startsWith('|'));
    expect(table).toContain('| Severity | Check | Endpoint | Path | Baseline | Observed | Seen in |');
    expect(table).toContain('|---|---|---|---|---|---|---|');
    const row = table.find((l) => l.includes('`discriminator-value-new`'));
    expect(row).toBeDefined();
    expect(row).toContain('`choices[].finish_reason`');
    // Every row of the findings table has the header's 7 cells.
    for (const l of table.slice(table.indexOf('| Severity | Check | Endpoint | Path | Baseline | Observed | Seen in |'))) {
      expect(l.replace(/\\\|/g, '').split('|').length - 2).toBe(7);
    }

    expect(never.code, never.stderr).toBe(0);
    expect(JSON.parse(never.stdout).findings.length).toBe(report.findings.length);
  });
});

describe('smoke mode', () => {
  it('serve --mode smoke forwards, writes nothing, and reports the drift in /__cassette/stats', async () => {
    const { dir, store, contracts } = await baseline();
    const storeBytes = readFileSync(store);
    const mutated = await upstreamFor(mutatedChat());
    const smokeStore = join(dir, 'smoke.db');
    const cli = spawnCli(
      [
        'serve',
        '--json',
        '--port',
        '0',
        '--mode',
        'smoke',
        '--contracts',
        contracts,
        '--store',
        smokeStore,
        '--upstream',
        `openai=${mutated.url}`,
        '--upstream',
        `anthropic=${mutated.url}`,
      ],
      { cwd: dir },
    );
    const ready = JSON.parse(await cli.firstLine());
    expect(ready.mode).toBe('smoke');
    const proxy = {
      url: ready.url,
      baseUrl: (p: string) => `${ready.url}${p === 'anthropic' ? '/anthropic' : `/${p}/v1`}`,
    } as unknown as TestProxy;
    await callAll(proxy);
    expect(mutated.requests).toHaveLength(3);

    const stats = (await (await fetch(`${ready.url}/__cassette/stats`)).json()) as any;
    expect(stats).toMatchObject({ mode: 'smoke', requests: 3, forwarded: 3, recorded: 0 });
    expect(Array.isArray(stats.drift)).toBe(true);
    expect(stats.drift).toContainEqual(
      expect.objectContaining({
        severity: 'breaking',
        check: 'discriminator-value-new',
        path: 'choices[].finish_reason',
        provider: 'openai',
      }),
    );
    expect(stats.drift.filter((d: { provider: string }) => d.provider === 'anthropic')).toEqual([]);
    expect(stats.ok).toBe(false);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stderr()).toMatch(/contract drift: discriminator-value-new at choices\[\]\.finish_reason/);
    // Smoke never writes: no store was created, and the baseline store did not change.
    expect(existsSync(smokeStore)).toBe(false);
    expect(readFileSync(store).equals(storeBytes)).toBe(true);
  });

  it('run --mode smoke exits 1 on breaking drift, 0 when the answers match the contract', async () => {
    const { dir, contracts } = await baseline();
    const child = writeOpenAIChild(dir);
    const smokeStore = join(dir, 'smoke.db');
    const args = (upstream: FakeUpstream) => [
      'run',
      '--mode',
      'smoke',
      '--contracts',
      contracts,
      '--store',
      smokeStore,
      '--upstream',
      `openai=${upstream.url}`,
      '--json',
      '--',
      'node',
      child,
      'What is 4200 + 42?',
    ];

    const [mutated, clean] = await Promise.all([upstreamFor(mutatedChat()), upstreamFor(CHAT)]);
    const [bad, good] = await Promise.all([runCli(args(mutated), { cwd: dir }), runCli(args(clean), { cwd: dir })]);
    expect(bad.stderr).toMatch(/CHILD ANSWER/);
    expect(bad.stderr).toMatch(/contract drift: \d+ findings \([1-9]\d* breaking\)/);
    const summary = JSON.parse(bad.stdout);
    expect(summary).toMatchObject({ mode: 'smoke', forwarded: 1, recorded: 0, exitCode: 1, commandExitCode: 0, proxyOk: false, ok: false });
    expect(summary.drift).toContainEqual(expect.objectContaining({ severity: 'breaking', check: 'discriminator-value-new' }));
    expect(bad.code, bad.stderr).toBe(1);

    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, forwarded: 1, drift: [] });
    expect(existsSync(smokeStore)).toBe(false);
  });
});

/** A small well-formedness check: one root, every tag closed in order, attributes quoted, entities known. */
function expectWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const m = token.exec(body);
    if (!m) throw new Error(`not well-formed XML at ${at}: ${JSON.stringify(body.slice(at, at + 60))}`);
    at = token.lastIndex;
    const [, close, name, attrs, selfClose, text] = m;
    if (text !== undefined) {
      if (stack.length === 0 && text.trim()) throw new Error(`text outside the root: ${text.slice(0, 40)}`);
      for (const e of text.matchAll(/&([^;\s]*);?/g))
        if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(e[1] ?? '') || !e[0].endsWith(';')) throw new Error(`bad entity ${e[0]}`);
      continue;
    }
    for (const e of (attrs ?? '').matchAll(/&([^;\s"]*);?/g))
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(e[1] ?? '') || !e[0].endsWith(';'))
        throw new Error(`bad entity in attribute ${e[0]}`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`closing </${name}> does not match`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name as string);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}
