// Records one queue batch, trusting nothing in it. Each message is decoded (its size, UTF-8, the
// envelope schema), checked for what the store cannot keep and for a receivedAt the queue's clock
// contradicts, its election found (waiting, with back-off, for one being defined elsewhere), and
// its signature verified — the key, not the envelope, says who submitted — before the precinct
// decider sees it. The event store's command handler then decides the verified ones in order
// (several submissions for one precinct, each against the state the previous left) and appends
// them as ONE appendMany with the expected revision per stream (one transaction on PostgreSQL and
// PGlite); a concurrent writer makes it decide again.
//
// What can never be recorded is no poison pill: it goes to the dead-letter topic with a reason
// code and its original bytes (after the batch's transaction, before the handler resolves, so
// the offsets are committed only once both are done), and the partition moves on. Nothing
// unverified becomes history: no counts, no refusal event.
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decidePrecinct, initialPrecinctState, misdating, type ElectionIndex, type PrecinctCommand, type ReceivedAtBound, type SubmissionRefused } from '@tally/domain';
import {
  DuplicateEventIdError,
  eventToAppend,
  streams,
  StreamCommandHandler,
  unstorableJson,
  WrongExpectedRevisionError,
  type CommandOutcome,
  type EventStore,
  type JsonObject,
  type StreamCommand,
} from '@tally/event-store';
import {
  deadLetterOf,
  decodeEnvelope,
  toCommand,
  type DeadLetterReason,
  type DeadLetterReasonCode,
  type DeliveredMessage,
  type SubmissionEnvelope,
  type SubmissionQueue,
} from '@tally/intake-queue';
import { submissionClaim, verifySigner, type SignedClaim } from '@tally/signatures';
import { ElectionRegistry } from '../elections/election-registry.service';
import { SignatureChecks } from '../infrastructure/signature-checks';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../infrastructure/tokens';
import { RecordSubmissionsCommand, type RecordSubmissionsOutcome } from './record-submissions.command';
import { submissionEventId } from './recorder-event-ids';
import { RECORDER_IDENTITY, type RecorderIdentity } from './recorder-identity';
import { RECORDER_POLICY, type RecorderPolicy } from './recorder-policy';
import { recorderStreams, type RecorderStreams, type Unstorable } from './recorder-streams';

/** Elections remembered while waited for or given up on: ids come from the queue, so the memory is bounded. */
const MAX_REMEMBERED_ELECTIONS = 10_000;

/** Thrown (after the rest of the batch is recorded) while an election is being waited for: the batch comes again. */
export class ElectionNotKnownYetError extends Error {
  constructor(readonly electionIds: readonly string[]) {
    super(`waiting for election ${electionIds.join(', ')}, which this recorder does not know yet; the batch comes again`);
    this.name = 'ElectionNotKnownYetError';
  }
}

type Item =
  | { readonly kind: 'envelope'; readonly message: DeliveredMessage; readonly envelope: SubmissionEnvelope; readonly correlationId: string }
  | { readonly kind: 'dead'; readonly message: DeliveredMessage; readonly reason: DeadLetterReason };

/** An envelope of an election the recorder knows: the command it carries and what its signature claims (with the threads' verdicts). */
interface Checked {
  readonly item: Extract<Item, { kind: 'envelope' }>;
  readonly election: ElectionIndex;
  readonly received: PrecinctCommand;
  readonly claim: SignedClaim;
}

/** What the batch's elections resolved to: the election, one given up on (`missing`), or one still waited for (`retry`). */
type Resolved = ElectionIndex | 'missing' | 'retry';

interface Waiting {
  readonly since: number;
  steps: number;
}

@CommandHandler(RecordSubmissionsCommand)
export class RecordSubmissionsHandler implements ICommandHandler<RecordSubmissionsCommand> {
  private readonly logger = new Logger('Recorder');
  private readonly streams: RecorderStreams;
  /** Elections being waited for: since when, and how many back-off steps were taken. */
  private readonly waiting = new Map<string, Waiting>();
  /** Elections waited for in vain, and when: their submissions are dead-lettered at once for a while. */
  private readonly givenUp = new Map<string, number>();

