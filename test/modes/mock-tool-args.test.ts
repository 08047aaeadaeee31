import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/providers/mock-kit/mock-random.js';
import { valueFromSchema } from '../../src/providers/mock-kit/mock-tool-args.js';

const rngs = (n: number) => Array.from({ length: n }, (_, i) => createRng('tool-args-test', String(i)));

describe('valueFromSchema', () => {
  it('fills required properties with the right types, enums and bounds', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 3, maxLength: 12 },
        count: { type: 'integer', minimum: 5, maximum: 9 },
        ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        flag: { type: 'boolean' },
        mode: { enum: ['fast', 'slow'] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 4 },
        when: { type: 'string', format: 'date-time' },
        maybe: { type: ['string', 'null'] },
      },
      required: ['name', 'count', 'ratio', 'flag', 'mode', 'tags', 'when', 'maybe'],
      additionalProperties: false,
    };
    for (const rng of rngs(50)) {
      const v = valueFromSchema(schema, rng) as any;
      expect(v.name.length).toBeGreaterThanOrEqual(3);
      expect(v.name.length).toBeLessThanOrEqual(12);
      expect(Number.isInteger(v.count) && v.count >= 5 && v.count <= 9).toBe(true);
      expect(v.ratio).toBeGreaterThanOrEqual(0);
      expect(v.ratio).toBeLessThanOrEqual(1);
      expect(typeof v.flag).toBe('boolean');
      expect(['fast', 'slow']).toContain(v.mode);
      expect(v.tags.length >= 2 && v.tags.length <= 4).toBe(true);
      expect(Number.isNaN(Date.parse(v.when))).toBe(false);
      expect(typeof v.maybe).toBe('string');
    }
  });

  it('follows $ref into $defs, anyOf and allOf (pydantic-style schemas)', () => {
    const schema = {
      $defs: { Item: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'] } },
      type: 'object',
      properties: {
        items: { type: 'array', items: { $ref: '#/$defs/Item' } },
        note: { anyOf: [{ type: 'null' }, { type: 'integer' }] },
        both: {
          allOf: [
            { properties: { a: { type: 'boolean' } }, required: ['a'] },
            { properties: { b: { const: 7 } }, required: ['b'] },
          ],
        },
      },
      required: ['items', 'note', 'both'],
    };
    const v = valueFromSchema(schema, rngs(1)[0]!) as any;
    expect(v.items.length).toBeGreaterThan(0);
    for (const item of v.items) expect(item).toEqual({ sku: expect.any(String), qty: expect.any(Number) });
    expect(Number.isInteger(v.note)).toBe(true);
    expect(v.both).toEqual({ a: expect.any(Boolean), b: 7 });
  });

  it('survives recursive schemas and odd input', () => {
    const node = { $defs: { N: { type: 'object', properties: { next: { $ref: '#/$defs/N' } }, required: ['next'] } }, $ref: '#/$defs/N' };
    expect(() => JSON.stringify(valueFromSchema(node, rngs(1)[0]!))).not.toThrow();
    expect(valueFromSchema(undefined, rngs(1)[0]!)).toBeTypeOf('string');
    expect(valueFromSchema({ type: 'OBJECT', properties: { x: { type: 'NUMBER' } }, required: ['x'] }, rngs(1)[0]!)).toEqual({
      x: expect.any(Number),
    });
  });

  it('is deterministic for one generator state', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } };
    expect(valueFromSchema(schema, createRng('same'))).toEqual(valueFromSchema(schema, createRng('same')));
  });
});
