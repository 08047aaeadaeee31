import type { Interaction } from '../types.js';

/** The parts an endpoint family id is made of. */
export interface EndpointParts {
  provider: string;
  method: string;
  route: string;
  stream: boolean;
  statusClass: string;
}

// Collections whose next segment names a resource; Gemini `models/<name>:verb` keeps the verb.
const NAMED_AFTER: Record<string, string> = {
  models: '{model}',
  tunedModels: '{model}',
  deployments: '{deployment}',
  cachedContents: '{id}',
  files: '{id}',
  operations: '{id}',
  batches: '{id}',
  corpora: '{id}',
  responses: '{id}',
  threads: '{id}',
  runs: '{id}',
  assistants: '{id}',
  vector_stores: '{id}',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIXED_ID = /^[A-Za-z]{1,20}[-_][A-Za-z0-9_-]{6,}$/;

function looksLikeId(segment: string): boolean {
  if (/^\d+$/.test(segment) || UUID.test(segment)) return true;
  const hasDigit = /\d/.test(segment);
  if (hasDigit && PREFIXED_ID.test(segment)) return true;
  return hasDigit && /[A-Za-z]/.test(segment) && segment.length >= 20 && /^[\w-]+$/.test(segment);
}

const templates = new Map<string, string>();

/**
 * The route template of a request path: model names and resource ids become placeholders so
 * every call of one API method lands in one family (`/v1beta/models/{model}:generateContent`).
 */
export function routeTemplate(path: string): string {
  const cached = templates.get(path);
  if (cached !== undefined) return cached;
  const template = computeTemplate(path);
  // Paths repeat across a store; ids in them make the set grow, so the cache is bounded.
  if (templates.size > 10_000) templates.clear();
  templates.set(path, template);
  return template;
}

function computeTemplate(path: string): string {
  const segments = path.split('?')[0]!.split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const previous = segments[i - 1];
    const placeholder = previous === undefined ? undefined : NAMED_AFTER[previous];
    if (placeholder && segment !== '' && i > 0) {
      // `models/gemini-2.5-flash:generateContent` keeps `:generateContent`.
      // Fine-tuned OpenAI models (`ft:gpt-4o:org::id`) have several colons and no verb.
      const verb = /^[^:]+(:[A-Za-z]+)$/.exec(segment)?.[1] ?? '';
      out.push(placeholder + verb);
      continue;
    }
    out.push(segment !== '' && looksLikeId(segment) ? '{id}' : segment);
  }
  return out.join('/');
}

/** `2xx`, `4xx`... of an HTTP status. */
export function statusClassOf(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The family parts of an interaction. */
export function endpointPartsOf(interaction: Interaction): EndpointParts {
  return {
    provider: interaction.provider,
    method: interaction.request.method.toUpperCase(),
    route: routeTemplate(interaction.request.path),
    stream: interaction.response.stream !== undefined,
    statusClass: statusClassOf(interaction.response.status),
  };
}

/** Joins parts into the family id `${provider} ${method} ${route} ${stream|json} ${statusClass}`. */
export function endpointId(parts: EndpointParts): string {
  return `${parts.provider} ${parts.method} ${parts.route} ${parts.stream ? 'stream' : 'json'} ${parts.statusClass}`;
}

/** Endpoint family id of an interaction. */
export function endpointOf(interaction: Interaction): string {
  return endpointId(endpointPartsOf(interaction));
}

/** `episode/take/position`: how findings point back at recordings. */
export function interactionRef(interaction: Pick<Interaction, 'episode' | 'take' | 'position'>): string {
  return `${interaction.episode}/${interaction.take}/${interaction.position}`;
}
