// Summarizes V8 .cpuprofile files (node --cpu-prof): self time per function, hottest first.
//   node bench/lib/profile.js DIR_OR_FILE [top]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './procs.js';

function files(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return path.endsWith('.cpuprofile') ? [path] : [];
  return readdirSync(path).flatMap((f) => files(join(path, f)));
}

const REQUEST_FRAMES = new Set(['handleProxyCall', 'parserOnIncoming']);

function where(cf) {
  let url = cf.url || '';
  if (url.startsWith('file://')) url = fileURLToPath(url);
  if (url.startsWith(ROOT)) url = relative(ROOT, url);
  url = url.replace(/^.*node_modules\//, 'node_modules/');
  return url ? `${url}:${cf.lineNumber + 1}` : cf.url === '' && cf.functionName.startsWith('(') ? '' : 'native';
}

/** Self and inclusive time per function of one profile; `top` hottest by self time. */
export function summarizeProfile(file, top = 25) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = new Map();
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Startup (module loading, opening the store) is not what a request costs: count from the
  // first sample taken inside a request handler on.
  const inRequest = (id) => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (REQUEST_FRAMES.has(byId.get(cur).callFrame.functionName)) return true;
    return false;
  };
  let from = p.samples.findIndex(inRequest);
  if (from < 0) from = 0;
  // timeDeltas[i] is the time before sample i.
  p.samples.forEach((id, i) => {
    if (i >= from) dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...dt.values()].reduce((a, b) => a + b, 0);
  const incl = new Map();
  for (const [id, us] of dt) {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}`;
    self.set(key, (self.get(key) ?? 0) + us);
    // inclusive: every distinct function on the stack gets the sample once
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cn = byId.get(cur);
      const k = `${cn.callFrame.functionName || '(anonymous)'} ${where(cn.callFrame)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const pct = (us) => Math.round((us / total) * 1000) / 10;
  const idle = self.get('(idle) ') ?? 0;
  const busy = total - idle;
  const rows = [...self]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  const inclRows = [...incl]
    .filter(
      ([k]) =>
        !k.startsWith('(idle)') &&
        !k.startsWith('(root)') &&
        !k.includes('node:internal') &&
        k !== '(program) ' &&
        !k.startsWith('(anonymous) '),
    )
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  return {
    file: basename(file),
    totalMs: Math.round(total / 1000),
    busyPct: pct(busy),
    self: rows.map(([k, us]) => ({
      fn: k.trim(),
      selfPct: pct(us),
      selfPctOfBusy: Math.round((us / busy) * 1000) / 10,
    })),
    inclusive: inclRows.map(([k, us]) => ({
      fn: k.trim(),
      inclPctOfBusy: Math.round((us / busy) * 1000) / 10,
    })),
  };
}

/** Every profile under `dir`, grouped by sub-directory (golden/, live/). */
export function summarizeProfiles(dir, top = 25) {
  const out = {};
  for (const f of files(dir)) {
    const group = relative(dir, f).split('/')[0];
    (out[group] ??= []).push(summarizeProfile(f, top));
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  for (const f of files(target)) {
    const s = summarizeProfile(f, top);
    console.log(`# ${s.file}: ${s.totalMs} ms sampled, ${s.busyPct}% busy`);
    console.log('self % of busy | function');
    for (const r of s.self) console.log(`${String(r.selfPctOfBusy).padStart(6)}% | ${r.fn}`);
    console.log('\ninclusive % of busy | function');
    for (const r of s.inclusive) console.log(`${String(r.inclPctOfBusy).padStart(6)}% | ${r.fn}`);
    console.log();
  }
}
