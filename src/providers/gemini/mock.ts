import { isRecord } from '../../util/is-record.js';
import type { RecordedResponse } from '../../types.js';
import type { AnswerPlan, MockContext, ToolSpec } from '../mock-kit/mock-context.js';
import { ANY_JSON_OBJECT, lastTurnText, planAnswer, positiveInt, recordOf, stringChars, textOf } from '../mock-kit/mock-context.js';
import { embeddingVector } from '../mock-kit/mock-embeddings.js';
import { BASE62, estimateTokens, splitWords } from '../mock-kit/mock-random.js';
import { jsonResponse, sseEvent, streamResponse } from '../mock-kit/mock-sse.js';

type Obj = Record<string, unknown>;

const JSON_TYPE = 'application/json; charset=UTF-8';
const GENERATE = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];
const EMBED = ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'];
const MODELS: readonly [string, string, number, number, string[]][] = [
  ['gemini-2.5-pro', 'Gemini 2.5 Pro', 1048576, 65536, GENERATE],
  ['gemini-2.5-flash', 'Gemini 2.5 Flash', 1048576, 65536, GENERATE],
  ['gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 1048576, 65536, GENERATE],
  ['gemini-2.0-flash', 'Gemini 2.0 Flash', 1048576, 8192, GENERATE],
  ['gemini-embedding-001', 'Gemini Embedding 001', 2048, 1, EMBED],
  ['text-embedding-004', 'Text Embedding 004', 2048, 1, EMBED],
];

function modelObject(id: string): Obj {
  const known = MODELS.find(([name]) => name === id);
  return {
    name: `models/${id}`,
    version: '001',
    displayName: known?.[1] ?? id,
    description: `Mock of ${known?.[1] ?? id} served by llm-cassette.`,
    inputTokenLimit: known?.[2] ?? 1048576,
    outputTokenLimit: known?.[3] ?? 65536,
    supportedGenerationMethods: known?.[4] ?? GENERATE,
  };
}

/** The REST API takes both camelCase and snake_case field names. */
function field(body: Obj, camel: string): unknown {
  return body[camel] ?? body[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function geminiTools(tools: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(isRecord).flatMap((tool) => {
    const decls = field(tool, 'functionDeclarations');
    return Array.isArray(decls)
      ? decls
          .filter(isRecord)
          .filter((d) => typeof d.name === 'string')
          .map((d) => ({ name: d.name as string, schema: field(d, 'parametersJsonSchema') ?? d.parameters }))
      : [];
  });
}

function forcedTools(body: Obj, tools: ToolSpec[]): ToolSpec[] {
  const config = recordOf(field(recordOf(field(body, 'toolConfig')), 'functionCallingConfig'));
  if (tools.length === 0 || String(config.mode).toUpperCase() !== 'ANY') return [];
  const allowed = field(config, 'allowedFunctionNames');
  const subset = Array.isArray(allowed) ? tools.filter((t) => allowed.includes(t.name)) : [];
  return subset.length > 0 ? subset : tools;
}

function promptChars(body: Obj): number {
  return stringChars(body.contents) + stringChars(field(body, 'systemInstruction')) + stringChars(body.tools);
}

function generate(ctx: MockContext, model: string, stream: boolean): RecordedResponse {
  const { body, rng } = ctx;
  const tools = geminiTools(body.tools);
  const config = recordOf(field(body, 'generationConfig'));
  const json = field(config, 'responseMimeType') === 'application/json';
  const plan = planAnswer(rng, {
    prompt: lastTurnText(body.contents),
    inputChars: promptChars(body),
    forcedTools: forcedTools(body, tools),
    maxTokens: positiveInt(field(config, 'maxOutputTokens')),
    jsonSchema: json ? (field(config, 'responseJsonSchema') ?? field(config, 'responseSchema') ?? ANY_JSON_OBJECT) : undefined,
  });
  const responseId = rng.chars(23, BASE62);
  const chunk = (parts: Obj[], outputTokens: number, last: boolean): Obj => ({
    candidates: [
      { content: { parts, role: 'model' }, ...(last ? { finishReason: plan.truncated ? 'MAX_TOKENS' : 'STOP' } : {}), index: 0 },
    ],
    usageMetadata: usage(plan, outputTokens),
    modelVersion: model,
    responseId,
  });
  const callParts = plan.calls.map((c) => ({ functionCall: { name: c.name, args: c.args } }));
  if (!stream) {
    return jsonResponse(chunk(callParts.length > 0 ? callParts : [{ text: plan.text }], plan.outputTokens, true), {
      indent: 2,
      contentType: JSON_TYPE,
    });
  }
  const chunks: Obj[] = [];
  if (callParts.length > 0) chunks.push(chunk(callParts, plan.outputTokens, true));
  else {
    const pieces = splitWords(rng, plan.text);
    if (pieces.length === 0) pieces.push('');
    let sent = 0;
    pieces.forEach((text, i) => {
      sent += text.length;
      const last = i === pieces.length - 1;
      chunks.push(chunk([{ text }], last ? plan.outputTokens : estimateTokens(sent), last));
    });
  }
  if (ctx.query.get('alt') === 'sse') {
    const raws = chunks.map((c) => sseEvent(c, { separator: '\r\n\r\n' }));
    return streamResponse(raws, ctx.timing, { contentType: 'text/event-stream' });
  }
  // Without alt=sse Google streams one pretty-printed JSON array, element by element.
  const raws = chunks.map((c, i) => `${i === 0 ? '[' : '\n,\r\n'}${JSON.stringify(c, null, 2)}${i === chunks.length - 1 ? '\n]' : ''}`);
  return streamResponse(raws, ctx.timing, { contentType: JSON_TYPE, format: 'json-array' });
}

function usage(plan: AnswerPlan, outputTokens: number): Obj {
  return {
    promptTokenCount: plan.inputTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: plan.inputTokens + outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.inputTokens }],
  };
}

function embedding(ctx: MockContext, model: string, request: Obj): Obj {
  const modelName = typeof request.model === 'string' ? request.model.replace(/^models\//, '') : model;
  const dims = positiveInt(field(request, 'outputDimensionality')) ?? (modelName.includes('gemini-embedding') ? 3072 : 768);
  return { values: embeddingVector(ctx.request.seed, textOf(request.content), dims) };
}

function countTokens(body: Obj): RecordedResponse {
  const inner = recordOf(field(body, 'generateContentRequest'));
  const tokens = estimateTokens(promptChars(body) + promptChars(inner));
  return jsonResponse(
    { totalTokens: tokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: tokens }] },
    { indent: 2, contentType: JSON_TYPE },
  );
}

