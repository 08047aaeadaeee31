import type { SessionRules } from '../session-rules.js';
import { isRecord } from '../../util/is-record.js';

/**
 * Gemini Live (`/ws/google.ai.generativelanguage.<v>.GenerativeService.BidiGenerateContent`): one
 * JSON object per message whose single top-level key names it (`setup`, `clientContent`,
 * `realtimeInput`, `toolResponse`; the server answers `setupComplete`, `serverContent`, `toolCall`,
 * ... with `usageMetadata` beside). The server sends its JSON in binary frames. There is no error
 * event: the server closes the socket with a code and a reason.
 */
export const geminiSessionRules: SessionRules = {
  ignoredFields: [],
  clientIdFields: [],
  credentialProtocols: [],
  streamOf: () => '',
  endsTurn(frame) {
    if (!isRecord(frame)) return false;
    if (frame.toolResponse !== undefined) return true;
    return isRecord(frame.clientContent) && frame.clientContent.turnComplete === true;
  },
  errorEvent: () => undefined,
  usageOf(frame) {
    if (!isRecord(frame) || !isRecord(frame.usageMetadata)) return undefined;
    const u = frame.usageMetadata;
    const output = num(u.responseTokenCount ?? u.candidatesTokenCount) + num(u.thoughtsTokenCount);
    return { inputTokens: num(u.promptTokenCount), outputTokens: output };
  },
  modelOf(frame) {
    if (!isRecord(frame) || !isRecord(frame.setup) || typeof frame.setup.model !== 'string') return undefined;
    return frame.setup.model.replace(/^models\//, '');
  },
  textOf(frame) {
    // `serverContent.modelTurn.parts[].text` (thoughts left out), else the spoken answer's transcript.
    if (!isRecord(frame) || !isRecord(frame.serverContent)) return undefined;
    const content = frame.serverContent;
    const parts = isRecord(content.modelTurn) && Array.isArray(content.modelTurn.parts) ? content.modelTurn.parts : [];
    const text = parts
      .filter((p): p is Record<string, unknown> => isRecord(p) && typeof p.text === 'string' && p.thought !== true)
      .map((p) => p.text as string)
      .join('');
    if (text !== '') return text;
    const spoken = isRecord(content.outputTranscription) ? content.outputTranscription.text : undefined;
    return typeof spoken === 'string' && spoken !== '' ? spoken : undefined;
  },
  eventType(frame) {
    if (!isRecord(frame)) return undefined;
    return Object.keys(frame).find((k) => k !== 'usageMetadata') ?? (frame.usageMetadata ? 'usageMetadata' : undefined);
  },
};

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
