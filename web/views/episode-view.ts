import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { CostSeries, EpisodeDetail, SessionSummary, StepRow } from '../../src/ui/shared/ui-types.js';
import type { DataSource } from '../data-source.js';
import { hrefDiff, hrefEpisode, hrefStep, ms, num, usd, when } from '../format.js';
import { Chart } from './chart.js';

/** One episode: its takes, its steps in call order, the tool-call chain, cost and latency per take. */
export function EpisodeView({ source, episode, take }: { source: DataSource; episode: string; take?: number }) {
  const [detail, setDetail] = useState<EpisodeDetail | undefined | null>(null);
  const [costs, setCosts] = useState<CostSeries | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    setDetail(null);
    source.episode(episode, take).then(setDetail, (e: Error) => setError(e.message));
    source.costs(episode).then(setCosts, () => undefined);
  }, [episode, take]);
  if (error) return html`<p role="alert" class="error">${error}</p>`;
  if (detail === null) return html`<p aria-live="polite">Loading ${episode}…</p>`;
  if (detail === undefined) return html`<p role="alert" class="error">No episode "${episode}" in this store.</p>`;
  const previous = detail.takes.filter((t) => t.take < detail.take).at(-1);
  return html`<section aria-labelledby="episode-h">
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/">Episodes</a> › <span>${episode}</span></nav>
    <h1 id="episode-h">${episode} <span class="muted">take ${detail.take}</span></h1>
    <div class="row">
      <label
        >Take
        <select
          value=${detail.take}
          onChange=${(e: Event) => (location.hash = hrefEpisode(episode, Number((e.target as HTMLSelectElement).value)))}
        >
          ${detail.takes.map((t) => html`<option value=${t.take}>take ${t.take} · ${t.mode} · ${t.interactions} calls · ${when(t.createdAt)}</option>`)}
        </select></label
      >
      ${previous ? html`<a class="button" href=${hrefDiff(`${episode}:${previous.take}`, `${episode}:${detail.take}`)}>Diff with take ${previous.take}</a>` : ''}
    </div>
    <${StepsTable} episode=${episode} steps=${detail.steps} />
    <h2>Conversation and tool calls</h2>
    <${ToolChain} episode=${episode} steps=${detail.steps} />
    ${
      costs && costs.takes.length > 0
        ? html`<h2>Cost and latency across takes</h2>
            <div class="charts">
              <${Chart}
                title=${`Cost per take (USD) of ${episode}`}
                xLabel="take"
                yLabel="USD"
                data=${[costs.takes, ...costs.series.map((s) => s.costUsd)]}
                series=${costs.series.map((s) => ({ label: s.model, value: (_u: unknown, v: number | null) => (v === null ? '—' : usd(v)) }))}
              />
              <${Chart}
                title=${`Latency per take (ms) of ${episode}`}
                xLabel="take"
                yLabel="ms"
                data=${[costs.takes, ...costs.series.map((s) => s.latencyMs)]}
                series=${costs.series.map((s) => ({ label: s.model }))}
              />
            </div>`
        : ''
    }
  </section>`;
}

