// Records one queue batch: each message is parsed, decided against its precinct stream's state
// (several submissions for one precinct in order, each against the state the previous left),
// and the whole batch goes to the store as ONE appendMany with the expected revision per stream
// (one transaction on PostgreSQL and PGlite). A concurrent writer makes the append fail with a
// WrongExpectedRevisionError: the stream's cached state is dropped and the batch decided again.
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decidePrecinct,
  evolvePrecinct,
  initialPrecinctState,
  type ElectionIndex,
  type PrecinctCommand,
  type PrecinctEvent,
  type PrecinctState,
  type SubmissionRefused,
} from '@tally/domain';
import {
  DuplicateEventIdError,
  streams,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type StreamAppend,
} from '@tally/event-store';
import type { DeliveredMessage } from '@tally/intake-queue';
import { ElectionRegistry } from '../elections/election-registry.service';
import { EVENT_STORE } from '../infrastructure/tokens';
import { decodeEnvelope, toCommand, type SubmissionEnvelope } from '@tally/intake-queue';
import { UNKNOWN_ELECTION_STREAM_ID, type UnparseableSubmission } from './intake-rejection.events';
import { RecordSubmissionsCommand, type RecordSubmissionsOutcome } from './record-submissions.command';
import { submissionEventId, unparseableEventId } from './recorder-event-ids';
import { RECORDER_IDENTITY, type RecorderIdentity } from './recorder-identity';
import { StreamStateCache, type CachedStream } from '@tally/event-store';

/** Conflicts are rare (two recorders only meet on a rebalance or an intake-rejections stream). */
export const MAX_APPEND_ATTEMPTS = 8;
/** How long a batch waits for an election another process is defining right now. */
export const UNKNOWN_ELECTION_WAIT_MS = 2000;
/** After one wait in vain, further envelopes for that election are refused without waiting for a while. */
const UNKNOWN_ELECTION_MEMORY_MS = 30_000;
/** Precinct streams are a few events each; 20k states of a few KiB fit easily. */
const PRECINCT_CACHE_SIZE = 20_000;
const REJECTION_CACHE_SIZE = 256;
/** Parallel stream reads when a batch needs states not in the cache. */
const READ_CONCURRENCY = 16;

const PRECINCT_EVENT_TYPES: ReadonlySet<string> = new Set<PrecinctEvent['type']>(['ProtocolRecorded', 'ProtocolCorrected', 'TurnoutReported', 'SubmissionRefused']);

/** The event ids already in an intake-rejections stream: enough to skip a redelivered message. */
type RejectionState = ReadonlySet<string>;

type Item =
  | { readonly kind: 'envelope'; readonly message: DeliveredMessage; readonly envelope: SubmissionEnvelope; readonly correlationId: string }
  | { readonly kind: 'unparseable'; readonly message: DeliveredMessage; readonly reason: string; readonly guess: { submissionId?: string; electionId?: string } };

/** Where one item goes and what it appends, decided before anything is written. */
type Target =
  | { readonly kind: 'precinct'; readonly stream: string; readonly command: PrecinctCommand; readonly election: ElectionIndex }
  | { readonly kind: 'rejection'; readonly stream: string; readonly event: EventToAppend; readonly outcome: 'refused' | 'unparseable' };

interface Working<S> {
  readonly stream: string;
  readonly loaded: CachedStream<S>;
  state: S;
  readonly events: EventToAppend[];
}

