// Seat positions of a parliament (hemicycle) chart: concentric half-rings from an inner radius to
// 1, seats spaced about as far apart along a ring as the rings are apart, each ring's share of
// the seats in proportion to its length. Seats are returned left to right by angle, so filling
// them in order gives every party one wedge, as parliament charts are read.

export interface Seat {
  readonly x: number;
  readonly y: number;
  /** Ring index from the inside. */
  readonly ring: number;
}

export interface HemicycleLayout {
  readonly seats: readonly Seat[];
  /** Radius of one seat's circle, in the same units (outer radius 1). */
  readonly seatRadius: number;
}

const INNER = 0.4;

/** Most seats `rings` rings hold when seats are spaced like the rings. */
function capacity(rings: number): number {
  const gap = rings === 1 ? 1 - INNER : (1 - INNER) / (rings - 1);
  let total = 0;
  for (let i = 0; i < rings; i++) total += Math.floor((Math.PI * radius(i, rings)) / gap) + 1;
  return total;
}

function radius(ring: number, rings: number): number {
  return rings === 1 ? (1 + INNER) / 2 : INNER + ((1 - INNER) * ring) / (rings - 1);
}

export function hemicycleLayout(total: number): HemicycleLayout {
  if (total <= 0) return { seats: [], seatRadius: 0 };
  let rings = 1;
  while (capacity(rings) < total) rings++;
  // Seats per ring in proportion to the ring's length, by largest remainder (exactly `total`).
  const radii = Array.from({ length: rings }, (_, i) => radius(i, rings));
  const sum = radii.reduce((a, b) => a + b, 0);
  const quotas = radii.map((r) => (total * r) / sum);
  const counts = quotas.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, rem: q - Math.floor(q) })).sort((a, b) => b.rem - a.rem || b.i - a.i);
  for (const { i } of order) {
    if (left === 0) break;
    counts[i]++;
    left--;
  }
  const placed: (Seat & { angle: number })[] = [];
  counts.forEach((n, ring) => {
    const r = radii[ring];
    for (let j = 0; j < n; j++) {
      const angle = n === 1 ? Math.PI / 2 : Math.PI * (1 - j / (n - 1));
      placed.push({ x: r * Math.cos(angle), y: r * Math.sin(angle), ring, angle });
    }
  });
  // Left to right; on the same ray, inside first.
  placed.sort((a, b) => b.angle - a.angle || a.ring - b.ring);
  const gap = rings === 1 ? 1 - INNER : (1 - INNER) / (rings - 1);
  const along = Math.min(...counts.map((n, i) => (n > 1 ? (Math.PI * radii[i]) / (n - 1) : Infinity)));
  return { seats: placed.map(({ x, y, ring }) => ({ x, y, ring })), seatRadius: 0.42 * Math.min(gap, along) };
}
