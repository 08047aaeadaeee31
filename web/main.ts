import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type { ReportData } from '../src/ui/shared/report-types.js';
import { reportSource, serverSource } from './data-source.js';
import type { DataSource } from './data-source.js';
import { ms, usd } from './format.js';
import { DiffView } from './views/diff-view.js';
import { DriftView } from './views/drift-view.js';
import { EpisodeView } from './views/episode-view.js';
import { EpisodesView } from './views/episodes-view.js';
import { InteractionView } from './views/interaction-view.js';
import { LiveView } from './views/live-view.js';
import { MissPanel } from './views/miss-panel.js';

type Route =
  | { view: 'home' }
  | { view: 'episodes' }
  | { view: 'episode'; episode: string; take?: number }
  | { view: 'step'; episode: string; take: number; position: number }
  | { view: 'live' }
  | { view: 'diff'; a: string; b: string }
  | { view: 'drift' };

function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const q = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'episodes' && parts[1] !== undefined) {
    if (parts[2] === 'takes' && parts[4] === 'steps')
      return { view: 'step', episode: parts[1], take: Number(parts[3]), position: Number(parts[5]) };
    const take = q.get('take');
    return { view: 'episode', episode: parts[1], ...(take ? { take: Number(take) } : {}) };
  }
  if (parts[0] === 'episodes') return { view: 'episodes' };
  if (parts[0] === 'live') return { view: 'live' };
  if (parts[0] === 'diff') return { view: 'diff', a: q.get('a') ?? '', b: q.get('b') ?? '' };
  if (parts[0] === 'drift') return { view: 'drift' };
  return { view: 'home' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => {
      setRoute(parseRoute(location.hash));
      // Move focus to the new view's heading so keyboard and screen reader users land on it.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

type Theme = 'auto' | 'light' | 'dark';

function applyTheme(theme: Theme): void {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

function App({ source }: { source: DataSource }) {
  const route = useRoute();
  const [info, setInfo] = useState<{ mode: string; store: string; live: boolean; version: string } | undefined>();
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('cassette-theme') as Theme | null) ?? 'auto');
  useEffect(() => {
    source.info().then(setInfo, () => undefined);
  }, []);
  useEffect(() => {
    applyTheme(theme);
    try {
      localStorage.setItem('cassette-theme', theme);
    } catch {
      // a file:// page may have no storage
    }
  }, [theme]);
  const report = source.report;
  const home =
    report && (report.kind === 'run' || report.kind === 'replay') ? 'report' : report?.kind === 'contract' ? 'drift' : 'episodes';
  const view = route.view === 'home' ? home : route.view;
  const link = (href: string, label: string, current: boolean) =>
    html`<a href=${href} aria-current=${current ? 'page' : undefined}>${label}</a>`;
  return html`<a
      class="skip"
      href="#main"
      onClick=${(e: Event) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
      >Skip to content</a
    >
    <header class="top">
      <span class="brand">llm-cassette</span>
      <nav aria-label="Views">
        ${report ? link('#/', 'Report', view === 'report') : ''}
        ${link('#/episodes', 'Episodes', view === 'episodes' || view === 'episode' || view === 'step')}
        ${link('#/live', report ? 'Calls' : 'Live', view === 'live')} ${link('#/diff', 'Diff', view === 'diff')}
        ${link('#/drift', 'Drift', view === 'drift')}
      </nav>
      <span class="muted info"
        >${info ? `${report ? `${report.kind} report` : `${info.mode}${info.live ? '' : ' · read-only'}`} · ${info.store}` : ''}</span
      >
      <label class="theme"
        >Theme
        <select value=${theme} onChange=${(e: Event) => setTheme((e.target as HTMLSelectElement).value as Theme)}>
          <option value="auto">system</option>
          <option value="light">light</option>
          <option value="dark">dark</option>
        </select></label
      >
    </header>
    <main id="main" tabindex="-1">
      ${
        view === 'report' && report
          ? html`<${ReportHome} report=${report} />`
          : view === 'episodes'
            ? html`<${EpisodesView} source=${source} />`
            : route.view === 'episode'
              ? html`<${EpisodeView} source=${source} episode=${route.episode} take=${route.take} />`
              : route.view === 'step'
                ? html`<${InteractionView} source=${source} episode=${route.episode} take=${route.take} position=${route.position} />`
                : view === 'live'
                  ? html`<${LiveView} source=${source} />`
                  : route.view === 'diff'
                    ? html`<${DiffView} source=${source} a=${route.a} b=${route.b} />`
                    : html`<${DriftView} source=${source} />`
      }
    </main>`;
}

/** The first page of a run or replay report: the verdict, the summary, every miss explained. */
function ReportHome({ report }: { report: ReportData }) {
  const s = report.summary;
  const misses = report.activity.filter((e) => e.miss);
  return html`<section aria-labelledby="report-h">
    <h1 id="report-h" tabindex="-1">${report.title}</h1>
    ${
      s
        ? html`<p class=${`verdict ${s.ok ? 'ok' : 'bad'}`} role="status">
              ${s.ok ? 'Passed' : 'Failed'}${s.exitCode !== undefined ? ` (exit ${s.exitCode})` : ''}
            </p>
            <dl class="summary">
              <div>
                <dt>Mode</dt>
                <dd>${s.mode}</dd>
              </div>
              <div>
                <dt>Requests</dt>
                <dd>${s.requests}</dd>
              </div>
              <div>
                <dt>Hits</dt>
                <dd>${s.hits}</dd>
              </div>
              <div>
                <dt>Misses</dt>
                <dd>${s.misses}</dd>
              </div>
              <div>
                <dt>Recorded</dt>
                <dd>${s.recorded}</dd>
              </div>
              <div>
                <dt>Unused</dt>
                <dd>${s.unused}</dd>
              </div>
              <div>
                <dt>Cost</dt>
                <dd>${usd(s.costUsd)}</dd>
              </div>
            </dl>
            ${s.command ? html`<p class="muted">Command: <code>${s.command.join(' ')}</code></p>` : ''}`
        : ''
    }
    <p class="muted">
      Generated ${report.generatedAt} by llm-cassette ${report.version} from ${report.store}.${report.omitted ? ` ${report.omitted}` : ''}
    </p>
    ${
      misses.length
        ? html`<h2>Misses</h2>
            ${misses.map(
              (e) =>
                html`<article class="miss-card">
                  <h3>
                    <span class="badge o-miss">miss</span> ${e.episode}: <code>${e.provider} ${e.method} ${e.path}</code>
                    <span class="muted">${ms(e.ms)}</span>
                  </h3>
                  ${e.miss ? html`<${MissPanel} miss=${e.miss} />` : ''}
                </article>`,
            )}`
        : ''
    }
    <p><a href="#/episodes">Episodes of this ${report.kind}</a> · <a href="#/live">every call</a></p>
  </section>`;
}

function start(): void {
  const embedded = document.getElementById('cassette-report');
  const source = embedded ? reportSource(JSON.parse(embedded.textContent ?? '{}') as ReportData) : serverSource();
  const root = document.getElementById('app');
  if (root) render(html`<${App} source=${source} />`, root);
}

start();
