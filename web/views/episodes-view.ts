import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EpisodePage, EpisodeQuery, EpisodeSort } from '../../src/ui/shared/ui-types.js';
import type { DataSource } from '../data-source.js';
import { hrefEpisode, num, usd, when } from '../format.js';

const PAGE = 50;

/** Every episode of the store, a page at a time, filtered by words, model and provider. */
export function EpisodesView({ source }: { source: DataSource }) {
  const [q, setQ] = useState('');
  const [model, setModel] = useState('');
  const [provider, setProvider] = useState('');
  const [sort, setSort] = useState<EpisodeSort>('lastUsed');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<EpisodePage | undefined>();
  const [error, setError] = useState('');
  const seq = useRef(0);

  useEffect(() => {
    const mine = ++seq.current;
    const query: EpisodeQuery = { q, model, provider, sort, offset, limit: PAGE };
    const load = (): void => {
      source.episodes(query).then(
        (p) => {
          if (mine !== seq.current) return;
          setPage(p);
          setError('');
        },
        (e: Error) => mine === seq.current && setError(e.message),
      );
    };
    const debounce = setTimeout(load, q ? 150 : 0);
    return () => clearTimeout(debounce);
  }, [q, model, provider, sort, offset]);

  const reset =
    <T>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };
  const total = page?.total ?? 0;
  return html`<section aria-labelledby="episodes-h">
    <h1 id="episodes-h">Episodes</h1>
    <form class="filters" role="search" onSubmit=${(e: Event) => e.preventDefault()}>
      <label
        >Search
        <input
          type="search"
          name="q"
          placeholder="episode, model, prompt or answer text"
          value=${q}
          onInput=${(e: Event) => reset(setQ)((e.target as HTMLInputElement).value)}
      /></label>
      <label
        >Model
        <select name="model" value=${model} onChange=${(e: Event) => reset(setModel)((e.target as HTMLSelectElement).value)}>
          <option value="">any</option>
          ${(page?.models ?? []).map((m) => html`<option value=${m}>${m}</option>`)}
        </select></label
      >
      <label
        >Provider
        <select name="provider" value=${provider} onChange=${(e: Event) => reset(setProvider)((e.target as HTMLSelectElement).value)}>
          <option value="">any</option>
          ${(page?.providers ?? []).map((m) => html`<option value=${m}>${m}</option>`)}
        </select></label
      >
      <label
        >Sort
        <select name="sort" value=${sort} onChange=${(e: Event) => reset(setSort)((e.target as HTMLSelectElement).value as EpisodeSort)}>
          <option value="lastUsed">last used</option>
          <option value="episode">name</option>
          <option value="cost">cost</option>
          <option value="calls">calls</option>
          <option value="tokens">tokens</option>
        </select></label
      >
    </form>
    ${error ? html`<p role="alert" class="error">${error}</p>` : ''}
    <p class="muted" aria-live="polite">
      ${page ? `${total === 0 ? 'No episodes' : `${num(offset + 1)}–${num(Math.min(offset + PAGE, total))} of ${num(total)} episodes`}` : 'Loading…'}
    </p>
    <div class="scroll">
      <table class="grid episodes">
        <caption class="sr-only">
          Episodes
        </caption>
        <thead>
          <tr>
            <th scope="col">Episode</th>
            <th scope="col" class="n">Takes</th>
            <th scope="col" class="n">Calls</th>
            <th scope="col" class="n">Hits</th>
            <th scope="col" class="n">Misses</th>
            <th scope="col" class="n">Recorded</th>
            <th scope="col" class="n">Cost</th>
            <th scope="col" class="n">Tokens</th>
            <th scope="col">Models</th>
            <th scope="col">Last used</th>
          </tr>
        </thead>
        <tbody>
          ${(page?.items ?? []).map(
            (r) =>
              html`<tr>
                <th scope="row"><a href=${hrefEpisode(r.episode)}>${r.episode}</a></th>
                <td class="n">${r.takes}</td>
                <td class="n">
                  ${r.calls}${r.errors ? html` <span class="badge warn" title="answers with status ≥ 400">${r.errors} err</span>` : ''}
                </td>
                <td class="n">${r.hits}</td>
                <td class="n">${r.misses ? html`<span class="badge bad">${r.misses}</span>` : 0}</td>
                <td class="n">${r.recorded}</td>
                <td class="n">${usd(r.costUsd)}</td>
                <td class="n">${num(r.inputTokens + r.outputTokens)}</td>
                <td>${r.models.join(', ')}</td>
                <td>${when(r.lastUsed)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>Previous page</button>
      <button type="button" disabled=${offset + PAGE >= total} onClick=${() => setOffset(offset + PAGE)}>Next page</button>
    </nav>
  </section>`;
}
