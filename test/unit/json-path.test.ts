import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withoutJsonPath } from '../../src/util/json-path.js';

const EVERY = Symbol('[*]');

/** The reference semantics, written the obvious way: copy everything, delete in place. */
function deleteFromCopy(root: unknown, path: string): unknown {
  const copy = structuredClone(root);
  const segments = path.split('.').flatMap((part) => {
    const m = /^([^[\]]*)((?:\[(?:\*|\d+)\])*)$/.exec(part) as RegExpExecArray;
    const brackets = [...(m[2] ?? '').matchAll(/\[(\*|\d+)\]/g)].map((b) => (b[1] === '*' ? EVERY : Number(b[1])));
    return m[1] ? [m[1], ...brackets] : brackets;
  });
  const visit = (node: unknown, i: number): void => {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (typeof seg === 'string') {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
      const obj = node as Record<string, unknown>;
      if (last) delete obj[seg];
      else visit(obj[seg], i + 1);
    } else if (Array.isArray(node)) {
      if (seg === EVERY) {
        if (last) node.length = 0;
        else for (const item of node) visit(item, i + 1);
      } else if (typeof seg === 'number' && seg < node.length) {
        if (last) node.splice(seg, 1);
        else visit(node[seg], i + 1);
      }
    }
  };
  visit(copy, 0);
  return copy;
}

const keys = fc.constantFrom('a', 'b', 'user', 'metadata');
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const path = fc
  .array(fc.oneof(keys, fc.constantFrom('[*]', '[0]', '[1]')), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.reduce((p, part) => (part.startsWith('[') ? `${p}${part}` : p ? `${p}.${part}` : part), ''))
  .filter((p) => !p.startsWith('['));

describe('withoutJsonPath', () => {
  it('leaves what deleting from a full copy leaves, and never changes its input', () => {
    fc.assert(
      fc.property(json, path, (value, p) => {
        const before = structuredClone(value);
        expect(withoutJsonPath(value, p)).toEqual(deleteFromCopy(value, p));
        expect(value).toEqual(before);
      }),
      { numRuns: 2000 },
    );
  });

  it('copies only what lies on the way to a deleted value', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_obfuscation: true, x: 1 } };
    const out = withoutJsonPath(body, 'stream_options.include_obfuscation') as typeof body;
    expect(out).toEqual({ model: 'm', messages: body.messages, stream_options: { x: 1 } });
    expect(out.messages).toBe(body.messages);
    expect(withoutJsonPath(body, 'user')).toBe(body);
  });
});
