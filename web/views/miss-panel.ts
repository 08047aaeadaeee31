import { html } from 'htm/preact';
import type { MissView } from '../../src/ui/shared/ui-types.js';
import { hrefStep } from '../format.js';
import { JsonView } from './json-view.js';

/** A miss explained: the message, what differs in words, and both requests with the differing fields marked. */
export function MissPanel({ miss }: { miss: MissView }) {
  const n = miss.nearest;
  return html`<div class="miss" role="group" aria-label=${`Miss in ${miss.episode}: ${miss.method} ${miss.path}`}>
    <p class="miss-message">${miss.message}</p>
    ${
      miss.differences.length
        ? html`<h4>What differs</h4>
            <ul class="differences">
              ${miss.differences.map((d) => html`<li>${d}</li>`)}
            </ul>`
        : ''
    }
    <div class="side-by-side">
      <section class="pane">
        <h4>Missed request</h4>
        <${JsonView} label="Missed request body" value=${miss.request} highlight=${miss.paths} />
      </section>
      <section class="pane">
        <h4>
          Nearest
          recording${n ? html` — <a href=${hrefStep(miss.episode, n.take ?? 1, n.position)}>step ${n.position}${n.take ? ` of take ${n.take}` : ''}</a>` : ''}
        </h4>
        ${n?.request !== undefined ? html`<${JsonView} label="Nearest recorded request body" value=${n.request} highlight=${miss.paths} />` : html`<p class="muted">No recording of this episode to compare with.</p>`}
      </section>
    </div>
  </div>`;
}
