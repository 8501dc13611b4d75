import fc from 'fast-check';
import { unstorableJson } from './append-rules';

// What every engine can keep, and the three things one cannot (a non-finite number; NUL or an
// unpaired surrogate in text or in a key), each planted somewhere in an otherwise storable value.
const storableText = fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\u0000'));
const storable = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    storableText,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(storableText, tie('json'), { maxKeys: 4 }),
  ),
})).json;
const bad = fc.constantFrom<unknown>(Number.POSITIVE_INFINITY, Number.NaN, 'a\u0000b', 'x\ud800', '\udc00', { ['k\u0000']: 1 }, { ['\ud83d']: 'v' });

/** The value with `planted` put inside at a place the path picks: an array item or an object member. */
function plant(value: unknown, planted: unknown, path: readonly number[]): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return Array.isArray(value) ? [...value, planted] : { ...(value as object), planted };
  const [step, ...rest] = path;
  if (Array.isArray(value)) {
    if (value.length === 0) return [planted];
    const i = step % value.length;
    return value.map((item, j) => (j === i ? plant(item, planted, rest) : item));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return { planted };
  const k = keys[step % keys.length];
  return { ...(value as Record<string, unknown>), [k]: plant((value as Record<string, unknown>)[k], planted, rest) };
}

describe('unstorableJson', () => {
  it('passes any value every engine can keep', () => {
    fc.assert(fc.property(storable, (value) => unstorableJson(value, 'data') === undefined));
  });

  it('refuses any value with something planted that no engine keeps alike, naming a place under the path', () => {
    fc.assert(
      fc.property(fc.dictionary(storableText, storable, { maxKeys: 4 }), bad, fc.array(fc.nat(), { maxLength: 4 }), (value, planted, path) => {
        const problem = unstorableJson(plant(value, planted, path), 'data');
        expect(problem).toMatch(/^(data|a key of data)[.[]/);
        expect(problem).toMatch(/(is (Infinity|NaN), which JSON cannot hold|holds (a NUL character|an unpaired surrogate), which the store cannot keep)$/);
      }),
    );
  });

  it('names the place as before', () => {
    expect(unstorableJson({ a: [1, { b: 'x\u0000' }] }, 'data')).toBe('data.a[1].b holds a NUL character, which the store cannot keep');
    expect(unstorableJson({ a: { ['k\ud800']: 1 } }, 'metadata')).toBe('a key of metadata.a holds an unpaired surrogate, which the store cannot keep');
    expect(unstorableJson([0, Number.NEGATIVE_INFINITY], 'envelope')).toBe('envelope[1] is -Infinity, which JSON cannot hold');
    // A surrogate pair is text, not a problem; an own "__proto__" member is walked like any other.
    expect(unstorableJson({ emoji: '\ud83d\ude00', ...JSON.parse('{"__proto__":{"n":1e999}}') }, 'data')).toBe('data.__proto__.n is Infinity, which JSON cannot hold');
  });

  it('walks hostile nesting without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(unstorableJson(deep, 'data')).toMatch(/^data(\[0\]){200000} holds a NUL character/);
    let fine: unknown = 1;
    for (let i = 0; i < 200_000; i++) fine = { a: fine };
    expect(unstorableJson(fine, 'data')).toBeUndefined();
  });
});
