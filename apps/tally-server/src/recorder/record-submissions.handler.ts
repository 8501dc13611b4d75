// Records one queue batch: each message is parsed and turned into a command on its stream (a
// precinct's, or its election's intake-rejections stream for what cannot go to a precinct), and
// the event store's command handler decides them in order (several submissions for one precinct,
// each against the state the previous left) and appends the whole batch as ONE appendMany with
// the expected revision per stream (one transaction on PostgreSQL and PGlite). A concurrent
// writer makes the append fail: the handler drops the stream's cached state and decides the
// batch again.
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decidePrecinct, initialPrecinctState, type ElectionIndex, type PrecinctCommand, type PrecinctState, type SubmissionRefused } from '@tally/domain';
import { eventToAppend, streams, StreamCommandHandler, type EventToAppend, type JsonObject, type StreamCommand } from '@tally/event-store';
import { decodeEnvelope, toCommand, type DeliveredMessage, type SubmissionEnvelope } from '@tally/intake-queue';
import { ElectionRegistry } from '../elections/election-registry.service';
import { UNKNOWN_ELECTION_STREAM_ID, type UnparseableSubmission } from './queue-rejection.events';
import { RecordSubmissionsCommand, type RecordSubmissionsOutcome } from './record-submissions.command';
import { submissionEventId, unparseableEventId } from './recorder-event-ids';
import { RECORDER_IDENTITY, type RecorderIdentity } from './recorder-identity';
import { recorderStreams, type PrecinctWrite, type RecorderStreams, type RejectionState } from './recorder-streams';

/** How long a batch waits for an election another process is defining right now. */
export const UNKNOWN_ELECTION_WAIT_MS = 2000;
/** After one wait in vain, further envelopes for that election are refused without waiting for a while. */
const UNKNOWN_ELECTION_MEMORY_MS = 30_000;

type Item =
  | { readonly kind: 'envelope'; readonly message: DeliveredMessage; readonly envelope: SubmissionEnvelope; readonly correlationId: string }
  | { readonly kind: 'unparseable'; readonly message: DeliveredMessage; readonly reason: string; readonly guess: { submissionId?: string; electionId?: string } };

/** Where one item goes and what it asks of that stream, decided before anything is read. */
type Target =
  | { readonly kind: 'precinct'; readonly write: StreamCommand<PrecinctState, PrecinctWrite> }
  | { readonly kind: 'rejection'; readonly outcome: 'refused' | 'unparseable'; readonly write: StreamCommand<RejectionState, EventToAppend> };

@CommandHandler(RecordSubmissionsCommand)
export class RecordSubmissionsHandler implements ICommandHandler<RecordSubmissionsCommand> {
  private readonly logger = new Logger('Recorder');
  private readonly streams: RecorderStreams = recorderStreams(this.logger);
  /** Elections waited for in vain, and when: a burst for an unknown election waits only once. */
  private readonly missingElections = new Map<string, number>();

  constructor(
    private readonly writes: StreamCommandHandler,
    private readonly registry: ElectionRegistry,
    @Inject(RECORDER_IDENTITY) private readonly identity: RecorderIdentity,
  ) {}

  async execute({ topic, batch }: RecordSubmissionsCommand): Promise<RecordSubmissionsOutcome> {
    const items = batch.messages.map(classify);
    const elections = await this.resolveElections(items);
    const targets = items.map((item) => this.target(item, elections, topic, batch.partition));
    const handled = await this.writes.handleBatch(targets.map((t) => t.write));

    const counts = { recorded: 0, refused: 0, unparseable: 0, skipped: 0 };
    handled.outcomes.forEach((outcome, i) => {
      const target = targets[i];
      switch (outcome.kind) {
        case 'unchanged':
          counts.skipped++;
          return;
        case 'appended':
          if (target.kind === 'rejection') counts[target.outcome]++;
          else for (const event of outcome.events) counts[event.type === 'SubmissionRefused' ? 'refused' : 'recorded']++;
          return;
        case 'refused': {
          const never: never = outcome.refusal;
          throw new Error(`the recorder's streams refuse nothing as a value, got ${JSON.stringify(never)}`);
        }
      }
    });
    return { ...counts, appends: handled.appends };
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
      const event: UnparseableSubmission = {
        type: 'UnparseableSubmission',
        data: {
          raw: message.value.toString('base64'),
          key: wellFormed(message.key),
          topic,
          partition,
          offset: message.offset,
          reason: item.reason,
          ...item.guess,
        },
      };
      const id = unparseableEventId(topic, partition, message.offset, message.value);
      const metadata = this.metadata(topic, partition, message, item.guess.submissionId, item.guess.submissionId ?? message.offset);
      return this.rejection(item.guess.electionId, 'unparseable', eventToAppend(id, event, metadata));
    }
    const { envelope } = item;
    const command = toCommand(envelope);
    const election = elections.get(envelope.electionId);
    const metadata = this.metadata(topic, partition, message, envelope.submissionId, item.correlationId);
    if (election === undefined) return this.rejection(envelope.electionId, 'refused', refusalEvent(refusedForUnknownElection(command), metadata));
    const stream = election.precinct(envelope.precinctId) === undefined ? undefined : safeStream(() => streams.precinct(envelope.electionId, envelope.precinctId));
    if (stream === undefined) {
      // A precinct the election does not have gets no stream of its own (no junk streams); the
      // decider's refusal (UNKNOWN_PRECINCT) is kept with the election's rejections.
      const [refusal] = decidePrecinct(command, initialPrecinctState(), { election }) as [SubmissionRefused];
      return this.rejection(envelope.electionId, 'refused', refusalEvent(refusal, metadata));
    }
    return { kind: 'precinct', write: { streamName: stream, decider: this.streams.precinct, command: { command, election, metadata } } };
  }

  private rejection(electionId: string | undefined, outcome: 'refused' | 'unparseable', event: EventToAppend): Target {
    return { kind: 'rejection', outcome, write: { streamName: rejectionStream(electionId), decider: this.streams.rejection, command: event } };
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
  return eventToAppend(submissionEventId(refusal.data.submissionId, 0), refusal, metadata);
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
