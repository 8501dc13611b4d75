import fc from 'fast-check';
import { canonicalJson, canonicallyEqual, encodeLengthPrefixed } from './index';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: [{ z: 1, y: 'x' }], a: null })).toBe('{"a":null,"b":[{"y":"x","z":1}]}');
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":0,"z":1}]},"b":1}');
  });
  it('leaves undefined members out', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
  it.each([Infinity, -Infinity, NaN])('refuses %p', (n) => {
    expect(() => canonicalJson({ n })).toThrow(/non-finite/);
  });
  it('refuses what JSON has no word for', () => {
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
    expect(() => canonicalJson([undefined])).toThrow(/undefined/);
  });
});

describe('canonicalJson written by JSON.stringify when already in order', () => {
  // The definition, written the long way: every object's keys sorted, at every depth.
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite numbers are not JSON');
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw new TypeError(`${typeof value} is not JSON`);
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) return '[' + value.map((v, i) => (v !== undefined || i in value ? reference(v) : '')).join(',') + ']';
    const obj = value as Record<string, unknown>;
    const members = Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => JSON.stringify(k) + ':' + reference(obj[k]));
    return '{' + members.join(',') + '}';
  };
  const outcome = (write: (v: unknown) => string, value: unknown): string => {
    try {
      return write(value);
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    }
  };

  it('writes what the definition writes, for any JSON value, in any key order and read back in canonical order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
        // Read back from canonical text: keys in order (but integer-like ones, which JS puts first).
        const ordered: unknown = JSON.parse(reference(value));
        expect(canonicalJson(ordered)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['a Date', { a: new Date(0) }],
    [
      'an array subclass with toJSON',
      {
        a: Object.assign(
          new (class extends Array<number> {
            toJSON(): string {
              return 'not an array';
            }
          })(),
          { 0: 1 },
        ),
      },
    ],
    ['a boxed string', { a: new String('x') }],
    ['integer-like keys', { '10': 1, '2': 2, a: 3 }],
    ['an undefined member', { a: undefined, b: 1 }],
    ['a hole', { a: [1, , 2] }],
    ['an undefined element', { a: [undefined] }],
    ['a function member', { a: () => 1 }],
    ['a bigint', { a: 1n }],
    ['a non-finite number', { a: NaN }],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1, b: [true, null] })],
    ['-0', { a: -0 }],
    ['a lone surrogate', { a: '\ud800', b: 'é"\u2028' }],
    ['a __proto__ key, in order', JSON.parse('{"__proto__":{"b":1},"a":2}') as unknown],
    ['a __proto__ key, out of order', JSON.parse('{"z":0,"__proto__":{"b":1},"a":2}') as unknown],
    ['integer-like keys out of order deep down', { z: [{ b: 1, '7': 2 }], a: 1 }],
    ['a hole deep down', { z: [[1, , 2]], a: 1 }],
    ['a refusal after a hole', { z: [1, , NaN], a: 1 }],
    ['a refusal before a hole', { a: [NaN, , 1], b: 1 }],
    ['the first of two refusals in canonical order', { b: 1n, a: undefined, c: () => 1, aa: Infinity }],
    ['a Date out of order', { z: 1, a: new Date(0) }],
    ['a Map and a Set', { z: new Map([[1, 2]]), a: new Set([1]) }],
  ])('answers %s as the definition does', (_what, value) => {
    expect(outcome(canonicalJson, value)).toBe(outcome(reference, value));
  });
});

describe('canonicallyEqual', () => {
  // Whatever the pair, the answer (or the exception) is that of comparing the canonical texts.
  const byText = (a: unknown, b: unknown): boolean | string => {
    try {
      return canonicalJson(a) === canonicalJson(b);
    } catch (error) {
      return (error as Error).message;
    }
  };
  const compared = (a: unknown, b: unknown): boolean | string => {
    try {
      return canonicallyEqual(a, b);
    } catch (error) {
      return (error as Error).message;
    }
  };
  const hole = [1, , 2];
  it.each([
    [{ b: [{ z: 1, y: 'x' }], a: null }, { a: null, b: [{ y: 'x', z: 1 }] }],
    [{ a: undefined, b: 1 }, { b: 1 }],
    [{ b: 1 }, { b: 1, c: undefined }],
    [{ a: 1 }, { a: '1' }],
    [[1, 2], [2, 1]],
    [[], {}],
    [0, -0],
    [{ a: [1] }, { a: [1, 2] }],
    [{ a: 1 }, Object.create({ a: 1 }) as unknown],
    [{ a: NaN }, { a: NaN }],
    [{ a: 1n }, { a: 1n }],
    [{ a: Infinity }, { b: 1 }],
    [[undefined], [undefined]],
    [hole, hole],
    [hole, [1, null, 2]],
    ['é"\u2028', 'é"\u2028'],
  ])('answers %p vs %p as the canonical texts do', (a, b) => {
    expect(compared(a, b)).toBe(byText(a, b));
  });
});

describe('length-prefixed fields', () => {
  it('writes a 4-byte big-endian byte length before each UTF-8 field', () => {
    expect(encodeLengthPrefixed(['ab', 'ä'])).toEqual(Buffer.from([0, 0, 0, 2, 0x61, 0x62, 0, 0, 0, 2, 0xc3, 0xa4]));
  });
  it('tells apart field lists that concatenate alike', () => {
    expect(encodeLengthPrefixed(['ab', 'c']).equals(encodeLengthPrefixed(['a', 'bc']))).toBe(false);
  });
  // The definition, written the plain way: a buffer per field after its length.
  const byDefinition = (fields: readonly string[]): Buffer =>
    Buffer.concat(
      fields.flatMap((field) => {
        const bytes = Buffer.from(field, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length, 0);
        return [length, bytes];
      }),
    );
  it.each([
    [[]],
    [['']],
    [['tally', '', 'päivä', '42']],
    [['😀 астана', '\u0000', 'a'.repeat(70_000)]],
    // A lone surrogate is written as U+FFFD (3 bytes) by both, and counted so.
    [['\ud800', 'x\udc00y']],
  ])('writes %#: the same bytes as the definition', (fields) => {
    expect(encodeLengthPrefixed(fields).equals(byDefinition(fields))).toBe(true);
  });
  it('writes what it is given, any text', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' })), (fields) => encodeLengthPrefixed(fields).equals(byDefinition(fields))));
  });
});
