import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { StepDiff, TakeDiff } from '../../src/ui/shared/ui-types.js';
import type { DataSource } from '../data-source.js';
import { hrefDiff, hrefStep } from '../format.js';

/** Two takes (or two episodes) step by step, with the labelled differences. */
export function DiffView({ source, a, b }: { source: DataSource; a: string; b: string }) {
  const [diff, setDiff] = useState<TakeDiff | undefined | null>(null);
  const [error, setError] = useState('');
  const [fa, setFa] = useState(a);
  const [fb, setFb] = useState(b);
  useEffect(() => {
    setFa(a);
    setFb(b);
    if (!a || !b) return setDiff(undefined);
    setDiff(null);
    setError('');
    source.diff(a, b).then(setDiff, (e: Error) => setError(e.message));
  }, [a, b]);
  const choices = source.report ? Object.values(source.report.diffs) : [];
  return html`<section aria-labelledby="diff-h">
    <h1 id="diff-h">Take diff</h1>
    ${
      source.kind === 'server'
        ? html`<form
            class="filters"
            onSubmit=${(e: Event) => {
              e.preventDefault();
              location.hash = hrefDiff(fa, fb);
            }}
          >
            <label
              >A (episode or episode:take) <input name="a" value=${fa} onInput=${(e: Event) => setFa((e.target as HTMLInputElement).value)}
            /></label>
            <label
              >B (episode or episode:take) <input name="b" value=${fb} onInput=${(e: Event) => setFb((e.target as HTMLInputElement).value)}
            /></label>
            <button type="submit">Compare</button>
          </form>`
        : html`<ul>
            ${choices.map((d) => html`<li><a href=${hrefDiff(`${d.a.episode}:${d.a.take}`, `${d.b.episode}:${d.b.take}`)}>${d.a.episode} take ${d.a.take} → ${d.b.episode} take ${d.b.take}</a> (${d.changed} steps differ)</li>`)}
          </ul>`
    }
    ${error ? html`<p role="alert" class="error">${error}</p>` : ''}
    ${
      diff === null
        ? html`<p>Comparing…</p>`
        : diff === undefined
          ? a && b
            ? html`<p class="error" role="alert">One of the two takes does not exist.</p>`
            : ''
          : html` <p>
                <strong>${diff.a.episode}</strong> take ${diff.a.take} → <strong>${diff.b.episode}</strong> take ${diff.b.take}:
                ${diff.changed} of ${diff.steps.length} steps differ.
              </p>
              <div class="scroll">
                <table class="grid diff">
                  <caption class="sr-only">
                    Steps compared
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col" class="n">Step</th>
                      <th scope="col">A</th>
                      <th scope="col">B</th>
                      <th scope="col">Result</th>
                      <th scope="col">Request differences</th>
                      <th scope="col">Answer differences</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${diff.steps.map((s) => html`<${DiffRow} s=${s} diff=${diff} />`)}
                  </tbody>
                </table>
              </div>`
    }
  </section>`;
}

function DiffRow({ s, diff }: { s: StepDiff; diff: TakeDiff }) {
  const side = (x: StepDiff['a'], episode: string) =>
    x
      ? html`<a href=${hrefStep(episode, x.take, x.position)}>${x.provider} ${x.method} ${x.path}</a><br /><span class="muted"
            >${x.model ?? ''} · ${x.status}</span
          >`
      : html`<span class="muted">—</span>`;
  return html`<tr class=${`k-${s.kind}`}>
    <th scope="row" class="n">${s.step}</th>
    <td>${side(s.a, diff.a.episode)}</td>
    <td>${side(s.b, diff.b.episode)}</td>
    <td><span class=${`badge ${s.kind === 'same' ? 'ok' : 'bad'}`}>${s.kind}</span></td>
    <td>
      <ul class="differences">
        ${s.request.map((r) => html`<li>${r}</li>`)}
      </ul>
    </td>
    <td>
      <ul class="differences">
        ${s.answer.map((r) => html`<li>${r}</li>`)}
      </ul>
    </td>
  </tr>`;
}
