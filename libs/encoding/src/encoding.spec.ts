import { createHash } from 'node:crypto';
import { canonicalJson, canonicallyEqual, encodeLengthPrefixed, updateLengthPrefixed } from './index';

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
  it('streams the very same bytes into a hash', () => {
    const fields = ['tally', '', 'päivä', '42'];
    const streamed = createHash('sha256');
    updateLengthPrefixed((c) => streamed.update(c), fields);
    expect(streamed.digest('hex')).toBe(createHash('sha256').update(encodeLengthPrefixed(fields)).digest('hex'));
  });
});
