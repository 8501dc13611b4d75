// Forensic signals over precinct protocols: the tests (forensics.ts) and their distributions (statistics.ts).
export { FORENSIC_SETTINGS, forensics, integerPercentOf, type Fingerprint, type ForensicPrecinct, type ForensicSignal, type ForensicsInput, type ForensicsReport, type ForensicTest } from './forensics';
export { chiSquareUpper, hypergeometricUpper, normalUpper, poissonBinomialUpper } from './statistics';