  constructor(
    private readonly writes: StreamCommandHandler,
    @Inject(EVENT_STORE) private readonly store: Pick<EventStore, 'readStream'>,
    private readonly registry: ElectionRegistry,
    @Inject(SUBMISSION_QUEUE) private readonly queue: Pick<SubmissionQueue, 'deadLetters'>,
    @Inject(RECORDER_IDENTITY) private readonly identity: RecorderIdentity,
    @Inject(RECORDER_POLICY) private readonly policy: RecorderPolicy,
    private readonly signatures: SignatureChecks,
  ) {
    this.streams = recorderStreams(this.logger, policy.cachedStreams);
  }

  async execute({ topic, batch }: RecordSubmissionsCommand): Promise<RecordSubmissionsOutcome> {
    const items = batch.messages.map((message) => classify(message, this.policy.receivedAt));
    const elections = await this.resolveElections(items);
    // Every envelope of a known election, its signature's Ed25519 checks run together on the
    // signature threads (infrastructure/signature-checks.ts).
    const checked = await Promise.all(
      items.map(async (item): Promise<Checked | undefined> => {
        const election = item.kind === 'envelope' ? elections.get(item.envelope.electionId) : undefined;
        if (item.kind !== 'envelope' || typeof election !== 'object') return undefined;
        const received = toCommand(item.envelope);
        const claim = submissionClaim(received);
        const verdicts = await this.signatures.verdicts(election, claim);
        return { item, election, received, claim: verdicts ? { ...claim, verdicts } : claim };
      }),
    );
    const letters = new Map<number, DeadLetterReason>();
    const writes: { readonly index: number; readonly write: StreamCommand<unknown, unknown, Unstorable> }[] = [];
    const waitedFor = new Set<string>();
    items.forEach((item, index) => {
      const envelope = checked[index];
      if (item.kind === 'dead') {
        letters.set(index, item.reason);
      } else if (envelope !== undefined) {
        const write = this.verifiedWrite(envelope, topic, batch.partition);
        if ('code' in write) letters.set(index, write);
        else writes.push({ index, write });
      } else if (elections.get(item.envelope.electionId) === 'retry') {
        waitedFor.add(item.envelope.electionId);
      } else {
        const message = `no election ${item.envelope.electionId} is defined here (waited up to ${this.policy.electionWaitMs} ms for it)`;
        letters.set(index, { code: 'UNKNOWN_ELECTION', message });
      }
    });

    const { outcomes, appends } = await this.recordAll(writes.map((w) => w.write));
    const counts = { recorded: 0, refused: 0, skipped: 0 };
    outcomes.forEach((outcome, i) => {
      switch (outcome.kind) {
        case 'unchanged':
          counts.skipped++;
          return;
        case 'appended':
          for (const event of outcome.events) counts[event.type === 'SubmissionRefused' ? 'refused' : 'recorded']++;
          return;
        case 'refused':
          letters.set(writes[i].index, { code: 'UNSTORABLE', message: outcome.refusal.reason });
          return;
      }
    });
    // The rest of the batch is in; the held-back submissions come again with it (what was
    // recorded is then skipped). Letters wait for the pass that resolves, so none is sent twice.
    if (waitedFor.size > 0) throw new ElectionNotKnownYetError([...waitedFor]);

    const deadLettered = await this.deadLetter(topic, batch.partition, items, letters);
    return { ...counts, deadLettered, appends };
  }

  /** A verified envelope's write on its stream, or why it is dead-lettered (UNVERIFIED). */
  private verifiedWrite({ item, election, received, claim }: Checked, topic: string, partition: number): StreamCommand<unknown, unknown, Unstorable> | DeadLetterReason {
    const { envelope, message } = item;
    const verdict = verifySigner(election, claim);
    if (!verdict.ok) return { code: 'UNVERIFIED', message: `${verdict.field}: ${verdict.message}` };
    // The key says who submitted (verifySigner refused any other claim).
    // In test mode what is recorded is a test fact (its own epoch, never in the live count). The
    // registry follows the election stream: a submission decided within its lag of the switch to
    // live is stamped as of before it (verify checks no live fact precedes the switch).
    const test = this.registry.inTestMode(envelope.electionId) ? { test: true as const } : {};
    const command = { ...received, meta: { ...received.meta, submittedBy: verdict.commission.id, ...test } };
    const metadata = this.metadata(topic, partition, message, envelope.submissionId, item.correlationId);
    const stream = election.precinct(envelope.precinctId) === undefined ? undefined : streams.precinct(envelope.electionId, envelope.precinctId);
    if (stream === undefined) {
      // A precinct the election does not have gets no stream of its own (no junk streams); the
      // decider's refusal (UNKNOWN_PRECINCT) of this signed submission is kept with the election's rejections.
      const [refusal] = decidePrecinct(command, initialPrecinctState(), { election }) as [SubmissionRefused];
      const event = eventToAppend(submissionEventId(refusal.data.submissionId, 0), refusal, metadata);
      return { streamName: streams.intakeRejections(envelope.electionId), decider: this.streams.rejection, command: event };
    }
    // The registry follows the election stream by subscription: a correction decided within that
    // lag of a certification is not refused here, and `tally audit verify` reports it (decider).
    const certifiedBodies = command.type === 'CorrectProtocol' ? this.registry.certifiedBodies(envelope.electionId) : undefined;
    return { streamName: stream, decider: this.streams.precinct, command: { command, election, certifiedBodies, metadata } };
  }