@CommandHandler(RecordSubmissionsCommand)
export class RecordSubmissionsHandler implements ICommandHandler<RecordSubmissionsCommand> {
  private readonly logger = new Logger('Recorder');
  private readonly precincts = new StreamStateCache<PrecinctState>(PRECINCT_CACHE_SIZE);
  private readonly rejections = new StreamStateCache<RejectionState>(REJECTION_CACHE_SIZE);
  /** Elections waited for in vain, and when: a burst for an unknown election waits only once. */
  private readonly missingElections = new Map<string, number>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: ElectionRegistry,
    @Inject(RECORDER_IDENTITY) private readonly identity: RecorderIdentity,
  ) {}

  async execute({ topic, batch }: RecordSubmissionsCommand): Promise<RecordSubmissionsOutcome> {
    const items = batch.messages.map(classify);
    const elections = await this.resolveElections(items);
    const targets = items.map((item) => this.target(item, elections, topic, batch.partition));

    for (let attempt = 1; ; attempt++) {
      const plan = await this.plan(items, targets, topic, batch.partition);
      if (plan.appends.length === 0) return { ...plan.counts, appends: 0 };
      try {
        const results = await this.store.appendMany(plan.appends.map((a) => a.append));
        this.remember(plan.appends, results);
        return { ...plan.counts, appends: attempt };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
        // Another writer moved the stream: our cached fold is stale. Nothing of the batch was
        // written (one transaction), so deciding it again against fresh state is safe.
        this.logger.debug(`conflict on ${error.streamName} (attempt ${attempt}); deciding the batch again`);
        this.precincts.delete(error.streamName);
        this.rejections.delete(error.streamName);
      }
    }
  }

  /** The elections the batch names; one unknown to the registry gets a short wait (it may be being defined). */
  private async resolveElections(items: readonly Item[]): Promise<ReadonlyMap<string, ElectionIndex>> {
    const ids = new Set(items.flatMap((i) => (i.kind === 'envelope' ? [i.envelope.electionId] : [])));
    const found = new Map<string, ElectionIndex>();
    await Promise.all(
      [...ids].map(async (id) => {
        let election = this.registry.get(id);
        const missingSince = this.missingElections.get(id);
        if (election === undefined && (missingSince === undefined || Date.now() - missingSince > UNKNOWN_ELECTION_MEMORY_MS)) {
          election = await this.registry.waitFor(id, UNKNOWN_ELECTION_WAIT_MS);
          if (election === undefined) this.missingElections.set(id, Date.now());
        }
        if (election !== undefined) {
          this.missingElections.delete(id);
          found.set(id, election);
        }
      }),
    );
    return found;
  }

  private target(item: Item, elections: ReadonlyMap<string, ElectionIndex>, topic: string, partition: number): Target {
    const { message } = item;
    if (item.kind === 'unparseable') {
      const data: UnparseableSubmission['data'] = {
        raw: message.value.toString('base64'),
        key: wellFormed(message.key),
        topic,
        partition,
        offset: message.offset,
        reason: item.reason,
        ...item.guess,
      };
      return {
        kind: 'rejection',
        stream: rejectionStream(item.guess.electionId),
        outcome: 'unparseable',
        event: {
          id: unparseableEventId(topic, partition, message.offset, message.value),
          type: 'UnparseableSubmission',
          data: data as unknown as JsonObject,
          metadata: this.metadata(topic, partition, message, item.guess.submissionId, item.guess.submissionId ?? message.offset),
        },
      };
    }
    const { envelope } = item;
    const command = toCommand(envelope);
    const election = elections.get(envelope.electionId);
    const metadata = this.metadata(topic, partition, message, envelope.submissionId, item.correlationId);
    if (election === undefined) {
      const refusal = refusedForUnknownElection(command);
      return { kind: 'rejection', stream: rejectionStream(envelope.electionId), outcome: 'refused', event: refusalEvent(refusal, metadata) };
    }
    const stream = election.precinct(envelope.precinctId) === undefined ? undefined : safeStream(() => streams.precinct(envelope.electionId, envelope.precinctId));
    if (stream === undefined) {
      // A precinct the election does not have gets no stream of its own (no junk streams); the
      // decider's refusal (UNKNOWN_PRECINCT) is kept with the election's rejections.
      const [refusal] = decidePrecinct(command, initialPrecinctState(), { election }) as [SubmissionRefused];
      return { kind: 'rejection', stream: rejectionStream(envelope.electionId), outcome: 'refused', event: refusalEvent(refusal, metadata) };
    }
    return { kind: 'precinct', stream, command, election };
  }

  private async plan(items: readonly Item[], targets: readonly Target[], topic: string, partition: number) {
    const precinctStreams = new Map<string, Working<PrecinctState>>();
    const rejectionStreams = new Map<string, Working<RejectionState>>();
    await Promise.all([
      this.load(targets, 'precinct', this.precincts, precinctStreams, (s) => this.readPrecinct(s)),
      this.load(targets, 'rejection', this.rejections, rejectionStreams, (s) => this.readRejections(s)),
    ]);
    const order: Working<unknown>[] = [];
    const touch = (w: Working<unknown>) => {
      if (w.events.length === 0) order.push(w);
    };
    const counts = { recorded: 0, refused: 0, unparseable: 0, skipped: 0 };

    targets.forEach((target, index) => {
      const item = items[index];
      if (target.kind === 'rejection') {
        const w = rejectionStreams.get(target.stream)!;
        if (w.state.has(target.event.id)) {
          counts.skipped++;
          return;
        }
        touch(w as Working<unknown>);
        w.state = new Set(w.state).add(target.event.id);
        w.events.push(target.event);
        counts[target.outcome]++;
        return;
      }
      const w = precinctStreams.get(target.stream)!;
      const decided = decidePrecinct(target.command, w.state, { election: target.election });
      if (decided.length === 0) {
        counts.skipped++;
        return;
      }
      touch(w as Working<unknown>);
      const submissionId = target.command.meta.submissionId;
      const correlationId = item.kind === 'envelope' ? item.correlationId : submissionId;
      decided.forEach((event, i) => {
        w.state = evolvePrecinct(w.state, event);
        w.events.push({
          id: submissionEventId(submissionId, i),
          type: event.type,
          data: event.data as unknown as JsonObject,
          metadata: this.metadata(topic, partition, item.message, submissionId, correlationId),
        });
        if (event.type === 'SubmissionRefused') counts.refused++;
        else counts.recorded++;
      });
    });

    const appends = order.map((w) => ({
      working: w,
      cache: (precinctStreams.get(w.stream) === w ? this.precincts : this.rejections) as StreamStateCache<unknown>,
      append: { streamName: w.stream, expectedRevision: w.loaded.revision, events: w.events } satisfies StreamAppend,
    }));
    return { appends, counts };
  }

  private remember(appends: readonly { working: Working<unknown>; cache: StreamStateCache<unknown>; append: StreamAppend }[], results: readonly AppendResult[]): void {
    appends.forEach(({ working, cache }, i) => {
      // An idempotent replay means our fold was older than the stream: read it afresh next time.
      if (results[i].alreadyRecorded) cache.delete(working.stream);
      else cache.set(working.stream, { state: working.state, revision: results[i].nextRevision });
    });
  }

  private async load<S>(
    targets: readonly Target[],
    kind: Target['kind'],
    cache: StreamStateCache<S>,
    into: Map<string, Working<S>>,
    read: (stream: string) => Promise<CachedStream<S>>,
  ): Promise<void> {
    const missing: string[] = [];
    for (const t of targets) {
      if (t.kind !== kind || into.has(t.stream)) continue;
      const cached = cache.get(t.stream);
      if (cached) into.set(t.stream, { stream: t.stream, loaded: cached, state: cached.state, events: [] });
      else if (!missing.includes(t.stream)) missing.push(t.stream);
    }
    // A handful of parallel reads: the pool has a few connections, PGlite one.
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const stream = missing[next++];
        const loaded = await read(stream);
        into.set(stream, { stream, loaded, state: loaded.state, events: [] });
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, missing.length) }, worker));
  }

  private async readPrecinct(stream: string): Promise<CachedStream<PrecinctState>> {
    const events = await this.store.readStream(stream);
    let state = initialPrecinctState();
    for (const e of events) {
      if (PRECINCT_EVENT_TYPES.has(e.type)) state = evolvePrecinct(state, { type: e.type, data: e.data } as unknown as PrecinctEvent);
      else this.logger.warn(`unknown event type ${e.type} in ${stream} at revision ${e.revision}; ignored by the recorder`);
    }
    return { state, revision: events.length === 0 ? 'no-stream' : events[events.length - 1].revision };
  }

  private async readRejections(stream: string): Promise<CachedStream<RejectionState>> {
    const events = await this.store.readStream(stream);
    return { state: new Set(events.map((e) => e.id)), revision: events.length === 0 ? 'no-stream' : events[events.length - 1].revision };
  }

  private metadata(topic: string, partition: number, message: DeliveredMessage, submissionId: string | undefined, correlationId: string): JsonObject {
    return {
      ...(submissionId === undefined ? {} : { submissionId }),
      recordedBy: this.identity.instanceId,
      queue: { topic, partition, offset: message.offset },
      correlationId,
    };
  }
}

