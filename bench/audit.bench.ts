// Audit throughput on a synthetic national-scale election (100k precincts by default,
// AUDIT_BENCH_PRECINCTS to change): the store is the embedded engine (PGlite in memory), filled
// as the service would fill it — every submission signed by its commission's (demo) key, decided
// by the precinct decider, appended in batches with hash links. Then measured, each on its own:
// the hash-chain walk alone, the full `verify` (chain + signatures + control relations + decider
// re-run + recomputation), and a replay to the end.
import { cpus } from 'node:os';
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { replay, verifyAudit } from '@tally/audit';
import { generateSyntheticElection } from '@tally/domain';
import { createPgliteEventStore, verifyStore } from '@tally/event-store';
import { rawPublicKey, verifyBytes } from '@tally/signatures';
import { recordSignedElection } from '../libs/audit/src/testing/audit-fixture';
import type { BenchResult } from './bench.types';
import { describeShares, profileShares, type ShareRule } from './profile-shares';

export default async function run(): Promise<BenchResult[]> {
  const precincts = Number(process.env.AUDIT_BENCH_PRECINCTS ?? 100_000);
  const store = await createPgliteEventStore();
  try {
    let t = performance.now();
    const definition = generateSyntheticElection({ seed: 2026, precincts });
    const recorded = await recordSignedElection(store, definition, { seed: 7, correctionShare: 0.02, batch: 1000 });
    const fillSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const chain = await verifyStore(store, { batchSize: 5000 });
    const chainSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const cpuBefore = process.cpuUsage();
    const report = await verifyAudit(store);
    const verifySeconds = (performance.now() - t) / 1000;
    const verifyCpu = process.cpuUsage(cpuBefore);
    const verifyCores = (verifyCpu.user + verifyCpu.system) / 1e6 / verifySeconds;
    if (!report.ok) throw new Error(`the bench store does not verify: ${report.firstFailure?.message}`);

    // Where the main thread's time goes: the same verify again, under the sampling profiler (not
    // the measured one: the profiler slows it down).
    const profile = await profileShares(VERIFY_SHARES, () => verifyAudit(store));

    t = performance.now();
    const replayed = await replay(store);
    const replaySeconds = (performance.now() - t) / 1000;

    // What bounds verify: one Ed25519 check per signed submission. Its rate alone, on one thread,
    // as verify runs it (libsodium, verifyBytes), on a body the size of a protocol's encoding; and
    // node:crypto's (OpenSSL's) on the same bodies, the check Tally ran before, for the ratio.
    const { ed25519, openssl } = ed25519Rates();

    const events = report.events;
    const cpuPerEvent = (1e6 * verifyCores) / (events / verifySeconds);
    const what = `${precincts.toLocaleString('en-US')} precincts, ${events.toLocaleString('en-US')} events (${recorded.submissions.toLocaleString('en-US')} signed submissions, 2% corrected), PGlite in memory`;
    return [
      {
        id: 'verify.eps',
        name: 'audit verify (full: chain, signatures, control relations, decider, recomputation)',
        value: Math.round(events / verifySeconds),
        unit: 'events/s',
        note: `${what}; ${verifySeconds.toFixed(1)} s. Bound: one Ed25519 check per signed event, ${Math.round(ed25519).toLocaleString('en-US')}/s alone on one thread here, so at most ${Math.round(ed25519 * cpus().length).toLocaleString('en-US')}/s on this machine's ${cpus().length} cores with nothing else to do; the checks run on ${cpus().length} worker threads a page ahead of the main thread, which reads, hashes, re-decides and recomputes (${Math.round(cpuPerEvent)} µs of CPU an event in all, ${Math.round(1e6 / ed25519)} of them the check itself at its rate alone): the process used ${verifyCores.toFixed(2)} of the ${cpus().length} cores over the verify, ${verifyCores >= 0.85 * cpus().length ? 'so the cores bound it' : 'not all of them: the main thread bounds it'}, ${Math.round((100 * 1e6) / ed25519 / cpuPerEvent)}% of the CPU the checks. The main thread's time, profiled (the same verify again under V8's sampling profiler): ${describeShares(profile)}`,
      },
      { name: 'Ed25519 verifications alone, one thread (libsodium, as Tally verifies)', value: Math.round(ed25519), unit: 'verifications/s', note: `20,000 checks of 400-byte messages through verifyBytes: the ceiling of a single-threaded verify; ${(ed25519 / openssl).toFixed(2)}× node:crypto's on the same bodies` },
      { name: 'Ed25519 verifications alone, one thread (node:crypto, key object cached)', value: Math.round(openssl), unit: 'verifications/s', note: '20,000 checks of 400-byte messages: OpenSSL through node:crypto, what Tally verified with until 2026-12-04' },
      { name: 'audit verify: hash chain walk alone (verifyStore)', value: Math.round(chain.events / chainSeconds), unit: 'events/s', note: `${chain.events.toLocaleString('en-US')} events; ${chainSeconds.toFixed(1)} s` },
      { name: 'audit replay to the end (results views)', value: Math.round(replayed.eventsRead / replaySeconds), unit: 'events/s', note: `${replaySeconds.toFixed(1)} s` },
      { name: 'audit bench setup: sign, decide and append', value: Math.round(recorded.submissions / fillSeconds), unit: 'submissions/s', note: `${fillSeconds.toFixed(1)} s (setup, for scale)` },
    ];
  } finally {
    await store.close();
  }
}

