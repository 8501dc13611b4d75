import { percentOf } from './percent';

describe('percentOf', () => {
  it('rounds half up at the second decimal, exactly', () => {
    expect(percentOf({ numerator: 1, denominator: 3 })).toBe(33.33);
    expect(percentOf({ numerator: 2, denominator: 3 })).toBe(66.67);
    // 1/8 = 12.5% exactly; 1/16 = 6.25%; 1/32 = 3.125% → 3.13 (half up)
    expect(percentOf({ numerator: 1, denominator: 32 })).toBe(3.13);
    // The Almaty 2023 Amanat share: 151,531 / 291,756 = 51.9382…%
    expect(percentOf({ numerator: 151531, denominator: 291756 })).toBe(51.94);
  });

  it('has no value without a base', () => {
    expect(percentOf({ numerator: 0, denominator: 0 })).toBeNull();
  });

  it('stays exact where the float product would not (numerators beyond 2^53 / 10^4)', () => {
    const big = 2 ** 50;
    expect(percentOf({ numerator: big, denominator: big * 2 })).toBe(50);
    expect(percentOf({ numerator: big - 1, denominator: big })).toBe(100);
  });
});
