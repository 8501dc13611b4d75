// The EventStoreDB (KurrentDB) adapter. Revisions are bigint on both sides; $all positions
// `{commit, prepare}` become the opaque checkpoint `commit:prepare`; the client's
// WrongExpectedVersionError becomes the port's WrongExpectedRevisionError.
//
// The hash chain needs the previous event's hash, so every append reads the stream's tail first and
// then appends with that EXACT revision: a concurrent writer makes the append fail instead of
// forking the chain, and a retry carries the same exact revision, which the server deduplicates.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { expectationHolds, firstRevisionFits, normalizeExpected, validateAppend } from '../append-rules';
import { DuplicateEventIdError, WrongExpectedRevisionError, type ActualRevision } from '../event-store.errors';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  RecordedEventBody,
  RecordedMetadata,
  StreamAppend,
  SubscribeOptions,
  SubscriptionEnd,
  SubscriptionHandle,
} from '../event-store.port';
import { chainMetadata, GENESIS_HASH } from '../hash-chain';
import { comparePositions, formatPosition, parsePosition, START_POSITION } from '../position';
import { categoryPrefix, matchesFilter } from '../stream-names';

export interface EventStoreDbEventStoreOptions {
  readonly connectionString: string;
}

const DEFAULT_BATCH_SIZE = 1000;
const MAX_RACE_RETRIES = 5;

type EsdbRecorded = NonNullable<ResolvedEvent['event']>;

function positionOf(p: Position): string {
  return formatPosition(p.commit, p.prepare);
}

function toReadPosition(checkpoint: string): Position | typeof START {
  if (checkpoint === START_POSITION) return START;
  const { major, minor } = parsePosition(checkpoint);
  return { commit: major, prepare: minor };
}

function toRecorded(e: EsdbRecorded): RecordedEvent {
  if (!e.position) throw new Error('EventStoreDB returned an event without its $all position (server older than 22.6?)');
  return {
    streamName: e.streamId,
    revision: e.revision,
    position: positionOf(e.position),
    id: e.id,
    type: e.type,
    data: e.data as JsonObject,
    metadata: e.metadata as RecordedMetadata,
    recordedAt: e.created,
  };
}

/** Our events only: JSON events in non-system streams. */
function isOurs(e: EsdbRecorded | undefined): e is EsdbRecorded {
  return e !== undefined && e.isJson && !e.streamId.startsWith('$') && !e.type.startsWith('$');
}