/** The header intake (or any producer) may set to tie logs of one request together. */
const CORRELATION_HEADERS = ['correlation-id', 'x-correlation-id'];

function classify(message: DeliveredMessage): Item {
  const decoded = decodeEnvelope(message.value);
  if (decoded.ok && !storable(message.value, decoded.envelope)) {
    // PostgreSQL's jsonb refuses these; appending them would fail the batch on every redelivery.
    return { kind: 'unparseable', message, reason: 'contains a NUL character or an unpaired surrogate, which the store cannot keep', guess: guessIds(message.value) };
  }
  if (decoded.ok) {
    const header = CORRELATION_HEADERS.map((h) => message.headers[h]).find((v) => v !== undefined);
    return { kind: 'envelope', message, envelope: decoded.envelope, correlationId: header === undefined ? decoded.envelope.submissionId : wellFormed(header.toString('utf8')) };
  }
  return { kind: 'unparseable', message, reason: wellFormed(decoded.reason), guess: guessIds(message.value) };
}

/** Can the envelope's text go into jsonb? Only escapes (`\u…`) can smuggle in what it refuses. */
function storable(raw: Buffer, envelope: SubmissionEnvelope): boolean {
  if (raw.indexOf('\\u') < 0 && raw.indexOf(0) < 0) return true;
  // JSON.stringify writes NUL and unpaired surrogates as escapes, and nothing else as those.
  return !/\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(JSON.stringify(envelope));
}

