// What storing request bodies as the bytes sent costs (issue 20's fidelity fix): per request, the
// CPU of turning the incoming body into its stored form (RequestMatcher.match: parse, redact, key),
// the stored bytes of the row (`data`, the whole interaction as JSON) and the CPU of writing it to
// a fresh SQLite store (appendGroup, groups of 4 as under load), for three layouts of the same
// ~0.8 KB chat request: compact (JS SDKs), Python's json.dumps (`", "` and `": "`, what Python
// clients send) and 2-space indentation. Runs the build in --root (default: this checkout), so a
// build of an older commit gives the "before" figures on the same machine in the same minute.
//   node bench/request-bodies.js [--root DIR] [--n 2000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './lib/procs.js';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
};
const root = resolve(arg('--root', ROOT));
const N = Number(arg('--n', 2000));
const { openStore } = await import(join(root, 'dist/store/open-store.js'));
const { RequestMatcher } = await import(join(root, 'dist/match/request-matcher.js'));
const { createRedactor } = await import(join(root, 'dist/safety/create-redactor.js'));
const { createCanonicalBody } = await import(join(root, 'dist/match/canonical-body.js'));

let seed = 11;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const words = (n) => Array.from({ length: n }, () => `w${Math.floor(rand() ** 3 * 5000).toString(36)}`).join(' ');

function body(n) {
  return {
    model: 'gpt-4o',
    temperature: 0.2,
    messages: [
      { role: 'system', content: words(60) },
      { role: 'user', content: `request ${n}: ${words(60)}` },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ],
  };
}

/** Python's json.dumps(value) with its default separators (", " and ": "), ensure_ascii on. */
function pythonDumps(v) {
  if (Array.isArray(v)) return `[${v.map(pythonDumps).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${pythonDumps(k)}: ${pythonDumps(x)}`)
      .join(', ')}}`;
  const s = JSON.stringify(v);
  return typeof v === 'string' ? s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}

const LAYOUTS = {
  compact: (b) => JSON.stringify(b),
  python: pythonDumps,
  indent2: (b) => JSON.stringify(b, null, 2),
};

function interaction(request, key, position) {
  return {
    episode: 'ep',
    take: 1,
    position,
    provider: 'openai',
    family: 'openai',
    key,
    keyVersion: 2,
    occurrence: 1,
    request,
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { kind: 'json', json: { id: `c${position}`, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }] } },
    },
    complete: true,
    timings: { ttfbMs: 100, totalMs: 300 },
    recordedAt: new Date().toISOString(),
    productVersion: 'bench',
  };
}

const out = { root, n: N, layouts: {} };
// Warm-up: every layout through a matcher of its own first, so no layout pays for compiling the code.
for (const serialize of Object.values(LAYOUTS)) {
  const warm = new RequestMatcher(['openai-beta'], createRedactor([]), () => createCanonicalBody({ ignore: [], normalize: [] }));
  for (let n = 0; n < 500; n++)
    warm.match({
      method: 'POST',
      provider: 'openai',
      path: '/v1/chat/completions',
      query: '',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(serialize(body(-n))),
    });
}
for (const [layout, serialize] of Object.entries(LAYOUTS)) {
  const matcher = new RequestMatcher(['openai-beta'], createRedactor([]), () => createCanonicalBody({ ignore: [], normalize: [] }));
  const sent = Array.from({ length: N }, (_, n) => Buffer.from(serialize(body(n))));
  const headers = { 'content-type': 'application/json' };
  let cpu0 = process.cpuUsage();
  const matched = sent.map((b) =>
    matcher.match({ method: 'POST', provider: 'openai', path: '/v1/chat/completions', query: '', headers, body: b }),
  );
  let cpu = process.cpuUsage(cpu0);
  const matchUs = (cpu.user + cpu.system) / N;
  const rows = matched.map((m, n) => interaction(m.request, m.key, n + 1));
  const rowBytes = rows.reduce((sum, i) => sum + Buffer.byteLength(JSON.stringify(i)), 0) / N;
  const requestBytes = rows.reduce((sum, i) => sum + Buffer.byteLength(JSON.stringify(i.request)), 0) / N;

  const dir = mkdtempSync(join(tmpdir(), 'cassette-request-bodies-'));
  try {
    const store = await openStore(join(dir, 'bench.db'));
    const writer = await store.beginTake('ep', 'live');
    cpu0 = process.cpuUsage();
    for (let n = 0; n < N; n += 4) {
      const group = rows.slice(n, n + 4).map((i) => ({ writer, interaction: { ...i, position: writer.nextPosition() } }));
      const results = await store.appendGroup(group);
      if (results.some(Boolean)) throw results.find(Boolean);
    }
    cpu = process.cpuUsage(cpu0);
    await store.close();
    out.layouts[layout] = {
      sentBytes: sent[0].length,
      matchCpuUs: Math.round(matchUs * 10) / 10,
      requestBytes: Math.round(requestBytes),
      rowBytes: Math.round(rowBytes),
      writeCpuUs: Math.round(((cpu.user + cpu.system) / N) * 10) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
out.load = (await import('node:os')).loadavg().map((l) => Math.round(l * 10) / 10);
console.log(JSON.stringify(out));