export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<SubscriptionHandle>();

  constructor(private readonly client: EventStoreDBClient) {}

  async append(streamName: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[]): Promise<AppendResult> {
    validateAppend({ streamName, expectedRevision, events });
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.appendOnce(streamName, expectedRevision, events);
      } catch (error) {
        // Lost a race while our expectation may still hold (only 'stream-exists' can): read again.
        if (error instanceof WrongExpectedVersionError && expectedRevision === 'stream-exists' && attempt < MAX_RACE_RETRIES) continue;
        if (error instanceof WrongExpectedVersionError) {
          const actual: ActualRevision = typeof error.actualVersion === 'bigint' ? error.actualVersion : 'no-stream';
          throw new WrongExpectedRevisionError(streamName, expectedRevision, actual);
        }
        throw error;
      }
    }
  }

  /** No multi-stream transactions here: items go in order, each idempotent (see the port). */
  async appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
    batch.forEach(validateAppend);
    const results: AppendResult[] = [];
    for (const [index, item] of batch.entries()) {
      try {
        results.push(await this.append(item.streamName, item.expectedRevision, item.events));
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError) throw error.withBatchIndex(index);
        throw error;
      }
    }
    return results;
  }

  private async appendOnce(streamName: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[]): Promise<AppendResult> {
    const expected = normalizeExpected(expectedRevision);
    const tail = await this.readTail(streamName);
    const ids = events.map((e) => e.id.toLowerCase());

    // A retry of an append that already succeeded: the ids sit where that append put them.
    const firstRevision = expected === 'no-stream' ? 0n : expected === 'stream-exists' ? undefined : expected + 1n;
    const candidates =
      firstRevision !== undefined
        ? await this.readStream(streamName, { fromRevision: firstRevision, maxCount: ids.length })
        : tail.actual === 'no-stream'
          ? []
          : await this.readLast(streamName, ids.length);
    if (
      candidates.length === ids.length &&
      candidates.every((c, i) => c.id.toLowerCase() === ids[i]) &&
      firstRevisionFits(expected, candidates[0].revision)
    ) {
      const last = candidates[candidates.length - 1];
      return { streamName, nextRevision: last.revision, position: last.position, alreadyRecorded: true };
    }
    if (candidates.some((c) => ids.includes(c.id.toLowerCase()))) {
      throw new DuplicateEventIdError(streamName, candidates.filter((c) => ids.includes(c.id.toLowerCase())).map((c) => c.id));
    }
    if (!expectationHolds(expected, tail.actual)) throw new WrongExpectedRevisionError(streamName, expectedRevision, tail.actual);

    let revision = tail.actual === 'no-stream' ? 0n : tail.actual + 1n;
    let previousHash = tail.hash;
    const data = events.map((event, i) => {
      const metadata = chainMetadata({ streamName, revision, id: ids[i], type: event.type, data: event.data, metadata: event.metadata ?? {} }, previousHash);
      previousHash = metadata.contentHash;
      revision += 1n;
      return jsonEvent({ id: ids[i], type: event.type, data: event.data as Record<string, unknown>, metadata: metadata as Record<string, unknown> });
    });
    const result = await this.client.appendToStream(streamName, data, {
      expectedRevision: tail.actual === 'no-stream' ? NO_STREAM : tail.actual,
    });
    if (!result.position) throw new Error('EventStoreDB returned no $all position for an append');
    return { streamName, nextRevision: result.nextExpectedRevision, position: positionOf(result.position), alreadyRecorded: false };
  }

  private async readTail(streamName: string): Promise<{ actual: ActualRevision; hash: string }> {
    const [last] = await this.readLast(streamName, 1);
    if (!last) return { actual: 'no-stream', hash: GENESIS_HASH };
    return { actual: last.revision, hash: typeof last.metadata.contentHash === 'string' ? last.metadata.contentHash : GENESIS_HASH };
  }

  /** The stream's last `count` events, oldest first. */
  private async readLast(streamName: string, count: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: count })) {
        if (resolved.event) out.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out.reverse();
  }

  async readStreams(streamNames: readonly string[]): Promise<ReadonlyMap<string, readonly RecordedEvent[]>> {
    // One read per stream (the client has no multi-stream read), a handful at a time over its one connection.
    const names = [...new Set(streamNames)];
    const out = new Map<string, readonly RecordedEvent[]>();
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < names.length) {
        const name = names[next++];
        out.set(name, await this.readStream(name));
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, names.length) }, reader));
    return out;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<readonly RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamName, {
        direction: FORWARDS,
        fromRevision: BigInt(options.fromRevision ?? 0),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of read) if (resolved.event) out.push(toRecorded(resolved.event));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const from = options.from ?? START_POSITION;
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    // readAll's fromPosition is inclusive; read one more and drop the checkpoint's own event.
    const maxCount = from === START_POSITION ? batchSize : batchSize + 1;
    const events: RecordedEvent[] = [];
    let checkpoint = from;
    let scanned = 0;
    for await (const resolved of this.client.readAll({ fromPosition: toReadPosition(from), maxCount, direction: FORWARDS })) {
      const e = resolved.event;
      if (!e?.position) continue;
      const position = positionOf(e.position);
      if (comparePositions(position, from) <= 0) continue;
      scanned += 1;
      checkpoint = position;
      if (isOurs(e) && matchesFilter(e.streamId, options.filter)) events.push(toRecorded(e));
    }
    return { events, checkpoint, isEnd: scanned < batchSize };
  }

  /** EventStoreDB sends each event whole: the metadata is read and dropped here. */
  async readAllWithoutMetadata(options: ReadAllOptions = {}): Promise<ReadAllResult<RecordedEventBody>> {
    const page = await this.readAll(options);
    return { ...page, events: page.events.map(({ metadata: _metadata, ...body }) => body) };
  }

  /** Supervised: when the server drops the subscription, it restarts from the last checkpoint. */
  subscribe(options: SubscribeOptions): SubscriptionHandle {
    let stopped = false;
    let current: AllStreamSubscription | undefined;
    let checkpoint = options.from ?? START_POSITION;

    const run = async (): Promise<SubscriptionEnd> => {
      const prefixes = options.filter?.categories.map(categoryPrefix);
      const onCheckpoint = async (_s: AllStreamSubscription, p: Position): Promise<void> => {
        const position = positionOf(p);
        if (comparePositions(position, checkpoint) > 0) {
          checkpoint = position;
          await options.onCheckpoint?.(position);
        }
      };
      const subscription = this.client.subscribeToAll({
        fromPosition: toReadPosition(checkpoint),
        filter: prefixes ? streamNameFilter({ prefixes, checkpointReached: onCheckpoint }) : excludeSystemEvents({ checkpointReached: onCheckpoint }),
      });
      current = subscription;
      subscription.on('caughtUp', () => options.onCaughtUp?.());
      try {
        for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
          if (stopped) break;
          const e = resolved.event;
          if (!isOurs(e) || !e.position) continue;
          const event = toRecorded(e);
          if (comparePositions(event.position, checkpoint) <= 0) continue;
          try {
            await options.onEvent(event);
          } catch (error) {
            return { kind: 'failed', error };
          }
          checkpoint = event.position;
        }
      } catch (error) {
        // Dropped (server restart, network): the caller's supervisor (SupervisedSubscription)
        // resubscribes from its checkpoint, and readiness sees the failure meanwhile.
        if (!stopped) return { kind: 'failed', error };
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
      }
      return stopped ? { kind: 'stopped' } : { kind: 'failed', error: new Error('the EventStoreDB subscription ended') };
    };

    const ended = run().catch((error: unknown): SubscriptionEnd => ({ kind: 'failed', error }));
    const handle: SubscriptionHandle = {
      ended,
      stop: async () => {
        stopped = true;
        await current?.unsubscribe().catch(() => undefined);
        await ended;
      },
    };
    this.subscriptions.add(handle);
    void ended.then(() => this.subscriptions.delete(handle));
    return handle;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }
}

export async function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): Promise<EventStore> {
  const client = EventStoreDBClient.connectionString(options.connectionString);
  return new EventStoreDbEventStore(client);
}
