import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CassetteError } from '../../src/errors.js';
import { createMockResponse } from '../../src/providers/mock-kit/mock-response.js';
import { anthropic as anthropicFamily } from '../../src/providers/anthropic/provider.js';
import type { Provider as Family } from '../../src/providers/provider.js';
import { gemini as geminiFamily } from '../../src/providers/gemini/provider.js';
import { openai as openaiFamily } from '../../src/providers/openai/provider.js';
import type { ChaosAction, ChaosFault } from '../../src/safety/chaos.js';
import { CHAOS_FAULTS, createChaos, parseChaosFaults } from '../../src/safety/chaos.js';
import { listen, readBody, responseText, writeRecorded } from '../modes/mock-helpers.js';

const run = (seed: number, count: number, rate = 0.5, faults: ChaosFault[] = [...CHAOS_FAULTS]): ChaosAction[] => {
  const chaos = createChaos({ rate, seed, faults });
  return Array.from({ length: count }, () => chaos.next(openaiFamily));
};

describe('parseChaosFaults', () => {
  it('accepts every fault, trims, lower-cases and de-duplicates', () => {
    expect(parseChaosFaults('429, 500,529,TIMEOUT,reset,truncate,slow,503,429')).toEqual([
      '429',
      '500',
      '529',
      'timeout',
      'reset',
      'truncate',
      'slow',
      '503',
    ]);
  });

  it('names the bad entry and lists the valid ones', () => {
    let error: unknown;
    try {
      parseChaosFaults('429,boom');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CassetteError);
    expect((error as CassetteError).code).toBe('bad_usage');
    expect((error as CassetteError).message).toContain('"boom"');
    expect((error as CassetteError).message).toContain(CHAOS_FAULTS.join(', '));
    expect(() => parseChaosFaults(' , ')).toThrow(/valid faults/);
  });
});

describe('createChaos', () => {
  it('gives the same 200 actions for the same seed, other actions for another seed', () => {
    expect(JSON.stringify(run(42, 200))).toBe(JSON.stringify(run(42, 200)));
    expect(JSON.stringify(run(43, 200))).not.toBe(JSON.stringify(run(42, 200)));
  });

  it('never faults at rate 0, always at rate 1, about rate of the time in between', () => {
    expect(run(1, 200, 0).every((a) => a.kind === 'none')).toBe(true);
    expect(run(1, 200, 1).every((a) => a.kind !== 'none')).toBe(true);
    const share = run(2, 1000, 0.3).filter((a) => a.kind !== 'none').length / 1000;
    expect(share).toBeGreaterThan(0.24);
    expect(share).toBeLessThan(0.36);
  });

  it('draws only the configured faults, and all of them eventually', () => {
    const kinds = new Set(run(3, 300, 1, ['429', 'slow']).map((a) => (a.kind === 'respond' ? a.fault : a.kind)));
    expect([...kinds].sort()).toEqual(['429', 'slow']);
    const all = new Set(run(4, 500, 1).map((a) => (a.kind === 'respond' ? a.fault : a.kind)));
    expect([...all].sort()).toEqual([...CHAOS_FAULTS].sort());
  });

  it('reset restarts the sequence; an empty fault list means every fault', () => {
    const chaos = createChaos({ rate: 0.5, seed: 9, faults: [] });
    const first = Array.from({ length: 20 }, () => chaos.next(openaiFamily));
    expect(chaos.sequence).toBe(20);
    chaos.reset();
    expect(chaos.sequence).toBe(0);
    expect(Array.from({ length: 20 }, () => chaos.next(openaiFamily))).toEqual(first);
    expect(chaos.options.faults).toEqual(CHAOS_FAULTS);
  });

  it('keeps truncate and slow parameters in range', () => {
    for (const action of run(5, 400, 1, ['truncate', 'slow'])) {
      if (action.kind === 'truncate') {
        expect(action.afterEvents).toBeGreaterThanOrEqual(1);
        expect(action.afterBytes).toBeGreaterThanOrEqual(16);
      } else if (action.kind === 'slow') {
        expect(action.delayMs >= 200 && action.delayMs <= 2000).toBe(true);
      } else throw new Error(`unexpected ${action.kind}`);
    }
  });

  it('rejects a rate outside [0, 1]', () => {
    expect(() => createChaos({ rate: 1.5, seed: 0, faults: ['429'] })).toThrow(CassetteError);
    expect(() => createChaos({ rate: Number.NaN, seed: 0, faults: ['429'] })).toThrow(/from 0 to 1/);
  });
});

