// The seat calculator's public API: list allocation, single-member districts, body composition.
export * from './allocation.types';
export { allocate, toBasisPoints } from './allocate';
export { breakTie, type Contender, type TieVerdict } from './tie-break';
export * from './single-member';
export * from './composition';
export { seatSensitivity, type ListSensitivity, type SeatSensitivity } from './seat-sensitivity';
export { explainAllocation, type QuotientCell, type QuotientRow, type RankedSeat, type RemainderRow, type SeatExplanation } from './seat-explanation';