/** Replaces what jsonb refuses (NUL, unpaired surrogates) in text we write ourselves. */
function wellFormed(text: string): string {
  return text.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** What an unparseable message may still tell: its submission and election ids, if it is JSON carrying them. */
function guessIds(value: Buffer): { submissionId?: string; electionId?: string } {
  try {
    const json = JSON.parse(value.toString('utf8')) as unknown;
    if (typeof json !== 'object' || json === null) return {};
    const { submissionId, electionId } = json as { submissionId?: unknown; electionId?: unknown };
    return {
      ...(typeof submissionId === 'string' && submissionId.length <= 100 ? { submissionId: wellFormed(submissionId) } : {}),
      ...(typeof electionId === 'string' && safeStream(() => streams.intakeRejections(electionId)) !== undefined ? { electionId } : {}),
    };
  } catch {
    return {};
  }
}

function safeStream(build: () => string): string | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}

function rejectionStream(electionId: string | undefined): string {
  return (electionId === undefined ? undefined : safeStream(() => streams.intakeRejections(electionId))) ?? streams.intakeRejections(UNKNOWN_ELECTION_STREAM_ID);
}

function refusalEvent(refusal: SubmissionRefused, metadata: JsonObject): EventToAppend {
  return { id: submissionEventId(refusal.data.submissionId, 0), type: refusal.type, data: refusal.data as unknown as JsonObject, metadata };
}

/** The decider needs an election to judge anything; without one the refusal is the recorder's. */
function refusedForUnknownElection(command: PrecinctCommand): SubmissionRefused {
  const { meta } = command;
  const reasons = [{ code: 'UNKNOWN_ELECTION' as const, field: 'electionId', message: `no election ${meta.electionId} is defined`, operands: { electionId: meta.electionId } }];
  switch (command.type) {
    case 'SubmitProtocol':
      return { type: 'SubmissionRefused', data: { ...meta, kind: 'protocol', reasons, payload: command.protocol } };
    case 'CorrectProtocol': {
      const payload = command.supersedes === undefined ? { protocol: command.protocol, reason: command.reason } : { protocol: command.protocol, reason: command.reason, supersedes: command.supersedes };
      return { type: 'SubmissionRefused', data: { ...meta, kind: 'correction', reasons, payload } };
    }
    case 'ReportTurnout':
      return { type: 'SubmissionRefused', data: { ...meta, kind: 'turnout', reasons, payload: { time: command.time, ballotsIssued: command.ballotsIssued } } };
    default: {
      const never: never = command;
      throw new Error(`unknown precinct command ${(never as { type: string }).type}`);
    }
  }
}
