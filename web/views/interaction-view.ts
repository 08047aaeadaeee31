import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { InteractionDetail } from '../../src/ui/shared/ui-types.js';
import type { DataSource } from '../data-source.js';
import { hrefEpisode, hrefStep, ms } from '../format.js';
import { Chart } from './chart.js';
import { JsonView } from './json-view.js';

/** One interaction: request and answer side by side, headers, and a stream's events on a time axis. */
export function InteractionView({
  source,
  episode,
  take,
  position,
}: {
  source: DataSource;
  episode: string;
  take: number;
  position: number;
}) {
  const [d, setD] = useState<InteractionDetail | undefined | null>(null);
  useEffect(() => {
    setD(null);
    source.interaction(episode, take, position).then(setD, () => setD(undefined));
  }, [episode, take, position]);
  if (d === null) return html`<p aria-live="polite">Loading…</p>`;
  if (d === undefined) return html`<p role="alert" class="error">No step ${position} in take ${take} of ${episode}.</p>`;
  const i = d.interaction as {
    request: {
      method: string;
      path: string;
      headers: Record<string, string>;
      query: [string, string][];
      body: { kind: string; json?: unknown; text?: string };
    };
    response: {
      status: number;
      headers: Record<string, unknown>;
      body?: { kind: string; json?: unknown; text?: string };
      stream?: unknown;
    };
    timings: { ttfbMs: number; totalMs: number };
    usage?: unknown;
    costUsd?: number;
  };
  // A stream's answer is its events (below); the pane shows what they assemble to.
  const answerBody = i.response.body ? bodyValue(i.response.body) : ((d.interaction.assembled as unknown) ?? { text: d.timeline?.text });
  return html`<section aria-labelledby="ix-h">
    <nav class="crumbs" aria-label="Breadcrumb">
      <a href="#/">Episodes</a> › <a href=${hrefEpisode(episode, take)}>${episode}</a> › <span>step ${position}</span>
    </nav>
    <h1 id="ix-h">
      Step ${position}
      <span class="muted"
        >${d.provider} · ${i.request.method} ${i.request.path} · ${d.model ?? ''} · status ${i.response.status} · ${ms(i.timings.totalMs)}
        (first byte ${ms(i.timings.ttfbMs)})</span
      >
    </h1>
    <nav class="row" aria-label="Steps">
      ${position > 1 ? html`<a class="button" href=${hrefStep(episode, take, position - 1)}>Previous step</a>` : ''}
      <a class="button" href=${hrefStep(episode, take, position + 1)}>Next step</a>
    </nav>
    <div class="side-by-side">
      <section class="pane" aria-labelledby="req-h">
        <h2 id="req-h">Request</h2>
        <${Headers} title="Request headers (allow-listed; credentials are never stored)" headers=${i.request.headers} />
        <${JsonView} label="Request body" value=${bodyValue(i.request.body)} />
      </section>
      <section class="pane" aria-labelledby="res-h">
        <h2 id="res-h">Answer</h2>
        <${Headers} title="Response headers" headers=${i.response.headers} />
        ${i.response.stream ? html`<p class="muted">Streamed: the events are on the timeline below; assembled:</p>` : ''}
        <${JsonView} label="Answer body" value=${answerBody} />
      </section>
    </div>
    ${d.timeline ? html`<${StreamTimeline} timeline=${d.timeline} />` : ''}
  </section>`;
}

function bodyValue(b: { kind: string; json?: unknown; text?: string; base64?: string }): unknown {
  return b.kind === 'json'
    ? b.json
    : b.kind === 'text'
      ? b.text
      : b.kind === 'base64'
        ? `<${b.base64?.length ?? 0} base64 characters>`
        : null;
}

function Headers({ title, headers }: { title: string; headers: Record<string, unknown> }) {
  const entries = Object.entries(headers);
  return html`<details class="headers" open>
    <summary>${title} (${entries.length})</summary>
    <table class="kv">
      <tbody>
        ${entries.map(
          ([k, v]) =>
            html`<tr>
              <th scope="row">${k}</th>
              <td>${Array.isArray(v) ? v.join(', ') : String(v)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

/** The stream on a time axis: scrub through its events and watch the assembled text grow. */
function StreamTimeline({ timeline }: { timeline: NonNullable<InteractionDetail['timeline']> }) {
  const events = timeline.events;
  const [at, setAt] = useState(events.length - 1);
  const e = events[at];
  const text = timeline.text.slice(0, e?.textLength ?? 0);
  return html`<section class="timeline" aria-labelledby="tl-h">
    <h2 id="tl-h">Stream timeline <span class="muted">${events.length} events${timeline.complete ? '' : ' · cut short'}</span></h2>
    <${Chart}
      title="Assembled text length over time"
      xLabel="ms since the request"
      yLabel="characters"
      data=${[events.map((x) => x.ms), events.map((x) => x.textLength)]}
      series=${[{ label: 'text' }]}
      cursorIndex=${at}
      height=${180}
    />
    <div class="scrub">
      <label for="scrub">Scrub stream</label>
      <input
        id="scrub"
        type="range"
        name="scrub"
        min="0"
        max=${Math.max(0, events.length - 1)}
        value=${at}
        aria-valuetext=${e ? `event ${at + 1} of ${events.length}, ${e.type}, at ${e.ms} ms` : ''}
        onInput=${(ev: Event) => setAt(Number((ev.target as HTMLInputElement).value))}
      />
      <span>event <output for="scrub">${at + 1}</output> of ${events.length}</span>
    </div>
    <p class="muted" aria-live="polite">
      at <strong>${e ? ms(e.ms) : '—'}</strong> · event <code>${e?.type ?? ''}</code> · ${text.length} characters
    </p>
    <div class="side-by-side">
      <div class="pane">
        <h3>Assembled text so far</h3>
        <pre class="assembled" data-testid="assembled">${text}</pre>
      </div>
      <div class="pane">
        <h3>Event ${at + 1}</h3>
        <pre class="raw">${e?.raw ?? ''}</pre>
      </div>
    </div>
  </section>`;
}
