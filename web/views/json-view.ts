import { html } from 'htm/preact';

interface Line {
  depth: number;
  text: string;
  path: string;
}

const MAX_LINES = 4000;
const REDACTED = /<REDACTED>|\[REDACTED\]|<EMAIL>/;

/** Lines of pretty JSON, each knowing the JSON path (`messages[1].content`) it shows. */
function lines(value: unknown, path: string, depth: number, prefix: string, suffix: string, out: Line[]): void {
  if (out.length > MAX_LINES) return;
  if (Array.isArray(value) && value.length > 0) {
    out.push({ depth, text: `${prefix}[`, path });
    value.forEach((v, i) => lines(v, `${path}[${i}]`, depth + 1, '', i < value.length - 1 ? ',' : '', out));
    out.push({ depth, text: `]${suffix}`, path });
  } else if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    const entries = Object.entries(value as Record<string, unknown>);
    out.push({ depth, text: `${prefix}{`, path });
    entries.forEach(([k, v], i) =>
      lines(v, path ? `${path}.${k}` : k, depth + 1, `${JSON.stringify(k)}: `, i < entries.length - 1 ? ',' : '', out),
    );
    out.push({ depth, text: `}${suffix}`, path });
  } else {
    out.push({ depth, text: `${prefix}${JSON.stringify(value) ?? 'undefined'}${suffix}`, path });
  }
}

/** True when `path` is a highlighted path or lies inside one. */
function marked(path: string, highlight: ReadonlySet<string>): boolean {
  for (const h of highlight) if (path === h || path.startsWith(`${h}.`) || path.startsWith(`${h}[`)) return true;
  return false;
}

/**
 * Pretty JSON with the given paths highlighted (a miss's differing fields) and redaction markers
 * shown as such. Plain text lines: a screen reader reads it like the JSON it is.
 */
export function JsonView({ value, highlight, label }: { value: unknown; highlight?: readonly string[]; label: string }) {
  const out: Line[] = [];
  lines(value, '', 0, '', '', out);
  const set = new Set(highlight ?? []);
  const cut = out.length > MAX_LINES;
  return html`<pre class="json" tabindex="0" aria-label=${label}>
${out.slice(0, MAX_LINES).map((l) => {
      const hl = set.size > 0 && l.path !== '' && marked(l.path, set);
      const text = '  '.repeat(l.depth) + l.text;
      const red = REDACTED.test(l.text);
      return html`<div class=${`jl${hl ? ' diff' : ''}${red ? ' redacted' : ''}`} data-path=${l.path}>
        ${hl ? html`<mark>${text}</mark>` : text}
      </div>`;
    })}${cut ? html`<div class="jl muted">… cut at ${MAX_LINES} lines</div>` : ''}</pre>`;
}