describe('injected error responses', () => {
  const respond = (family: Family, fault: ChaosFault) => {
    const action = createChaos({ rate: 1, seed: 0, faults: [fault] }).next(family);
    if (action.kind !== 'respond') throw new Error('expected a response');
    return { response: action.response, body: JSON.parse(responseText(action.response)) };
  };

  it('are provider-shaped, retryable and labelled', () => {
    const openai = respond(openaiFamily, '429');
    expect(openai.response.status).toBe(429);
    expect(openai.body.error).toMatchObject({
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
      message: expect.stringContaining('chaos'),
    });
    expect(openai.response.headers).toMatchObject({
      'retry-after': '1',
      'retry-after-ms': expect.any(String),
      'x-should-retry': 'true',
      'x-cassette-fault': '429',
    });
    expect(respond(anthropicFamily, '429').body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(respond(anthropicFamily, '529').body.error.type).toBe('overloaded_error');
    expect(respond(anthropicFamily, '500').body.error.type).toBe('api_error');
    expect(respond(geminiFamily, '429').body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(respond(geminiFamily, '500').body.error).toMatchObject({ code: 500, status: 'INTERNAL' });
    expect(respond(geminiFamily, '503').body.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    for (const fault of ['500', '503', '529'] as const) {
      expect(respond(openaiFamily, fault).response.headers['x-cassette-fault']).toBe(fault);
    }
  });
});

/** A seed whose chaos sequence (rate 0.5) starts with exactly one fault, then a clean request. */
function seedWithOneLeadingFault(faults: ChaosFault[]): number {
  for (let seed = 0; seed < 1000; seed++) {
    const [first, second] = run(seed, 2, 0.5, faults);
    if (first?.kind === 'respond' && second?.kind === 'none') return seed;
  }
  throw new Error('no seed found');
}

describe('official SDKs retry injected faults', () => {
  async function serveWithChaos(family: Family, fault: ChaosFault, prefix: string) {
    const chaos = createChaos({ rate: 0.5, seed: seedWithOneLeadingFault([fault]), faults: [fault] });
    const statuses: number[] = [];
    const server = await listen(async (req, res) => {
      const body = await readBody(req);
      const action = chaos.next(family);
      const url = new URL(req.url ?? '/', 'http://x');
      const response =
        action.kind === 'respond'
          ? action.response
          : createMockResponse(family, {
              provider: family.name,
              method: req.method ?? 'GET',
              path: url.pathname.slice(prefix.length),
              query: url.search,
              body,
              seed: 0,
            });
      statuses.push(response.status);
      writeRecorded(res, response);
    });
    return { server, statuses };
  }

  it('openai (maxRetries 2) succeeds after one injected 429', async () => {
    const { server, statuses } = await serveWithChaos(openaiFamily, '429', '');
    try {
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 2 });
      const result = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(result.choices[0]!.message.content).toContain('hi');
      expect(statuses).toEqual([429, 200]);
    } finally {
      await server.close();
    }
  });

  it('anthropic (maxRetries 2) succeeds after one injected 529', async () => {
    const { server, statuses } = await serveWithChaos(anthropicFamily, '529', '');
    try {
      const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 2 });
      const result = await client.messages.create({
        model: 'claude-sonnet-4-0',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(result.stop_reason).toBe('end_turn');
      expect(statuses).toEqual([529, 200]);
    } finally {
      await server.close();
    }
  });
});