function StepsTable({ episode, steps }: { episode: string; steps: StepRow[] }) {
  return html`<div class="scroll">
    <table class="grid steps">
      <caption class="sr-only">
        Steps of ${episode}
      </caption>
      <thead>
        <tr>
          <th scope="col" class="n">Step</th>
          <th scope="col">Provider</th>
          <th scope="col">Endpoint</th>
          <th scope="col">Model</th>
          <th scope="col" class="n">Status</th>
          <th scope="col" class="n">Latency</th>
          <th scope="col" class="n">TTFT</th>
          <th scope="col" class="n">Tokens in/out</th>
          <th scope="col" class="n">Cost</th>
          <th scope="col">Finish</th>
        </tr>
      </thead>
      <tbody>
        ${steps.map(
          (s) =>
            html`<tr class=${s.complete ? '' : 'incomplete'}>
              <th scope="row" class="n">
                <a href=${hrefStep(episode, s.take, s.position)} aria-label=${`step ${s.position}: ${s.method} ${s.path}`}>${s.position}</a>
              </th>
              <td>${s.provider}</td>
              <td>
                <code>${s.method} ${s.path}${s.operation ? ` ${s.operation}` : ''}</code
                >${s.streamed ? html` <span class="badge">stream</span>` : ''}${
                  s.session ? html` <span class="badge">websocket</span> <${SessionStrip} step=${s} />` : ''
                }${s.complete ? '' : html` <span class="badge bad">cut short</span>`}
              </td>
              <td>${s.model ?? '—'}</td>
              <td class="n"><span class=${`status s${String(s.status)[0]}`}>${s.status}</span></td>
              <td class="n">${ms(s.totalMs)}</td>
              <td class="n">${ms(s.ttfbMs)}</td>
              <td class="n">${num(s.inputTokens)} / ${num(s.outputTokens)}</td>
              <td class="n">${usd(s.costUsd)}</td>
              <td>${s.finishReason ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The conversation as it flowed: what the user asked, which tools the model called with which arguments, what came back. */
function ToolChain({ episode, steps }: { episode: string; steps: StepRow[] }) {
  const names = new Map<string, string>();
  for (const s of steps) for (const c of s.toolCalls) if (c.id) names.set(c.id, c.name);
  const byPosition = new Map(steps.map((s) => [s.position, s]));
  return html`<ol class="chain">
    ${steps.map(
      (s) =>
        html`<li>
          <div class="step-h">
            <a href=${hrefStep(episode, s.take, s.position)}>Step ${s.position}</a>
            <span class="muted">${s.provider} · ${s.model ?? s.operation ?? ''}</span>
          </div>
          ${s.toolResults.map(
            (r) =>
              html`<div class="bubble tool">
                <span class="who">tool result${r.id && names.has(r.id) ? ` of ${names.get(r.id)}` : r.name ? ` of ${r.name}` : ''}</span>
                <pre>${r.content}</pre>
              </div>`,
          )}
          ${s.prompt && s.toolResults.length === 0 ? html`<div class="bubble user"><span class="who">user</span>${s.prompt}</div>` : ''}
          ${s.answer ? html`<div class="bubble assistant"><span class="who">assistant</span>${s.answer}</div>` : ''}
          ${s.toolCalls.map((c) => {
            const call = html`<div class="bubble call">
              <span class="who">calls <code>${c.name}</code></span>
              <pre>${JSON.stringify(c.arguments, null, 2)}</pre>
            </div>`;
            const ran = c.runStep === undefined ? undefined : byPosition.get(c.runStep);
            return ran?.toolRun
              ? html`<div class="pair" data-run-step=${ran.position}>${call}<${ToolRunBubble} episode=${episode} step=${ran} /></div>`
              : call;
          })}
          ${s.toolRun ? html`<${ToolRunBubble} episode=${episode} step=${s} own=${true} />` : ''}
        </li>`,
    )}
  </ol>`;
}

/**
 * A tool server's run of a tool (MCP tools/call): beside the model's call it carries out, or in its
 * own step, linked to that call.
 */
function ToolRunBubble({ episode, step, own = false }: { episode: string; step: StepRow; own?: boolean }) {
  const run = step.toolRun;
  if (!run) return '';
  const who = own
    ? html`runs <code>${run.name}</code>${` on ${step.provider}`}${
          run.callStep !== undefined
            ? html`${' for the call in '}<a href=${hrefStep(episode, step.take, run.callStep)}>step ${run.callStep}</a>`
            : ''
        }`
    : html`<a href=${hrefStep(episode, step.take, step.position)}>step ${step.position}</a>${` · ${step.provider} ran `}<code
          >${run.name}</code
        >`;
  return html`<div class=${`bubble run${run.isError ? ' bad' : ''}`}>
    <span class="who">${who}${run.isError ? ' · error' : ''}</span>
    ${own ? html`<pre>${JSON.stringify(run.arguments, null, 2)}</pre>` : ''}
    <pre class="result">${run.result ?? ''}</pre>
  </div>`;
}

/**
 * A WebSocket session's frames on a small time axis inside its step's row: client frames above the
 * line, server frames below; the label says the same in words.
 */
function SessionStrip({ step }: { step: StepRow }) {
  const s = step.session as SessionSummary;
  const width = 160;
  const span = Math.max(1, s.durationMs);
  const x = (t: number) => 2 + (Math.min(t, span) / span) * (width - 4);
  const label = `${s.frames} frames over ${ms(s.durationMs)}: ${s.client} from the client, ${s.server} from the server; ${
    s.close ? `closed by the ${s.close.by} ${s.close.code}` : 'cut (no close frame)'
  }`;
  return html`<span class="session-strip" title=${label}>
    <svg width=${width} height="18" viewBox=${`0 0 ${width} 18`} role="img" aria-label=${label}>
      <line x1="0" y1="9" x2=${width} y2="9" class="axis" />
      ${s.marks.map(
        (m) =>
          html`<line
            x1=${x(m.ms)}
            x2=${x(m.ms)}
            y1=${m.from === 'client' ? 1 : 10}
            y2=${m.from === 'client' ? 8 : 17}
            class=${m.from === 'client' ? 'client' : 'server'}
          />`,
      )}
    </svg>
    <span class="muted">${s.client} → · ${s.server} ←</span>
  </span>`;
}
