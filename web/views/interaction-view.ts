import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { InteractionDetail, TimelineEvent } from '../../src/ui/shared/ui-types.js';
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
      session?: { protocol?: string; protocols?: string[]; frameCount?: number; close?: unknown };
    };
    timings: { ttfbMs: number; totalMs: number };
    usage?: unknown;
    costUsd?: number;
  };
  // A stream's answer is its events (below); the pane shows what they assemble to. A session's
  // answer is its server frames: the pane shows how it went and the text they add up to.
  const session = i.response.session;
  const answerBody = i.response.body
    ? bodyValue(i.response.body)
    : session
      ? { ...session, text: d.timeline?.text ?? '', ...(i.usage ? { usage: i.usage } : {}) }
      : ((d.interaction.assembled as unknown) ?? { text: d.timeline?.text });
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
        ${session ? html`<p class="muted">WebSocket session: its frames, both ways, are on the timeline below; in sum:</p>` : ''}
        <${JsonView} label="Answer body" value=${answerBody} />
      </section>
    </div>
    ${d.timeline ? html`<${StreamTimeline} key=${`${episode}:${take}:${position}`} timeline=${d.timeline} />` : ''}
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

/** Frames listed around the current one when a session has more than this. */
const LISTED_FRAMES = 300;

/**
 * A stream's events, or a WebSocket session's frames both ways, on a time axis: scrub through them
 * (the slider, or the frame list with the arrow keys) and watch the assembled text grow.
 */
function StreamTimeline({ timeline }: { timeline: NonNullable<InteractionDetail['timeline']> }) {
  const events = timeline.events;
  const ws = timeline.kind === 'websocket';
  const [at, setAt] = useState(events.length - 1);
  const e = events[at];
  const text = timeline.text.slice(0, e?.textLength ?? 0);
  const noun = ws ? 'frame' : 'event';
  const client = ws ? events.filter((x) => x.from === 'client').length : 0;
  const x = events.map((v) => v.ms);
  const lengths = events.map((v) => v.textLength);
  const counts = ws
    ? `${events.length} frames (${client} from the client, ${events.length - client} from the server) · ${
        timeline.close ? closeText(timeline.close) : 'cut (no close frame)'
      }`
    : `${events.length} events${timeline.complete ? '' : ' · cut short'}`;
  const side = (from: 'client' | 'server') => events.map((v) => (v.from === from ? v.textLength : null));
  return html`<section class=${`timeline${ws ? ' ws' : ''}`} aria-labelledby="tl-h">
    <h2 id="tl-h">${ws ? 'Session timeline ' : 'Stream timeline '}<span class="muted">${counts}</span></h2>
    <${Chart}
      title=${ws ? 'Assembled text length over time, each frame a dot by direction' : 'Assembled text length over time'}
      xLabel="ms since the request"
      yLabel="characters"
      data=${ws ? [x, lengths, side('client'), side('server')] : [x, lengths]}
      series=${
        ws
          ? [
              { label: 'text' },
              { label: '→ client to server', pointsOnly: true, color: '#ea580c' },
              { label: '← server to client', pointsOnly: true, color: '#16a34a' },
            ]
          : [{ label: 'text' }]
      }
      cursorIndex=${at}
      height=${180}
    />
    <div class="scrub">
      <label for="scrub">${ws ? 'Scrub frames' : 'Scrub stream'}</label>
      <input
        id="scrub"
        type="range"
        name="scrub"
        min="0"
        max=${Math.max(0, events.length - 1)}
        value=${at}
        aria-valuetext=${e ? `${noun} ${at + 1} of ${events.length}, ${direction(e)}${e.type}, at ${e.ms} ms` : ''}
        onInput=${(ev: Event) => setAt(Number((ev.target as HTMLInputElement).value))}
      />
      <span>${noun} <output for="scrub">${at + 1}</output> of ${events.length}</span>
    </div>
    <p class="muted" aria-live="polite">
      ${`at ${e ? ms(e.ms) : '—'} · `}${e?.from ? html`<${Direction} from=${e.from} />` : ''}${`${noun} `}<code>${e?.type ?? ''}</code>${` · ${text.length} characters`}
    </p>
    <div class=${ws ? 'session-panes' : 'side-by-side'}>
      ${ws ? html`<${FrameList} events=${events} at=${at} setAt=${setAt} />` : ''}
      <div class="pane">
        <h3>Assembled text so far</h3>
        <pre class="assembled" data-testid="assembled">${text}</pre>
      </div>
      <div class="pane">
        <h3>
          ${`${ws ? 'Frame' : 'Event'} ${at + 1} `}${e?.from ? html`<${Direction} from=${e.from} />` : ''}${e?.binary ? ' (binary)' : ''}
        </h3>
        <pre class="raw">${e?.raw ?? ''}</pre>
      </div>
    </div>
  </section>`;
}

/**
 * A session's frames as a list to move through: one tab stop, the arrow keys (and Home, End, Page
 * Up/Down) move the current frame, a click picks one. Long sessions list the frames around the current one.
 */
function FrameList({ events, at, setAt }: { events: TimelineEvent[]; at: number; setAt: (n: number) => void }) {
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [at]);
  const from = events.length > LISTED_FRAMES ? Math.max(0, Math.min(at - LISTED_FRAMES / 2, events.length - LISTED_FRAMES)) : 0;
  const shown = events.slice(from, from + LISTED_FRAMES);
  const move = (ev: KeyboardEvent) => {
    const to = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      ArrowRight: at + 1,
      ArrowLeft: at - 1,
      PageDown: at + 10,
      PageUp: at - 10,
      Home: 0,
      End: events.length - 1,
    }[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    setAt(Math.max(0, Math.min(events.length - 1, to)));
  };
  return html`<div class="pane frames">
    <h3 id="frames-h">Frames</h3>
    <ol
      ref=${list}
      class="frame-list"
      role="listbox"
      tabindex="0"
      aria-labelledby="frames-h"
      aria-activedescendant=${`frame-${at}`}
      onKeyDown=${move}
    >
      ${shown.map((f, k) => {
        const n = from + k;
        return html`<li
          id=${`frame-${n}`}
          role="option"
          aria-selected=${n === at ? 'true' : 'false'}
          class=${`dir-${f.from ?? 'server'}`}
          onClick=${() => setAt(n)}
        >
          <span class="ms">${ms(f.ms)}</span>
          <span class=${`dir ${f.from ?? 'server'}`} aria-label=${f.from === 'client' ? 'client to server' : 'server to client'}
            >${f.from === 'client' ? '→' : '←'}</span
          >
          <code>${f.type}</code>${f.binary ? html` <span class="badge">binary</span>` : ''}
        </li>`;
      })}
    </ol>
  </div>`;
}

/** Which way a frame went, in a colour and an arrow, and in words. */
function Direction({ from }: { from: 'client' | 'server' }) {
  return html`<span class=${`dir ${from}`}>${from === 'client' ? '→ client to server ' : '← server to client '}</span>`;
}

function direction(e: TimelineEvent): string {
  return e.from === 'client' ? '→ client to server, ' : e.from === 'server' ? '← server to client, ' : '';
}

function closeText(c: { by: string; code: number; reason: string; ms: number }): string {
  return `closed by the ${c.by} ${c.code}${c.reason ? ` "${c.reason}"` : ''} at ${ms(c.ms)}`;
}
