import type { Interaction } from '../types.js';
import { builtinSchemaFor, validateSample, type BuiltinSchema, type SchemaViolation } from './builtin-schemas.js';
import type { EndpointContract } from './contract-types.js';
import type { EndpointParts } from './endpoint-of.js';
import type { Sample, Samples } from './read-samples.js';
import { addRef, foldValue, ShapeNode, type FoldContext } from './shape-node.js';
import { collectPaths, toBaselinePath, type ObservedPath } from './shape-paths.js';
import { GrammarBuilder, type ObservedGrammar } from './stream-grammar.js';

/** Shapes remembered per family with their schema result; beyond it documents are checked afresh. */
const MAX_CACHED_SHAPES = 50_000;

/** A built-in schema violation as observed, with where it was seen. */
export interface ObservedViolation {
  count: number;
  message: string;
  refs: string[];
}

/** Everything observed of one endpoint family; the diff reads this against a baseline. */
export interface ObservedEndpoint extends Omit<EndpointContract, 'paths' | 'grammar' | 'schema'> {
  id: string;
  paths: Map<string, ObservedPath>;
  grammar?: ObservedGrammar;
  schema?: { name: string; violations: Map<string, ObservedViolation> };
  /** A few interactions of the family, for findings about the family as a whole. */
  refs: string[];
}

/** Folds the interactions of one endpoint family into path statistics and a stream grammar. */
export class EndpointBuilder {
  private interactions = 0;
  private documents = 0;
  private readonly roots = new Map<string, ShapeNode>();
  private readonly grammar: GrammarBuilder | undefined;
  private readonly schema: BuiltinSchema | undefined;
  private readonly violations = new Map<string, ObservedViolation>();
  /** Document shape hash → its violations: the same shape gives the same schema result. */
  private readonly checkedShapes = new Map<string, SchemaViolation[]>();
  private readonly refs: string[] = [];

  constructor(
    readonly id: string,
    readonly parts: EndpointParts,
    readonly family: Interaction['family'],
  ) {
    this.grammar = parts.stream ? new GrammarBuilder() : undefined;
    this.schema = builtinSchemaFor(family, parts.route, parts.stream, parts.statusClass);
  }

  /**
   * Folds one interaction's samples; `ctx.ref` set keeps evidence. A stream cut short still
   * shows the shape of its events, but not the grammar: its end is not the provider's.
   */
  add(samples: Samples, ctx: FoldContext, complete = true): void {
    this.interactions++;
    addRef(this.refs, ctx.ref);
    for (const sample of samples.docs) {
      this.documents++;
      let root = this.roots.get(sample.event);
      if (root === undefined) this.roots.set(sample.event, (root = new ShapeNode('', 'plain', sample.event !== '' || this.parts.stream)));
      ctx.h1 = 0x811c9dc5;
      ctx.h2 = 0x2545f491;
      foldValue(root, sample.json, ctx);
      if (this.schema) this.check(this.schema, sample, `${sample.event}\u0000${ctx.h1}:${ctx.h2}`, ctx.ref);
    }
    if (this.grammar && samples.stream && complete) this.grammar.add(samples.stream, samples.usage, ctx.ref);
  }

  private check(schema: BuiltinSchema, sample: Sample, shape: string, ref: string | undefined): void {
    let found = this.checkedShapes.get(shape);
    if (found === undefined) {
      found = validateSample(schema, sample);
      if (this.checkedShapes.size < MAX_CACHED_SHAPES) this.checkedShapes.set(shape, found);
    }
    for (const v of found) {
      let known = this.violations.get(v.path);
      if (known === undefined) this.violations.set(v.path, (known = { count: 0, message: v.message, refs: [] }));
      known.count++;
      addRef(known.refs, ref);
    }
  }

  /** The family as observed, evidence included when it was kept. */
  observed(withRefs: boolean): ObservedEndpoint {
    const paths = new Map<string, ObservedPath>();
    for (const [event, root] of this.roots) collectPaths(root, event, paths);
    const out: ObservedEndpoint = {
      id: this.id,
      ...this.parts,
      family: this.family,
      interactions: this.interactions,
      documents: this.documents,
      paths,
      refs: this.refs,
    };
    if (this.grammar) out.grammar = this.grammar.finish(withRefs);
    if (this.schema) out.schema = { name: this.schema.name, violations: this.violations };
    return out;
  }

  /** The family as a baseline keeps it (deterministic, no evidence). */
  baseline(): EndpointContract {
    const observed = this.observed(false);
    const paths: EndpointContract['paths'] = {};
    for (const [path, p] of observed.paths) paths[path] = toBaselinePath(p);
    const out: EndpointContract = {
      provider: this.parts.provider,
      family: this.family,
      method: this.parts.method,
      route: this.parts.route,
      stream: this.parts.stream,
      statusClass: this.parts.statusClass,
      interactions: this.interactions,
      documents: this.documents,
      paths,
    };
    if (observed.grammar) {
      const { refs: _refs, ...grammar } = observed.grammar;
      out.grammar = grammar;
    }
    if (this.schema) {
      out.schema = { name: this.schema.name, violations: Object.fromEntries([...this.violations].map(([k, v]) => [k, v.count])) };
    }
    return out;
  }
}