  /**
   * The elections the batch names. One the registry does not know is waited for (it may be being
   * defined by another process), in back-off steps of 1 s, 2 s, 4 s, … (policy) up to the total
   * wait: one step per delivery of the batch, so the consumer's other partitions get their turn
   * between steps. An id no election can have (not a valid stream id) is not waited for.
   */
  private async resolveElections(items: readonly Item[]): Promise<ReadonlyMap<string, Resolved>> {
    const ids = new Set(items.flatMap((i) => (i.kind === 'envelope' ? [i.envelope.electionId] : [])));
    const resolved = new Map<string, Resolved>();
    await Promise.all([...ids].map(async (id) => resolved.set(id, await this.resolveElection(id))));
    return resolved;
  }

  private async resolveElection(id: string): Promise<Resolved> {
    const known = this.registry.get(id);
    if (known !== undefined) return this.found(id, known);
    if (!nameable(id)) return 'missing';
    const { electionWaitMs, electionRetryMs, now } = this.policy;
    const gaveUpAt = this.givenUp.get(id);
    // A burst for an election that is not coming waits once, not once per batch.
    if (gaveUpAt !== undefined && now() - gaveUpAt < electionWaitMs) return 'missing';
    let waiting = this.waiting.get(id);
    if (waiting === undefined) {
      waiting = { since: now(), steps: 0 };
      remember(this.waiting, id, waiting);
    }
    const left = waiting.since + electionWaitMs - now();
    if (left > 0) {
      const step = Math.min(electionRetryMs * 2 ** waiting.steps++, left);
      this.logger.log(`waiting up to ${step} ms for election ${id} (step ${waiting.steps}, ${electionWaitMs - left} of ${electionWaitMs} ms waited)`);
      const election = await this.registry.waitFor(id, step);
      if (election !== undefined) return this.found(id, election);
      if (now() - waiting.since < electionWaitMs) return 'retry';
    }
    this.waiting.delete(id);
    remember(this.givenUp, id, now());
    this.logger.warn(`election ${id} is not defined here after ${electionWaitMs} ms: its submissions go to the dead-letter topic (UNKNOWN_ELECTION)`);
    return 'missing';
  }

  private found(id: string, election: ElectionIndex): ElectionIndex {
    this.waiting.delete(id);
    this.givenUp.delete(id);
    return election;
  }

  /**
   * handleBatch, and if its appendMany fails for another reason than a conflict: the halves
   * alone, down to the one message that fails (then `isolated`), so one message the store
   * refuses never keeps the rest of the batch out.
   */
  private async recordAll(commands: readonly StreamCommand<unknown, unknown, Unstorable>[]): Promise<{ outcomes: CommandOutcome<Unstorable>[]; appends: number }> {
    if (commands.length === 0) return { outcomes: [], appends: 0 };
    try {
      const handled = await this.writes.handleBatch(commands);
      return { outcomes: [...handled.outcomes], appends: handled.appends };
    } catch (error) {
      // Conflicts the command handler could not resolve in its attempts: the batch comes again.
      if (isConflict(error)) throw error;
      if (commands.length === 1) return { outcomes: [await this.isolated(commands[0], error)], appends: 0 };
      const middle = Math.ceil(commands.length / 2);
      const first = await this.recordAll(commands.slice(0, middle));
      const second = await this.recordAll(commands.slice(middle));
      return { outcomes: [...first.outcomes, ...second.outcomes], appends: first.appends + second.appends };
    }
  }

