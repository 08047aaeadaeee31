import { describe, expect, it } from 'vitest';
import { endpointOf, routeTemplate } from '../../src/contract/endpoint-of.js';
import { corpus } from './corpus-interactions.js';

describe('routeTemplate', () => {
  it.each([
    ['/v1/chat/completions', '/v1/chat/completions'],
    ['/v1beta/models/gemini-2.5-flash:generateContent', '/v1beta/models/{model}:generateContent'],
    ['/v1beta/models/gemini-3-pro-preview:streamGenerateContent', '/v1beta/models/{model}:streamGenerateContent'],
    ['/v1/responses/resp_0360bd45725b0a010068f966a4c4a881959717ba17b93477ef', '/v1/responses/{id}'],
    ['/v1/responses/resp_abc123def/input_items', '/v1/responses/{id}/input_items'],
    ['/v1/models/ft:gpt-4o-mini:acme::AbC123', '/v1/models/{model}'],
    ['/openai/deployments/my-gpt4o/chat/completions', '/openai/deployments/{deployment}/chat/completions'],
    ['/v1/messages/batches/msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d', '/v1/messages/batches/{id}'],
    ['/v1/files/file-abc123XYZ/content', '/v1/files/{id}/content'],
    ['/v1/threads/thread_abc123/runs/run_abc123', '/v1/threads/{id}/runs/{id}'],
    ['/api/chat', '/api/chat'],
  ])('%s → %s', (path, template) => {
    expect(routeTemplate(path)).toBe(template);
  });
});

describe('endpointOf', () => {
  it('names the family by provider, method, route, transport and status class', () => {
    expect(endpointOf(corpus('gemini/stream-generate-content-sse-basic.json'))).toBe(
      'gemini POST /v1beta/models/{model}:streamGenerateContent stream 2xx',
    );
    expect(endpointOf(corpus('openai/chat-completions-error-401-invalid-api-key.json'))).toBe('openai POST /v1/chat/completions json 4xx');
    expect(endpointOf(corpus('anthropic/messages-beta-stream.json'))).toBe('anthropic POST /v1/messages stream 2xx');
    expect(endpointOf(corpus('openrouter/chat-completions-basic.json'))).toBe('openrouter POST /v1/chat/completions json 2xx');
  });
});
