// A recorded election night for tests and benchmarks, written straight to the store the way
// the recorder writes it: the domain's seeded submissions (turnout, protocols, corrections, a
// few refused broken protocols), each decided by the precinct decider against its stream's
// state and appended with the expected revision. Bypasses HTTP and the queue on purpose: the
// projector is what is under test, at sizes the HTTP path would take minutes to feed.
import {
  decidePrecinct,
  evolvePrecinct,
  generateProtocols,
  initialPrecinctState,
  type ElectionIndex,
  type PrecinctCommand,
  type PrecinctState,
  type ProtocolGenerationOptions,
  type SubmissionMeta,
} from '@tally/domain';
import { eventToAppend, streams, type EventStore, type StreamAppend } from '@tally/event-store';
import { v5 as uuidv5 } from 'uuid';

const NAMESPACE = '5b0e0b6c-61b8-4a55-9e0e-3f2c0a4b7d11';

export interface SyntheticHistoryOptions extends ProtocolGenerationOptions {
  /** Share of first protocols preceded by a broken submission (found ≠ valid + invalid) that is refused. */
  readonly refusalShare?: number;
}

/** Precinct stream states by precinct id: pass the same map to successive calls that append to one store. */
export type PrecinctStates = Map<string, { state: PrecinctState; revision: number }>;

/** Decides each command against its precinct stream's state, as the recorder does: one append per command that produced events. */
export function* decidedAppends(election: ElectionIndex, commands: Iterable<PrecinctCommand>, states: PrecinctStates = new Map()): Generator<StreamAppend> {
  const electionId = election.definition.id;
  for (const command of commands) {
    const precinctId = command.meta.precinctId;
    const entry = states.get(precinctId) ?? { state: initialPrecinctState(), revision: -1 };
    const events = decidePrecinct(command, entry.state, { election });
    if (events.length === 0) continue;
    const expectedRevision = entry.revision < 0 ? ('no-stream' as const) : entry.revision;
    let state = entry.state;
    for (const e of events) state = evolvePrecinct(state, e);
    states.set(precinctId, { state, revision: entry.revision + events.length });
    yield {
      streamName: streams.precinct(electionId, precinctId),
      expectedRevision,
      events: events.map((e, i) => eventToAppend(uuidv5(`${command.meta.submissionId}/${i}`, NAMESPACE), e)),
    };
  }
}

/** Submission metadata with ids derived from a key; time is data, one second apart from 18:00 UTC. */
export function demoMeta(electionId: string, key: string, n: number, precinctId: string, submittedBy = precinctId): SubmissionMeta {
  const receivedAt = new Date(Date.UTC(2026, 2, 15, 18, 0, 0) + n * 1000).toISOString();
  return { submissionId: uuidv5(`${electionId}/${key}`, NAMESPACE), electionId, precinctId, submittedBy, receivedAt, signature: null };
}

/** The seeded election night (turnout, protocols, corrections, refused broken protocols) as appends. */
export function syntheticAppends(election: ElectionIndex, seed: number, options: SyntheticHistoryOptions = {}): Generator<StreamAppend> {
  return decidedAppends(election, syntheticCommands(election, seed, options));
}

function* syntheticCommands(election: ElectionIndex, seed: number, options: SyntheticHistoryOptions): Generator<PrecinctCommand> {
  const electionId = election.definition.id;
  const submissionIdOf = new Map<string, string>();
  let n = 0;
  const refusalEvery = options.refusalShare ? Math.max(1, Math.round(1 / options.refusalShare)) : 0;
  const meta = (key: string, precinctId: string, submittedBy = precinctId): SubmissionMeta => {
    const m = demoMeta(electionId, key, n++, precinctId, submittedBy);
    submissionIdOf.set(key, m.submissionId);
    return m;
  };
  let protocols = 0;
  for (const s of generateProtocols(election.definition, seed, options)) {
    switch (s.kind) {
      case 'turnout':
        yield { type: 'ReportTurnout', meta: meta(s.key, s.precinctId), time: s.time, ballotsIssued: s.ballotsIssued, version: s.version };
        break;
      case 'protocol':
        if (refusalEvery > 0 && protocols++ % refusalEvery === 0) {
          const broken = { ...s.protocol, ballotsFound: s.protocol.ballotsFound + 1 };
          yield { type: 'SubmitProtocol', meta: meta(`${s.key}:broken`, s.precinctId), protocol: broken, version: s.version };
        }
        yield { type: 'SubmitProtocol', meta: meta(s.key, s.precinctId), protocol: s.protocol, version: s.version };
        break;
      case 'correction':
        yield {
          type: 'CorrectProtocol',
          meta: meta(s.key, s.precinctId, election.parentOf(s.precinctId) ?? election.root.id),
          protocol: s.protocol,
          reason: s.reason,
          supersedes: submissionIdOf.get(s.supersedes),
          version: s.version,
        };
        break;
      default: {
        const never: never = s;
        throw new Error(`unknown submission ${JSON.stringify(never)}`);
      }
    }
  }
}

/** Appends in store transactions of `batch` submissions; returns the last position and the event count. */
export async function appendAll(
  store: EventStore,
  appends: Iterable<StreamAppend>,
  batch = 500,
  onBatch?: (position: string) => Promise<void> | void,
): Promise<{ position: string | undefined; events: number }> {
  let pending: StreamAppend[] = [];
  let position: string | undefined;
  let events = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const results = await store.appendMany(pending);
    for (const p of pending) events += p.events.length;
    position = results[results.length - 1].position;
    pending = [];
    await onBatch?.(position);
  };
  for (const a of appends) {
    pending.push(a);
    if (pending.length >= batch) await flush();
  }
  await flush();
  return { position, events };
}