function ed25519Rates(): { ed25519: number; openssl: number } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  const messages = Array.from({ length: 100 }, (_, i) => Buffer.alloc(400, i));
  const signatures = messages.map((m) => sign(null, m, privateKey));
  const encoded = signatures.map((s) => s.toString('base64'));
  const rate = (check: (i: number) => boolean): number => {
    const n = 20_000;
    const t = performance.now();
    for (let i = 0; i < n; i++) if (!check(i % 100)) throw new Error('a signature made here does not verify');
    return n / ((performance.now() - t) / 1000);
  };
  const opensslCheck = (key: KeyObject) => (i: number) => verify(null, messages[i], key, signatures[i]);
  // In turn, twice each, the better of each kept: a shared machine's other load falls on one or the other.
  let ed25519 = 0;
  let openssl = 0;
  for (let round = 0; round < 2; round++) {
    ed25519 = Math.max(ed25519, rate((i) => verifyBytes(raw, messages[i], encoded[i])));
    openssl = Math.max(openssl, rate(opensslCheck(publicKey)));
  }
  return { ed25519, openssl };
}

/** The main thread's work in verify, by where the code lives (bench/profile-shares.ts). */
const VERIFY_SHARES: readonly ShareRule[] = [
  { name: 'garbage collection', matches: (_url, fn) => fn === '(garbage collector)' },
  { name: 'reading the store (PGlite, its text decoding, the page parse)', matches: (url) => url.includes('@electric-sql/pglite') || url.startsWith('wasm') || url === 'node:internal/encoding' || url.includes('/libs/event-store/src/sql/') },
  { name: 'recomputing the results views', matches: (url) => url.includes('/libs/domain/src/views/') || url.includes('/libs/projection/') },
  { name: 'decoding, control relations and the decider', matches: (url) => url.includes('/libs/domain/') || url.includes('/zod/') },
  { name: 'canonical encoding and hashing (chain, signed subjects, comparisons)', matches: (url, fn) => url.includes('/libs/encoding/') || url.includes('/hash-chain') || fn === 'oneShotDigest' || url === 'node:internal/crypto/hash' },
  { name: 'handing the checks to the workers', matches: (url) => url.includes('/libs/signatures/') },
  { name: 'the walk itself', matches: (url) => url.includes('/libs/audit/') },
];
