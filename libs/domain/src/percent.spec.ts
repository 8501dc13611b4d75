import { percentOf, pointsBetween } from './percent';

describe('percentOf', () => {
  it('rounds half up to two decimals from the exact ratio', () => {
    expect(percentOf({ numerator: 8264, denominator: 291756 })).toBe(2.83); // Auyl, Almaty 2023
    expect(percentOf({ numerator: 1, denominator: 8 })).toBe(12.5);
    expect(percentOf({ numerator: 1, denominator: 40000 })).toBe(0); // 0.0025% → 0.00
    expect(percentOf({ numerator: 1, denominator: 20000 })).toBe(0.01); // 0.005% → 0.01 (half up)
    expect(percentOf({ numerator: 2, denominator: 3 })).toBe(66.67);
    expect(percentOf({ numerator: 1, denominator: 3 })).toBe(33.33);
    expect(percentOf({ numerator: 1, denominator: 32 })).toBe(3.13); // 3.125% → 3.13 (half up)
    expect(percentOf({ numerator: 151531, denominator: 291756 })).toBe(51.94); // Amanat, Almaty 2023
  });

  it('has no value without a base, and stays exact past 2^53', () => {
    expect(percentOf({ numerator: 0, denominator: 0 })).toBeNull();
    expect(percentOf({ numerator: 2 ** 52, denominator: 2 ** 53 })).toBe(50);
    // Beyond 2^53 / 10^4 the float product would not be exact.
    expect(percentOf({ numerator: 2 ** 50 - 1, denominator: 2 ** 50 })).toBe(100);
  });
});

describe('pointsBetween', () => {
  it('is exact, rounded half away from zero, so a swing and its opposite have one size', () => {
    expect(pointsBetween({ numerator: 151531, denominator: 291756 }, { numerator: 6811, denominator: 10000 })).toBe(-16.17);
    expect(pointsBetween({ numerator: 1, denominator: 8 }, { numerator: 1, denominator: 10 })).toBe(2.5);
    // 0.005 points either way: half away from zero.
    expect(pointsBetween({ numerator: 1005, denominator: 100000 }, { numerator: 1, denominator: 100 })).toBe(0.01);
    expect(pointsBetween({ numerator: 1, denominator: 100 }, { numerator: 1005, denominator: 100000 })).toBe(-0.01);
    expect(pointsBetween({ numerator: 1, denominator: 0 }, { numerator: 1, denominator: 2 })).toBeNull();
    expect(pointsBetween({ numerator: 1, denominator: 2 }, { numerator: 0, denominator: 0 })).toBeNull();
  });

  it('gives no swing as 0, not −0 (which number formatters print with a minus sign)', () => {
    expect(Object.is(pointsBetween({ numerator: 1, denominator: 3 }, { numerator: 2, denominator: 6 }), 0)).toBe(true);
  });
});
