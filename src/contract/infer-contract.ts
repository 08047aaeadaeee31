import type { Interaction } from '../types.js';
import type { Contract } from './contract-types.js';
import { EndpointBuilder, type ObservedEndpoint } from './endpoint-builder.js';
import { endpointId, endpointPartsOf, interactionRef } from './endpoint-of.js';
import { readSamples, type Samples } from './read-samples.js';
import { addRef } from './shape-node.js';

/** What the same request got as a response, in one token: `2xx sse text/event-stream +usage`. */
export function responseSignature(statusClass: string, samples: Pick<Samples, 'transport' | 'contentType' | 'usage'>): string {
  return `${statusClass} ${samples.transport} ${samples.contentType || '-'}${samples.usage ? ' +usage' : ''}`;
}

/** The request identity a baseline remembers: the key, qualified by the key rules' version. */
export function requestIdentity(interaction: Pick<Interaction, 'key' | 'keyVersion'>): string {
  return `${interaction.keyVersion}:${interaction.key}`;
}

/** One provider's observations: endpoint families, and per request the signatures seen. */
export interface ObservedContract {
  provider: string;
  interactions: number;
  endpoints: Map<string, ObservedEndpoint>;
  /** Request identity → the response signatures it got. */
  requests: Map<string, RequestObservation[]>;
}

/** One response signature of one request. */
export interface RequestObservation {
  signature: string;
  /** The endpoint family it landed in. */
  endpoint: string;
  refs: string[];
}

export interface InferOptions {
  /** Keep `episode/take/position` evidence for findings (the observed side of a check). */
  evidence?: boolean;
}

/**
 * Infers contracts from interactions in one pass: each interaction is folded into running
 * statistics and dropped, so 100,000 recordings never sit in memory together.
 */
export class ContractBuilder {
  private seq = 0;
  private readonly endpoints = new Map<string, EndpointBuilder>();
  private readonly counts = new Map<string, number>();
  private readonly requests = new Map<string, Map<string, RequestObservation[]>>();

  constructor(private readonly options: InferOptions = {}) {}

  /** Folds one interaction in. */
  add(interaction: Interaction): void {
    const parts = endpointPartsOf(interaction);
    const id = endpointId(parts);
    let builder = this.endpoints.get(id);
    if (builder === undefined) this.endpoints.set(id, (builder = new EndpointBuilder(id, parts, interaction.family)));
    const ref = this.options.evidence ? interactionRef(interaction) : undefined;
    const samples = readSamples(interaction);
    const complete = interaction.complete && interaction.response.stream?.complete !== false;
    builder.add(samples, { seq: this.seq++, ref, h1: 0, h2: 0 }, complete);
    this.counts.set(parts.provider, (this.counts.get(parts.provider) ?? 0) + 1);
    // A cut-short answer says nothing reliable about what the request gets (usage comes last).
    if (!complete) return;
    let byKey = this.requests.get(parts.provider);
    if (byKey === undefined) this.requests.set(parts.provider, (byKey = new Map()));
    const identity = requestIdentity(interaction);
    const signature = responseSignature(parts.statusClass, samples);
    // Most requests only ever get one signature: a short array beats a map per request.
    let seen = byKey.get(identity);
    if (seen === undefined) byKey.set(identity, (seen = []));
    let same = seen.find((s) => s.signature === signature);
    if (same === undefined) seen.push((same = { signature, endpoint: id, refs: [] }));
    addRef(same.refs, ref);
  }

  /** Folds many interactions in. */
  addAll(interactions: Iterable<Interaction>): this {
    for (const interaction of interactions) this.add(interaction);
    return this;
  }

  /** Providers seen, sorted. */
  providers(): string[] {
    return [...this.counts.keys()].sort();
  }

  /** A provider's baseline contract, deterministic: the same interactions give the same file. */
  baseline(provider: string): Contract {
    const endpoints: Contract['endpoints'] = {};
    for (const [id, builder] of this.endpoints) if (builder.parts.provider === provider) endpoints[id] = builder.baseline();
    const requests: Contract['requests'] = {};
    for (const [identity, seen] of this.requests.get(provider) ?? []) requests[identity] = seen.map((s) => s.signature).sort();
    return { version: 1, provider, interactions: this.counts.get(provider) ?? 0, endpoints, requests };
  }

  /** A provider's observations, with evidence when the builder keeps it. */
  observed(provider: string): ObservedContract {
    const endpoints = new Map<string, ObservedEndpoint>();
    for (const [id, builder] of this.endpoints) {
      if (builder.parts.provider === provider) endpoints.set(id, builder.observed(this.options.evidence === true));
    }
    return {
      provider,
      interactions: this.counts.get(provider) ?? 0,
      endpoints,
      requests: this.requests.get(provider) ?? new Map(),
    };
  }
}

/** Infers the baseline contracts of every provider in `interactions`. */
export function inferContracts(interactions: Iterable<Interaction>): Contract[] {
  const builder = new ContractBuilder().addAll(interactions);
  return builder.providers().map((provider) => builder.baseline(provider));
}
