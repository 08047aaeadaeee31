import { beforeAll, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/contract/render-json.js';
import { renderJunit, xmlEscape } from '../../src/contract/render-junit.js';
import { renderMarkdown } from '../../src/contract/render-markdown.js';
import { renderText } from '../../src/contract/render-text.js';
import { runContractCheck, type ContractCheckResult } from '../../src/contract/run-contract-check.js';
import { runContractUpdate } from '../../src/contract/run-contract-update.js';
import { allCorpus, corpus } from './corpus-interactions.js';
import { memoryStore } from './memory-store.js';
import { editBody, mapRawEvents, retake } from './mutate.js';
import { xmlProblems } from './xml-well-formed.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';

// Each contracts- directory is removed after its test: npm test leaves nothing in /tmp.
useCleanup();

async function checkWithDrift(): Promise<ContractCheckResult> {
  const dir = tempDir('contracts-');
  const recordings = allCorpus();
  await runContractUpdate(memoryStore(recordings), { contractsDir: dir });
  const drifted = [
    editBody(retake(corpus('openai/chat-completions-basic.json')), (j) => {
      j.choices[0].finish_reason = 'weird <&> "value" | pipe';
      j['new|field'] = 'x';
    }),
    mapRawEvents(retake(corpus('anthropic/messages-stream-basic.json')), (raw) => raw.replace(/message_delta/g, 'message_update')),
    { ...corpus('openai/chat-completions-basic.json'), provider: 'mistral', episode: 'mistral-run' },
  ];
  return await runContractCheck(memoryStore([...recordings, ...drifted]), { contractsDir: dir });
}

describe('reports', () => {
  let result: ContractCheckResult;
  beforeAll(async () => {
    result = await checkWithDrift();
  });

  it('JSON: {ok, findings: [{severity, check, path, baseline, observed}]}', () => {
    const json = JSON.parse(renderJson(result));
    expect(json.ok).toBe(false);
    expect(json.findings.length).toBe(result.findings.length);
    for (const f of json.findings) {
      expect(['breaking', 'warning', 'info']).toContain(f.severity);
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['severity', 'check', 'path', 'baseline', 'observed', 'interactions']));
    }
    expect(json.unchecked[0].provider).toBe('mistral');
  });

  it('JUnit: well-formed XML with failures for breaking findings', () => {
    const xml = renderJunit(result);
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('<failure');
    expect(xml).toContain('weird &lt;&amp;&gt; \\&quot;value\\&quot; | pipe');
    expect(xml).toContain('<error');
    const failures = (xml.match(/<failure /g) ?? []).length;
    expect(failures).toBe(result.counts.breaking);
  });

  it('JUnit: escaping drops characters XML cannot carry', () => {
    expect(xmlEscape('a\u0000b\u001Fc<')).toBe('abc&lt;');
    expect(xmlProblems(`<a x="${xmlEscape('"\'<>&\u0007')}">${xmlEscape(']]> & <b>')}</a>`)).toEqual([]);
    expect(xmlProblems('<a><b></a></b>')).not.toEqual([]);
    expect(xmlProblems('<a x=1/>')).not.toEqual([]);
    expect(xmlProblems('<a>&nbsp;</a>')).not.toEqual([]);
  });

  it('markdown: a findings table with one row per finding and 7 cells per row', () => {
    const md = renderMarkdown(result);
    const lines = md.split('\n');
    const header = lines.findIndex((l) => l.startsWith('| Severity |'));
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toBe('|---|---|---|---|---|---|---|');
    const rows = lines.slice(header + 2).filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(result.findings.length);
    for (const row of [lines[header]!, ...rows]) {
      const cells = row.replace(/\\\|/g, '').split('|').slice(1, -1);
      expect(cells, row).toHaveLength(7);
    }
    expect(md).toContain('not checked');
  });

  it('render a clean check too', async () => {
    const dir = tempDir('contracts-');
    const recordings = allCorpus();
    await runContractUpdate(memoryStore(recordings), { contractsDir: dir });
    const clean = await runContractCheck(memoryStore(recordings), { contractsDir: dir });
    expect(xmlProblems(renderJunit(clean))).toEqual([]);
    expect(renderJunit(clean)).not.toContain('<failure');
    expect(renderMarkdown(clean)).toContain('| Provider | Interactions | Endpoints | Status |');
    expect(JSON.parse(renderJson(clean))).toMatchObject({ ok: true, findings: [] });
    expect(renderText(clean)).toMatch(/0 breaking, 0 warning, 0 info\. OK\n$/);
  });

  it('text: one block per finding and a verdict', () => {
    const text = renderText(result);
    expect(text).toContain('BREAKING discriminator-value-new  choices[].finish_reason');
    expect(text).toContain('NOT CHECKED mistral');
    expect(text.trimEnd().split('\n').pop()).toMatch(/breaking.*FAILED \(fail-on breaking\)/);
  });
});
