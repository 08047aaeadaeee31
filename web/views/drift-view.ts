import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { DriftView as Drift } from '../../src/ui/shared/ui-types.js';
import type { DataSource } from '../data-source.js';
import { hrefStep } from '../format.js';

/** The contract check's findings by provider and endpoint, with the evidence. */
export function DriftView({ source }: { source: DataSource }) {
  const [drift, setDrift] = useState<Drift | undefined | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    source.drift().then(setDrift, (e: Error) => setError(e.message));
  }, []);
  if (error) return html`<p role="alert" class="error">${error}</p>`;
  if (drift === null) return html`<p aria-live="polite">Checking the newest takes against the baseline…</p>`;
  if (!drift)
    return html`<section>
      <h1>Drift</h1>
      <p>No contract check in this report.</p>
    </section>`;
  const groups = new Map<string, Drift['findings']>();
  for (const f of drift.findings) {
    // The endpoint key names its provider first (`openai POST /v1/chat/completions json 2xx`).
    const k =
      f.endpoint && f.provider && f.endpoint.startsWith(`${f.provider} `) ? f.endpoint : `${f.provider ?? ''} · ${f.endpoint ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  return html`<section aria-labelledby="drift-h">
    <h1 id="drift-h">Drift</h1>
    <p>
      ${drift.ok ? 'The newest takes agree with the baseline.' : 'The newest takes differ from the baseline.'}
      <span class="muted"> Baseline ${drift.contractsDir}, checked ${drift.checkedAt}. ${drift.findings.length} findings.</span>
    </p>
    ${drift.unchecked.map((u) => html`<p class="muted">${u.provider}: not checked (${u.reason})</p>`)}
    ${[...groups].map(
      ([k, fs]) =>
        html`<h2>${k}</h2>
          <div class="scroll">
            <table class="grid drift">
              <caption class="sr-only">
                ${`Findings for ${k}`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Check</th>
                  <th scope="col">Path</th>
                  <th scope="col">What</th>
                  <th scope="col">Baseline</th>
                  <th scope="col">Observed</th>
                  <th scope="col">Seen in</th>
                </tr>
              </thead>
              <tbody>
                ${fs.map(
                  (f) =>
                    html`<tr>
                      <td><span class=${`badge sev-${f.severity}`}>${f.severity}</span></td>
                      <td><code>${f.check}</code></td>
                      <td><code>${f.path}</code></td>
                      <td>${f.message ?? ''}</td>
                      <td>${evidence(f.baseline)}</td>
                      <td>${evidence(f.observed)}</td>
                      <td>${seenIn(f.evidence)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`,
    )}
  </section>`;
}

/** A baseline or observation: its summary in words when it has one, else its JSON, shortened. */
function evidence(v: unknown) {
  const summary = typeof v === 'object' && v !== null ? (v as { summary?: unknown }).summary : undefined;
  return typeof summary === 'string' ? summary : html`<code>${short(v)}</code>`;
}

/** The interactions a finding was seen in (`episode/take/position`), each a link to its step. */
function seenIn(list: unknown) {
  if (!Array.isArray(list)) return '';
  return list.map((ref, n) => {
    const m = typeof ref === 'string' ? /^(.+)\/(\d+)\/(\d+)$/.exec(ref) : null;
    const item = m
      ? html`<a href=${hrefStep(m[1] as string, Number(m[2]), Number(m[3]))} aria-label=${`${m[1]} take ${m[2]} step ${m[3]}`}>${ref}</a>`
      : String(ref);
    return html`${n > 0 ? ', ' : ''}${item}`;
  });
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? '';
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}
