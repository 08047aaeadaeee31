import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { ActivityEvent } from '../../src/ui/shared/ui-types.js';
import type { DataSource } from '../data-source.js';
import { hrefEpisode, ms } from '../format.js';
import { MissPanel } from './miss-panel.js';

const KEEP = 500;

/** Calls as they happen (server-sent events), each with its outcome; a miss opens its explanation. */
export function LiveView({ source }: { source: DataSource }) {
  const [events, setEvents] = useState<ActivityEvent[]>([]);
  const [connected, setConnected] = useState<boolean | undefined>();
  useEffect(() => {
    if (!source.subscribe) {
      source.activity().then(setEvents, () => undefined);
      return;
    }
    const seen = new Set<number>();
    return source.subscribe((e) => {
      if (seen.has(e.seq)) return;
      seen.add(e.seq);
      setEvents((list) => [...list, e].slice(-KEEP));
    }, setConnected);
  }, []);
  const misses = events.filter((e) => e.miss).length;
  return html`<section aria-labelledby="live-h">
    <h1 id="live-h">${source.subscribe ? 'Live activity' : 'Calls of this run'}</h1>
    <p class="muted">
      ${source.subscribe ? (connected === false ? 'Disconnected: retrying…' : 'Connected: new calls appear as they happen. ') : ''}${events.length}
      calls, ${misses} missed.
    </p>
    <ol class="activity" aria-live="polite" aria-relevant="additions">
      ${[...events].reverse().map(
        (e) =>
          html`<li class=${`call ${e.outcome}`}>
            <span class=${`badge o-${e.outcome}`}>${e.outcome}</span>
            <span class="muted">${e.at.slice(11, 23)}</span>
            <a href=${hrefEpisode(e.episode)}>${e.episode}</a>
            <code>${e.provider} ${e.method} ${e.path}</code>
            <span class="n">${e.status}</span> <span class="n muted">${ms(e.ms)}</span>
            ${
              e.miss
                ? html`<details class="miss-details" open=${misses <= 3}>
                    <summary>Why it missed</summary>
                    <${MissPanel} miss=${e.miss} />
                  </details>`
                : ''
            }
          </li>`,
      )}
    </ol>
  </section>`;
}