/** Gemini-family endpoints; undefined when the endpoint has no mock. */
export function geminiMock(ctx: MockContext): RecordedResponse | undefined {
  const { method, path, body } = ctx;
  const action = /\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
  if (method === 'POST' && action?.[1] !== undefined) {
    const model = decodeURIComponent(action[1]);
    switch (action[2]) {
      case 'generateContent':
        return generate(ctx, model, false);
      case 'streamGenerateContent':
        return generate(ctx, model, true);
      case 'embedContent':
        return jsonResponse({ embedding: embedding(ctx, model, body) }, { indent: 2, contentType: JSON_TYPE });
      case 'batchEmbedContents': {
        const requests = Array.isArray(body.requests) ? body.requests.filter(isRecord) : [];
        return jsonResponse({ embeddings: requests.map((r) => embedding(ctx, model, r)) }, { indent: 2, contentType: JSON_TYPE });
      }
      case 'countTokens':
        return countTokens(body);
    }
    return undefined;
  }
  if (method === 'GET' && /\/models$/.test(path)) {
    return jsonResponse({ models: MODELS.map(([id]) => modelObject(id)) }, { indent: 2, contentType: JSON_TYPE });
  }
  const one = /\/models\/([^/:]+)$/.exec(path);
  if (method === 'GET' && one?.[1] !== undefined)
    return jsonResponse(modelObject(decodeURIComponent(one[1])), { indent: 2, contentType: JSON_TYPE });
  return undefined;
}
