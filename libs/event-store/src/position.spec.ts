import { comparePositions, formatPosition, parsePosition, START_POSITION } from './position';

describe('positions', () => {
  it('orders by the first part, then the second, numerically', () => {
    const sorted = ['10:1', '9:200', START_POSITION, '9:30', '18446744073709551615:0'].sort(comparePositions);
    expect(sorted).toEqual([START_POSITION, '9:30', '9:200', '10:1', '18446744073709551615:0']);
    expect(comparePositions('5:5', '5:5')).toBe(0);
  });

  it('round-trips and refuses what is not a position', () => {
    expect(formatPosition(...(Object.values(parsePosition('123:456')) as [bigint, bigint]))).toBe('123:456');
    expect(() => parsePosition('12')).toThrow(TypeError);
    expect(() => parsePosition('-1:2')).toThrow(TypeError);
  });
});
