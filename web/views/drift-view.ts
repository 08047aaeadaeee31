import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { DriftView as Drift } from '../../src/ui/shared/ui-types.js';
import type { DataSource } from '../data-source.js';

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
    const k = `${f.provider ?? ''} · ${f.endpoint ?? ''}`;
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
                      <td><code>${short(f.baseline)}</code></td>
                      <td><code>${short(f.observed)}</code></td>
                      <td>${Array.isArray(f.evidence) ? f.evidence.join(', ') : ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`,
    )}
  </section>`;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? '';
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}
