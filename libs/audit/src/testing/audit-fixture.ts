// Test and bench support: a store holding a synthetic election as the service would have
// recorded it — the definition in its stream (with demo keys), then every submission signed by
// its commission (scheme tally-submission-v2, each at its version; or, with `v1`, as a store
// recorded before v2), decided by the precinct decider, appended with the expected revision.
import {
  decidePrecinct,
  evolvePrecinct,
  generateProtocols,
  indexElection,
  initialPrecinctState,
  type ElectionDefinition,
  type PrecinctCommand,
  type PrecinctState,
  type ProtocolGenerationOptions,
  type SubmissionMeta,
} from '@tally/domain';
import { eventToAppend, streams, type EventStore, type EventToAppend, type StreamAppend } from '@tally/event-store';
import type { KeyObject } from 'node:crypto';
import { demoKeyPair, privateKeyFromPem, signSubmission, withDemoKeys, type SignedSubject } from '@tally/signatures';
import { v5 as uuidv5 } from 'uuid';

const FIXTURE_NAMESPACE = '5d0f3c0e-8f4b-4a1e-9a57-0b7a3c2d1e90';

export interface SignedElectionOptions extends ProtocolGenerationOptions {
  readonly seed?: number;
  /** Submissions per store transaction. */
  readonly batch?: number;
  /** Stop after this many submissions (all by default). */
  readonly limit?: number;
  /** Called after each appended batch with the submissions so far. */
  readonly onBatch?: (submitted: number) => void | Promise<void>;
  /** Record the election as a v1-era store: signed under tally-submission-v1, no versions (history before v2). */
  readonly v1?: boolean;
  /**
   * How long after its receivedAt the queue took the n-th submission (ms), kept as the recorder
   * keeps it (metadata queue.appendedAt); undefined, or no function: recorded without it.
   */
  readonly appendedAfterMs?: (n: number) => number | undefined;
}

export interface SignedElection {
  readonly definition: ElectionDefinition;
  readonly submissions: number;
}

/** Records the definition (with demo keys added) and the generated submissions into the store. */
export async function recordSignedElection(store: EventStore, base: ElectionDefinition, options: SignedElectionOptions = {}): Promise<SignedElection> {
  const definition = withDemoKeys(base);
  await store.append(streams.election(definition.id), 'no-stream', [
    eventToAppend(uuidv5(`definition/${definition.id}`, FIXTURE_NAMESPACE), { type: 'ElectionDefined', data: { definition } }),
  ]);
  const election = indexElection(definition);
  const parentOf = new Map(definition.commissions.map((c) => [c.id, c.parent]));
  const seed = options.seed ?? 1;
  const states = new Map<string, { state: PrecinctState; revision: bigint | 'no-stream' }>();
  let pending: { stream: string; events: EventToAppend[] }[] = [];
  let submitted = 0;
  const keys = new Map<string, KeyObject>();
  const flush = async () => {
    if (pending.length === 0) return;
    const batch: StreamAppend[] = [];
    const byStream = new Map<string, EventToAppend[]>();
    for (const p of pending) byStream.set(p.stream, [...(byStream.get(p.stream) ?? []), ...p.events]);
    for (const [stream, events] of byStream) {
      // Each stream's revision before this batch is its expectation; then it moves past the batch.
      const entry = states.get(stream)!;
      batch.push({ streamName: stream, expectedRevision: entry.revision, events });
      entry.revision = (entry.revision === 'no-stream' ? -1n : entry.revision) + BigInt(events.length);
    }
    await store.appendMany(batch);
    pending = [];
    await options.onBatch?.(submitted);
  };

  for (const s of generateProtocols(definition, seed, options)) {
    if (options.limit !== undefined && submitted >= options.limit) break;
    const submissionId = uuidv5(`${definition.id}/${seed}/${s.key}`, FIXTURE_NAMESPACE);
    const submittedBy = s.kind === 'correction' ? (parentOf.get(s.precinctId) ?? 'central') : s.precinctId;
    // Signed under v2 (the version in the subject), or as recorded before v2 (none) with `v1`.
    const version = options.v1 ? undefined : s.version;
    const subject: SignedSubject =
      s.kind === 'turnout'
        ? { kind: 'turnout', electionId: definition.id, precinctId: s.precinctId, time: s.time, ballotsIssued: s.ballotsIssued, version }
        : s.kind === 'protocol'
          ? { kind: 'protocol', electionId: definition.id, precinctId: s.precinctId, contestId: s.contestId, protocol: s.protocol, version }
          : { kind: 'correction', electionId: definition.id, precinctId: s.precinctId, contestId: s.contestId, protocol: s.protocol, reason: s.reason, version };
    const key = demoKeyPair(submittedBy);
    // Parsing a PEM per signature would dominate the setup of a big election.
    let privateKey = keys.get(submittedBy);
    if (!privateKey) keys.set(submittedBy, (privateKey = privateKeyFromPem(key.privateKeyPem)));
    const meta: SubmissionMeta = {
      submissionId,
      electionId: definition.id,
      precinctId: s.precinctId,
      submittedBy,
      // Deterministic: the fixture has no clock either.
      receivedAt: new Date(Date.UTC(2026, 2, 15, 14, 0, 0) + submitted * 1000).toISOString(),
      signature: signSubmission(subject, key.keyId, privateKey),
    };
    const command: PrecinctCommand =
      s.kind === 'turnout'
        ? { type: 'ReportTurnout', meta, time: s.time, ballotsIssued: s.ballotsIssued, version }
        : s.kind === 'protocol'
          ? { type: 'SubmitProtocol', meta, protocol: s.protocol, version }
          : { type: 'CorrectProtocol', meta, protocol: s.protocol, reason: s.reason, version };
    const stream = streams.precinct(definition.id, s.precinctId);
    let entry = states.get(stream);
    if (!entry) {
      entry = { state: initialPrecinctState(), revision: 'no-stream' };
      states.set(stream, entry);
    }
    // History before v2 was decided by the rules of then (beforeV2), as the recorder of then did.
    const events = decidePrecinct(command, entry.state, { election, beforeV2: options.v1 });
    for (const e of events) entry.state = evolvePrecinct(entry.state, e);
    const after = options.appendedAfterMs?.(submitted);
    const metadata = after === undefined ? undefined : { queue: { topic: 'tally.submissions', partition: 0, offset: String(submitted), appendedAt: new Date(Date.parse(meta.receivedAt) + after).toISOString() } };
    pending.push({
      stream,
      events: events.map((e, i) => eventToAppend(uuidv5(`${submissionId}/${i}`, FIXTURE_NAMESPACE), e, metadata)),
    });
    submitted++;
    if (pending.length >= (options.batch ?? 500)) await flush();
  }
  await flush();
  return { definition, submissions: submitted };
}