  /**
   * One message whose write failed alone. A store that does not answer a read is down: throw,
   * and the batch comes again. One that answers gets the write once more (a passing failure
   * passes); failing again, the message is what the store refuses.
   */
  private async isolated(command: StreamCommand<unknown, unknown, Unstorable>, first: unknown): Promise<CommandOutcome<Unstorable>> {
    try {
      await this.store.readStream(command.streamName, { maxCount: 1 });
    } catch {
      throw first;
    }
    try {
      return (await this.writes.handleBatch([command])).outcomes[0];
    } catch (again) {
      if (isConflict(again)) throw again;
      return { kind: 'refused', refusal: { reason: `its write failed twice, alone, while the store answered: ${again instanceof Error ? again.message : String(again)}` } };
    }
  }

  /** Publishes the batch's letters in offset order, logs each, and counts them by code. */
  private async deadLetter(
    topic: string,
    partition: number,
    items: readonly Item[],
    letters: ReadonlyMap<number, DeadLetterReason>,
  ): Promise<Partial<Record<DeadLetterReasonCode, number>>> {
    const counts: Partial<Record<DeadLetterReasonCode, number>> = {};
    if (letters.size === 0) return counts;
    const at = new Date(this.policy.now()).toISOString();
    const ordered = [...letters].sort(([a], [b]) => a - b);
    await this.queue.deadLetters.publish(ordered.map(([index, reason]) => deadLetterOf(items[index].message, { topic, partition }, reason, at)));
    for (const [index, reason] of ordered) {
      counts[reason.code] = (counts[reason.code] ?? 0) + 1;
      this.logger.warn(`dead-lettered ${topic}/${partition}@${items[index].message.offset}: ${reason.code} ${reason.message}`);
    }
    return counts;
  }

  private metadata(topic: string, partition: number, message: DeliveredMessage, submissionId: string, correlationId: string): JsonObject {
    // appendedAt: the queue's clock beside intake's receivedAt, for an auditor to set side by side.
    const queue = { topic, partition, offset: message.offset, ...(message.appendedAt === undefined ? {} : { appendedAt: message.appendedAt }) };
    return { submissionId, recordedBy: this.identity.instanceId, queue, correlationId };
  }
}

/** The header intake (or any producer) may set to tie logs of one request together. */
const CORRELATION_HEADERS = ['correlation-id', 'x-correlation-id'];
/** A correlation id longer than this is not one (it would only bloat every event's metadata). */
const MAX_CORRELATION_ID = 200;

/** Decoded, storable and received when the queue says, or the letter's reason: TOO_LARGE, UNDECODABLE (decodeEnvelope), UNSTORABLE, MISDATED. */
function classify(message: DeliveredMessage, bound: ReceivedAtBound): Item {
  const decoded = decodeEnvelope(message.value);
  if (!decoded.ok) return { kind: 'dead', message, reason: { code: decoded.code, message: decoded.reason } };
  // What JSON.parse accepts and the store does not (1e999 is Infinity; NUL, unpaired surrogates):
  // refused here, as a whole, instead of failing the batch's transaction on every redelivery.
  const unstorable = unstorableJson(decoded.envelope, 'envelope');
  if (unstorable !== undefined) return { kind: 'dead', message, reason: { code: 'UNSTORABLE', message: unstorable } };
  // The signature is judged by its key's validity at receivedAt: an instant the queue's clock
  // contradicts is a topic writer's, and judges nothing (libs/domain precinct/received-at.ts).
  const misdated = misdating(decoded.envelope.receivedAt, message.appendedAt, bound);
  if (misdated !== undefined) return { kind: 'dead', message, reason: { code: 'MISDATED', message: misdated } };
  return { kind: 'envelope', message, envelope: decoded.envelope, correlationId: correlationIdOf(message) ?? decoded.envelope.submissionId };
}

/** The producer's correlation header, when it is text the store can keep. */
function correlationIdOf(message: DeliveredMessage): string | undefined {
  const header = CORRELATION_HEADERS.map((h) => message.headers[h]).find((v) => v !== undefined);
  if (header === undefined || header.length > MAX_CORRELATION_ID) return undefined;
  const text = header.toString('utf8');
  return Buffer.from(text, 'utf8').equals(header) && unstorableJson(text, 'correlation id') === undefined ? text : undefined;
}

/** Could an election have this id (it names the election's stream)? None can be defined under any other. */
function nameable(electionId: string): boolean {
  try {
    streams.election(electionId);
    return true;
  } catch {
    return false;
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError;
}

/** Sets a key, forgetting the oldest entries beyond MAX_REMEMBERED_ELECTIONS. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= MAX_REMEMBERED_ELECTIONS) break;
    map.delete(oldest);
  }
}
