// Real provider SDK clients pointed at a proxy, the way a SUT points them (base URL only).
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { TestProxy } from './proxy.js';

export interface ClientOptions {
  maxRetries?: number;
  apiKey?: string;
  /** Sent as `x-cassette-episode` on every request. */
  episode?: string;
  /** Replaces the proxy base URL (e.g. an `/episodes/<id>/…` prefix). */
  baseURL?: string;
}

const headersFor = (o: ClientOptions): Record<string, string> => (o.episode ? { 'x-cassette-episode': o.episode } : {});

export function openaiClient(proxy: TestProxy, o: ClientOptions = {}): OpenAI {
  return new OpenAI({
    apiKey: o.apiKey ?? 'sk-test-openai',
    baseURL: o.baseURL ?? proxy.baseUrl('openai'),
    maxRetries: o.maxRetries ?? 0,
    defaultHeaders: headersFor(o),
  });
}

export function openrouterClient(proxy: TestProxy, o: ClientOptions = {}): OpenAI {
  return new OpenAI({
    apiKey: o.apiKey ?? 'sk-or-v1-test',
    baseURL: o.baseURL ?? proxy.baseUrl('openrouter'),
    maxRetries: o.maxRetries ?? 0,
    defaultHeaders: headersFor(o),
  });
}

export function anthropicClient(proxy: TestProxy, o: ClientOptions = {}): Anthropic {
  return new Anthropic({
    apiKey: o.apiKey ?? 'sk-ant-test',
    baseURL: o.baseURL ?? proxy.baseUrl('anthropic'),
    maxRetries: o.maxRetries ?? 0,
    defaultHeaders: headersFor(o),
  });
}

/** @google/genai with `httpOptions.baseUrl`; `maxRetries` maps to retryOptions.attempts (initial call + retries). */
export function geminiClient(proxy: TestProxy, o: ClientOptions = {}): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: o.apiKey ?? 'gemini-test-key',
    httpOptions: {
      baseUrl: o.baseURL ?? proxy.baseUrl('gemini'),
      headers: headersFor(o),
      ...(o.maxRetries ? { retryOptions: { attempts: o.maxRetries + 1, initialDelay: 0.01, maxDelay: 0.05 } } : {}),
    },
  });
}
