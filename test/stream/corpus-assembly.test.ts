import { describe, expect, it } from 'vitest';
import { assembleEvents } from '../../src/providers/assemblers.js';
import { corpus, corpusRaws, formatOf, hasCorpus } from '../helpers/corpus.js';
import { assembleCorpusStream as assembleFile, kindOf, streamingFiles } from './corpus.js';

describe.skipIf(!hasCorpus)('assembling the recorded streams of the corpus', () => {
  it.each(streamingFiles())('%s: reports a finish reason and a model', (file) => {
    const assembled = assembleFile(file);
    expect(assembled.finishReason).toBeTypeOf('string');
    expect(assembled.model).toBeTypeOf('string');
  });

  it('anthropic: text then two parallel tool_use blocks from input_json_delta pieces', () => {
    expect(assembleFile('anthropic/messages-stream-parallel-tool-use.json')).toEqual({
      text: "I'll retrieve the secrets for both passwords you provided.",
      toolCalls: [
        { id: 'toolu_015cUijgET79LXjgeYQerN2h', name: 'secret_retrieval_tool', arguments: { password: 'mellon' } },
        { id: 'toolu_01XZTimPexA7h3EVKesnKt5T', name: 'secret_retrieval_tool', arguments: { password: 'radiance' } },
      ],
      finishReason: 'tool_use',
      usage: { inputTokens: 416, outputTokens: 109, cacheReadTokens: 0, cacheWriteTokens: 0 },
      model: 'claude-sonnet-4-20250514',
    });
  });

  it('anthropic: a tool without parameters (empty partial_json) gets {} arguments', () => {
    const assembled = assembleFile('anthropic/messages-stream-tool-use-gzip.json');
    expect(assembled.toolCalls).toEqual([{ id: 'toolu_01CzN6riCPqw4pVSuTd9Dwn7', name: 'pelican_name_generator', arguments: {} }]);
    expect(assembled.usage).toEqual({ inputTokens: 543, outputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('anthropic: thinking and its signature go to extra, the answer to text', () => {
    const assembled = assembleFile('anthropic/messages-stream-thinking-gzip.json');
    expect(assembled.text).toBe('1. **Pouch** - references their iconic bill pouch\n2. **Pelé** - playful take on "pelican"');
    expect(assembled.extra?.thinking).toMatch(/^The user wants two names for a pet pelican/);
    expect(assembled.extra?.thinking).toMatch(/Let me give two brief, catchy names:$/);
    expect(assembled.extra?.thinkingSignatures).toEqual([expect.stringMatching(/^EuYDCmMIDBgCKkC05Zda4P\+/)]);
    expect(assembled.usage).toEqual({ inputTokens: 46, outputTokens: 133, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('anthropic: output_tokens is the final cumulative count, not the message_start placeholder', () => {
    expect(assembleFile('anthropic/messages-stream-basic.json').usage?.outputTokens).toBe(15);
  });

  it('anthropic web search: input tokens as message_delta restates them, server blocks in extra', () => {
    const assembled = assembleFile('anthropic/messages-stream-web-search.json');
    expect(assembled.text).toMatch(/^Based on the search results, here's the current weather in San Francisco:/);
    expect(assembled.toolCalls).toEqual([]);
    expect(assembled.finishReason).toBe('end_turn');
    // message_start said 2039; the search results added to the input, and message_delta says so.
    expect(assembled.usage).toEqual({ inputTokens: 10423, outputTokens: 341, cacheReadTokens: 0, cacheWriteTokens: 0 });
    const blocks = assembled.extra?.otherBlocks as { type: string; input?: unknown }[];
    expect(blocks.map((b) => b.type)).toEqual(['server_tool_use', 'web_search_tool_result']);
    expect(blocks[0]?.input).toEqual({ query: expect.stringMatching(/^San Francisco weather/) });
    expect(assembled.extra?.citations).toHaveLength(5);
  });

  it('gemini: thought parts to extra.thinking, output = candidates + thoughts', () => {
    const assembled = assembleFile('gemini/stream-generate-content-sse-thinking.json');
    expect(assembled.text).toBe('3');
    expect(assembled.extra?.thinking).toMatch(/^\*\*Analyzing Prime Substrings\*\*/);
    expect(assembled.extra?.thinking).not.toContain('\n3');
    // The last chunk reports no candidatesTokenCount at all: output is the thoughts alone.
    expect(assembled.usage).toEqual({ inputTokens: 30, outputTokens: 1947, reasoningTokens: 1947 });
  });

  it('gemini: text split across chunks, the last usageMetadata wins', () => {
    const assembled = assembleFile('gemini/stream-generate-content-sse-basic.json');
    expect(assembled.text).toMatch(/^To find the sum of 4200 \+ 42[\s\S]*So, 4200 \+ 42 = \*\*4242\*\*\.$/);
    expect(assembled.usage).toEqual({ inputTokens: 13, outputTokens: 138, reasoningTokens: 75 });
  });

  it('gemini: two whole function calls in one chunk, thought signature kept', () => {
    const assembled = assembleFile('gemini/stream-generate-content-sse-function-call.json');
    expect(assembled.toolCalls).toEqual([
      { name: 'secret_retrieval_tool', arguments: { password: 'mellon' } },
      { name: 'secret_retrieval_tool', arguments: { password: 'radiance' } },
    ]);
    expect(assembled.extra?.thoughtSignatures).toEqual([expect.stringMatching(/^CikB0e2Kbw5t/)]);
    expect(assembled.extra?.finishMessage).toBe('Model generated function call(s).');
    expect(assembled.usage).toEqual({ inputTokens: 70, outputTokens: 101, reasoningTokens: 61 });
  });

  it('gemini 3: a function call without args gets {}', () => {
    const assembled = assembleFile('gemini/stream-generate-content-sse-thought-signature-tool.json');
    expect(assembled.toolCalls).toEqual([{ name: 'get_country', arguments: {} }]);
    expect(assembled.model).toBe('gemini-3-pro-preview');
  });

  it('gemini JSON array: the same assembly as SSE would give', () => {
    const assembled = assembleFile('gemini/stream-generate-content-json-array.json');
    expect(assembled.text).toBe('Scoop');
    expect(assembled.finishReason).toBe('STOP');
    expect(assembled.extra?.thinking).toMatch(/^\*\*Considering the Constraint\*\*/);
    expect(assembled.extra?.thoughtSignatures).toHaveLength(1);
    expect(assembled.usage).toEqual({ inputTokens: 11, outputTokens: 293, reasoningTokens: 291 });
  });

  it.each(streamingFiles())('%s: a stream cut short anywhere assembles to a prefix of the answer', (file) => {
    const recorded = corpus(file);
    const format = formatOf(recorded)!;
    const kind = kindOf(recorded);
    const raws = corpusRaws(file);
    const whole = assembleEvents(kind, format, raws);
    for (let k = 0; k < raws.length; k++) {
      const raw = raws[k]!;
      const cut = [...raws.slice(0, k), raw.slice(0, Math.floor(raw.length / 2))];
      const partial = assembleEvents(kind, format, cut);
      expect(whole.text.startsWith(partial.text)).toBe(true);
      expect(partial.toolCalls.length).toBeLessThanOrEqual(whole.toolCalls.length);
    }
  });
});
