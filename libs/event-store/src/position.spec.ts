import { comparePositions, formatPosition, parsePosition, START_POSITION } from './position';

describe('positions', () => {
  it('orders by the first part, then the second, numerically', () => {
    const sorted = ['10:1', '9:200', START_POSITION, '9:30', '18446744073709551615:0'].sort(comparePositions);
    expect(sorted).toEqual([START_POSITION, '9:30', '9:200', '10:1', '18446744073709551615:0']);
    expect(comparePositions('5:5', '5:5')).toBe(0);
  });

  it('compares canonical and non-canonical forms of the same numbers alike, and refuses what is not a position', () => {
    // Leading zeros take the BigInt path; the canonical fast path must agree with it everywhere.
    const positions = ['0:0', '0:9', '1:0', '9:9', '10:0', '10:10', '99:1', '100:0', '18446744073709551615:18446744073709551615'];
    for (const a of positions) {
      for (const b of positions) {
        const expected = Math.sign(Number(BigInt(a.split(':')[0]) - BigInt(b.split(':')[0])) || Number(BigInt(a.split(':')[1]) - BigInt(b.split(':')[1])));
        expect([a, b, Math.sign(comparePositions(a, b))]).toEqual([a, b, expected]);
        expect([a, b, Math.sign(comparePositions(`0${a}`, b))]).toEqual([a, b, expected]);
      }
    }
    expect(() => comparePositions('1:2', '12')).toThrow(TypeError);
    expect(() => comparePositions('1:x', '1:2')).toThrow(TypeError);
    expect(() => comparePositions(':2', '1:2')).toThrow(TypeError);
  });

  it('formats strings already canonical as they are, and anything else through BigInt', () => {
    expect(formatPosition('123', '456')).toBe('123:456');
    expect(formatPosition('0123', '0')).toBe('123:0');
    expect(formatPosition(7n, 8)).toBe('7:8');
    expect(() => formatPosition('1x', '2')).toThrow(SyntaxError);
  });

  it('round-trips and refuses what is not a position', () => {
    expect(formatPosition(...(Object.values(parsePosition('123:456')) as [bigint, bigint]))).toBe('123:456');
    expect(() => parsePosition('12')).toThrow(TypeError);
    expect(() => parsePosition('-1:2')).toThrow(TypeError);
  });
});
