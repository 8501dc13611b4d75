// The event store on PostgreSQL SQL, shared by the server adapter (pg) and the embedded one
// (PGlite): one code path, the engines differ only behind SqlExecutor.
//
// Global order without gaps: a bigserial is assigned at insert but becomes visible at commit, so a
// reader could pass a position a slower transaction fills later. Each row therefore records its
// writer's transaction id (xid8); readers return only rows of transactions older than every
// running transaction (`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`), ordered by
// (transaction_id, global_position), and checkpoint that pair.
import { canonicalJson } from '@tally/encoding';
import { DuplicateEventIdError, SchemaSetupRequiredError, WrongExpectedRevisionError, type ActualRevision } from '../event-store.errors';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  RecordedEventBody,
  RecordedMetadata,
  StreamAppend,
  SubscribeOptions,
  SubscriptionHandle,
} from '../event-store.port';
import { expectationHolds, firstRevisionFits, normalizeExpected, validateAppend } from '../append-rules';
import { chainMetadata, GENESIS_HASH } from '../hash-chain';
import { formatPosition, parsePosition, START_POSITION } from '../position';
import { categoryFilter, categoryPrefix, matchesFilter } from '../stream-names';
import { runPollingSubscription, type WakeListener, type WakeSource } from './polling-subscription';
import type { SqlExecutor, SqlRow } from './sql-executor';
import { MIGRATION_LOCK_KEY, MIGRATIONS, MIGRATIONS_TABLE_SQL, NOTIFY_CHANNEL } from './sql-schema';

export interface SqlEventStoreOptions {
  /** Fallback poll interval when no NOTIFY arrives (ms); NOTIFY normally wakes followers at once. */
  readonly pollIntervalMs?: number;
  /** Close the executor on `close()` (true when the store created it). */
  readonly ownsExecutor?: boolean;
}

const DEFAULT_BATCH_SIZE = 1000;
// A unique (stream, revision) violation means a concurrent writer won the race; re-running the
// transaction then sees its commit and answers properly (idempotent replay or a typed conflict).
const MAX_RACE_RETRIES = 5;

/**
 * A stored event as one JSON text column: [tx, gp, stream, revision, id, type, data, recorded_at,
 * metadata] (BODY_JSON, for readAllWithoutMetadata, is the same less the metadata at its end).
 * Reading nine columns cost more than the query itself on PGlite: its wire parser
 * copies and decodes every field apart, and parses each jsonb again (profiled: a 40k-event read
 * 1.2–1.6 s as nine columns, 0.8–0.9 s as one, same run). pg gains likewise, fewer fields per row.
 * Every bigint travels as text (pg returns int8 as strings, PGlite as numbers). data and metadata
 * are json columns (schema version 2), so their text goes into the array as it is, not rendered.
 */
const BODY_COLUMNS = `transaction_id::text, global_position::text, stream_name, stream_revision::text, event_id::text, event_type, data, recorded_at`;
const EVENT_JSON = `json_build_array(${BODY_COLUMNS}, metadata)::text`;
const BODY_JSON = `json_build_array(${BODY_COLUMNS})::text`;

interface EventRow extends SqlRow {
  e: string;
}

type BodyTuple = [tx: string, gp: string, streamName: string, revision: string, id: string, type: string, data: RecordedEvent['data'], recordedAt: string];
type EventTuple = [...BodyTuple, metadata: RecordedMetadata];

const toRecorded = (row: EventRow): RecordedEvent => tupleToRecorded(JSON.parse(row.e) as EventTuple);

function tupleToRecorded([tx, gp, streamName, revision, id, type, data, recordedAt, metadata]: EventTuple): RecordedEvent {
  // JSON writes timestamptz as ISO 8601 with its offset; Date keeps milliseconds, as the column parsers did.
  return { streamName, revision: BigInt(revision), position: formatPosition(tx, gp), id, type, data, metadata, recordedAt: new Date(recordedAt) };
}

function tupleToBody([tx, gp, streamName, revision, id, type, data, recordedAt]: BodyTuple): RecordedEventBody {
  return { streamName, revision: BigInt(revision), position: formatPosition(tx, gp), id, type, data, recordedAt: new Date(recordedAt) };
}

/** True when every migration is applied, read with SELECT only (what a service role may do). */
async function schemaIsCurrent(sql: SqlExecutor): Promise<boolean> {
  const [table] = await sql.query<{ name: string | null }>(`SELECT to_regclass('tally_event_store_migrations')::text AS name`);
  if (!table?.name) return false;
  const applied = new Set((await sql.query<{ version: number }>('SELECT version FROM tally_event_store_migrations')).map((r) => Number(r.version)));
  return MIGRATIONS.every((m) => applied.has(m.version));
}

/**
 * Creates or migrates the schema. A schema already current is left alone without a single CREATE
 * or lock, so a service role that may only SELECT and INSERT opens it; one that is missing or
 * behind, where the role may not create it, fails naming the fix (`tally db setup`).
 */
export async function migrateSqlSchema(sql: SqlExecutor): Promise<void> {
  if (await schemaIsCurrent(sql)) return;
  try {
    await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [String(MIGRATION_LOCK_KEY)]);
      await tx.query(MIGRATIONS_TABLE_SQL);
      const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM tally_event_store_migrations')).map((r) => Number(r.version)));
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements) await tx.query(statement);
        await tx.query('INSERT INTO tally_event_store_migrations (version) VALUES ($1)', [migration.version]);
      }
    });
  } catch (error) {
    if (sqlState(error) !== INSUFFICIENT_PRIVILEGE) throw error;
    throw new SchemaSetupRequiredError(
      `the event store's schema is missing or older than this version (${MIGRATIONS.length} migrations) and this database role may not create it ` +
        `(${(error as Error).message}): run \`tally db setup --service-role <this role>\` as the schema's owner first`,
    );
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';
const sqlState = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

interface PendingRow {
  streamName: string;
  revision: bigint;
  event: EventToAppend;
  metadata: RecordedMetadata;
  /** canonicalJson(event.data): hashed for the chain, and the very text written. */
  canonicalData: string;
}

/** Where an already-known event sits: recorded (with its position) or pending in this batch. */
interface KnownEvent {
  revision: bigint;
  position?: string;
  pendingIndex?: number;
}

interface StreamTail {
  actual: ActualRevision;
  hash: string;
  ids: Map<string, KnownEvent>;
}

type ItemOutcome =
  | { kind: 'replay'; streamName: string; nextRevision: bigint; last: KnownEvent }
  | { kind: 'write'; streamName: string; nextRevision: bigint; lastPendingIndex: number };

/** A read subscriptions may still join: what they want, and what they will get. */
interface PendingRead {
  readonly categories: Set<string>;
  everything: boolean;
  result: Promise<ReadAllResult>;
}

export class SqlEventStore implements EventStore {
  private readonly subscriptions = new Set<SubscriptionHandle>();
  private readonly wakeListeners = new Set<WakeListener>();
  /** Subscription reads not sent yet, by batch size and checkpoint: see sharedRead. */
  private readonly pendingReads = new Map<string, PendingRead>();
  private unlisten: Promise<() => Promise<void>> | undefined;
  private closed = false;

  private constructor(
    private readonly sql: SqlExecutor,
    private readonly options: SqlEventStoreOptions,
  ) {}

  /** Migrates the schema, then returns the store. */
  static async open(sql: SqlExecutor, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    await migrateSqlSchema(sql);
    return new SqlEventStore(sql, options);
  }

  async append(streamName: string, expectedRevision: StreamAppend['expectedRevision'], events: readonly EventToAppend[]): Promise<AppendResult> {
    try {
      const [result] = await this.appendMany([{ streamName, expectedRevision, events }]);
      return result;
    } catch (error) {
      // A single append has no batch index to report.
      if (error instanceof WrongExpectedRevisionError) throw new WrongExpectedRevisionError(error.streamName, error.expected, error.actual);
      if (error instanceof DuplicateEventIdError) throw new DuplicateEventIdError(error.streamName, error.eventIds);
      throw error;
    }
  }

  async appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]> {
    this.assertOpen();
    if (batch.length === 0) return [];
    batch.forEach(validateAppend);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.appendOnce(batch);
      } catch (error) {
        if (attempt < MAX_RACE_RETRIES && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  /**
   * Two statements, no BEGIN … COMMIT: one reads the tails, the other inserts the batch and
   * notifies, each atomic on its own (a statement is its own transaction). Nothing needs the two
   * in one transaction: a writer that appended to one of the streams in between took the revision
   * this insert wants, so the insert fails on the (stream, revision) key and the append runs again
   * on the new tails (appendMany), as it did inside a transaction at READ COMMITTED. Six round trips
   * to the server were two: the recorder's batch pays them in latency (measured in bench/HISTORY.md).
   */
  private async appendOnce(batch: readonly StreamAppend[]): Promise<AppendResult[]> {
    const tails = await this.loadTails(batch);
    const pending: PendingRow[] = [];
    const outcomes = batch.map((item, batchIndex): ItemOutcome => {
      const tail = tails.get(item.streamName)!;
      const expected = normalizeExpected(item.expectedRevision);
      const known = item.events.map((e) => tail.ids.get(e.id.toLowerCase()));

      if (known.some((k) => k !== undefined)) {
        // A retry is recognised only when every id sits at consecutive revisions where this very
        // append (with this expectation) would have put it.
        const first = known[0];
        const isReplay =
          first !== undefined &&
          firstRevisionFits(expected, first.revision) &&
          known.every((k, i) => k !== undefined && k.revision === first.revision + BigInt(i));
        if (!isReplay) {
          const ids = item.events.filter((_, i) => known[i] !== undefined).map((e) => e.id.toLowerCase());
          throw new DuplicateEventIdError(item.streamName, ids, batchIndex);
        }
        const last = known[known.length - 1]!;
        return { kind: 'replay', streamName: item.streamName, nextRevision: last.revision, last };
      }

      if (!expectationHolds(expected, tail.actual)) {
        throw new WrongExpectedRevisionError(item.streamName, item.expectedRevision, tail.actual, batchIndex);
      }
      let revision = tail.actual === 'no-stream' ? 0n : tail.actual + 1n;
      for (const event of item.events) {
        const hashable = { streamName: item.streamName, revision, id: event.id.toLowerCase(), type: event.type, data: event.data, metadata: event.metadata ?? {} };
        const canonicalData = canonicalJson(event.data);
        const metadata = chainMetadata(hashable, tail.hash, canonicalData);
        pending.push({ streamName: item.streamName, revision, event: { ...event, id: hashable.id }, metadata, canonicalData });
        tail.ids.set(hashable.id, { revision, pendingIndex: pending.length - 1 });
        tail.actual = revision;
        tail.hash = metadata.contentHash;
        revision += 1n;
      }
      return { kind: 'write', streamName: item.streamName, nextRevision: revision - 1n, lastPendingIndex: pending.length - 1 };
    });

    const positions = pending.length > 0 ? await this.insert(pending) : [];

    const positionOf = (k: KnownEvent): string => k.position ?? positions[k.pendingIndex!];
    return outcomes.map((o) =>
      o.kind === 'replay'
        ? { streamName: o.streamName, nextRevision: o.nextRevision, position: positionOf(o.last), alreadyRecorded: true }
        : { streamName: o.streamName, nextRevision: o.nextRevision, position: positions[o.lastPendingIndex], alreadyRecorded: false },
    );
  }

  /**
   * Each stream's last revision and hash, plus where the batch's event ids already are: one
   * statement, so both halves see the same snapshot.
   */
  private async loadTails(batch: readonly StreamAppend[]): Promise<Map<string, StreamTail>> {
    const names = [...new Set(batch.map((b) => b.streamName))];
    const tails = new Map<string, StreamTail>(names.map((n) => [n, { actual: 'no-stream', hash: GENESIS_HASH, ids: new Map() }]));
    const pairNames: string[] = [];
    const pairIds: string[] = [];
    for (const item of batch) {
      for (const e of item.events) {
        pairNames.push(item.streamName);
        pairIds.push(e.id.toLowerCase());
      }
    }
    // Heads: one backward index step per stream. (DISTINCT ON read and sorted every row of each
    // stream: about 4 ms an append at 1,000 events a stream on PGlite, against 0.1 ms this way.)
    // Ids: the batch's event ids already in their streams (a retried append).
    const rows = await this.sql.query<{ head: boolean; stream_name: string; revision: string; hash: string | null; event_id: string | null; tx: string | null; gp: string | null }>(
      `SELECT true AS head, n.stream_name, h.revision, h.hash, NULL::text AS event_id, NULL::text AS tx, NULL::text AS gp
         FROM unnest($1::text[]) AS n(stream_name)
         CROSS JOIN LATERAL (
           SELECT stream_revision::text AS revision, metadata->>'contentHash' AS hash
             FROM tally_events e WHERE e.stream_name = n.stream_name
            ORDER BY stream_revision DESC LIMIT 1) h
       UNION ALL
       SELECT false, e.stream_name, e.stream_revision::text, NULL, e.event_id::text, e.transaction_id::text, e.global_position::text
         FROM tally_events e
         JOIN unnest($2::text[], $3::uuid[]) AS wanted(stream_name, event_id)
           ON e.stream_name = wanted.stream_name AND e.event_id = wanted.event_id`,
      [names, pairNames, pairIds],
    );
    for (const r of rows) {
      const tail = tails.get(r.stream_name)!;
      if (r.head) {
        tail.actual = BigInt(r.revision);
        tail.hash = r.hash ?? GENESIS_HASH;
      } else {
        tail.ids.set(r.event_id!, { revision: BigInt(r.revision), position: formatPosition(r.tx!, r.gp!) });
      }
    }
    return tails;
  }

  /**
   * One multi-row INSERT for the whole batch, and the NOTIFY that wakes subscriptions, in one
   * statement (delivered when it commits); returns each pending row's position.
   */
  private async insert(rows: readonly PendingRow[]): Promise<string[]> {
    const returned = await this.sql.query<{ stream_name: string; revision: string; tx: string; gp: string }>(
      `WITH inserted AS (
         INSERT INTO tally_events (stream_name, stream_revision, event_id, event_type, data, metadata)
         SELECT r.stream_name, r.stream_revision, r.event_id, r.event_type, r.data::json, r.metadata::json
           FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[])
                WITH ORDINALITY AS r(stream_name, stream_revision, event_id, event_type, data, metadata, ord)
          ORDER BY r.ord
         RETURNING stream_name, stream_revision::text AS revision, transaction_id::text AS tx, global_position::text AS gp),
       notified AS (SELECT pg_notify($7, ''))
       SELECT inserted.* FROM inserted CROSS JOIN notified`,
      [
        rows.map((r) => r.streamName),
        rows.map((r) => r.revision.toString()),
        rows.map((r) => r.event.id),
        rows.map((r) => r.event.type),
        // Canonical text (keys sorted): read back, every object is in canonical order, and the
        // audit's hash check writes it again with JSON.stringify (canonicalJson's fast path).
        rows.map((r) => r.canonicalData),
        rows.map((r) => canonicalJson(r.metadata)),
        NOTIFY_CHANNEL,
      ],
    );
    // RETURNING order is not guaranteed: match rows back by their (stream, revision) key.
    const byKey = new Map<string, string>();
    for (const r of returned) {
      byKey.set(`${r.revision}:${r.stream_name}`, formatPosition(r.tx, r.gp));
    }
    return rows.map((r) => byKey.get(`${r.revision}:${r.streamName}`)!);
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<readonly RecordedEvent[]> {
    this.assertOpen();
    const from = BigInt(options.fromRevision ?? 0);
    const rows = await this.sql.query<EventRow>(
      `SELECT ${EVENT_JSON} AS e FROM tally_events
        WHERE stream_name = $1 AND stream_revision >= $2::bigint
        ORDER BY stream_revision
        LIMIT $3::bigint`,
      [streamName, from.toString(), options.maxCount === undefined ? null : String(options.maxCount)],
    );
    return rows.map(toRecorded);
  }

  async readStreams(streamNames: readonly string[]): Promise<ReadonlyMap<string, readonly RecordedEvent[]>> {
    this.assertOpen();
    const names = [...new Set(streamNames)];
    const out = new Map<string, RecordedEvent[]>(names.map((n) => [n, []]));
    if (names.length === 0) return out;
    const rows = await this.sql.query<EventRow & { stream_name: string }>(
      `SELECT stream_name, ${EVENT_JSON} AS e FROM tally_events
        WHERE stream_name = ANY($1::text[])
        ORDER BY stream_name, stream_revision`,
      [names],
    );
    for (const row of rows) out.get(row.stream_name)!.push(toRecorded(row));
    return out;
  }

  readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    return this.readPage(options, EVENT_JSON, (tuple) => tupleToRecorded(tuple as EventTuple));
  }

  readAllWithoutMetadata(options: ReadAllOptions = {}): Promise<ReadAllResult<RecordedEventBody>> {
    return this.readPage(options, BODY_JSON, (tuple) => tupleToBody(tuple as BodyTuple));
  }

  private async readPage<E extends RecordedEventBody>(options: ReadAllOptions, eventJson: string, toEvent: (tuple: unknown[]) => E): Promise<ReadAllResult<E>> {
    this.assertOpen();
    const from = parsePosition(options.from ?? START_POSITION);
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const prefixes = options.filter ? options.filter.categories.map(categoryPrefix) : null;
    // The inner query scans at most batchSize visible rows; rows the filter rejects come back as
    // [tx, gp] only, to move the checkpoint past them.
    const scan = `SELECT transaction_id, global_position, stream_name, stream_revision, event_id, event_type, data, metadata, recorded_at,
                      ($4::text[] IS NULL OR stream_name ^@ ANY($4::text[])) AS matched
                 FROM tally_events
                WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
                  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY transaction_id, global_position
                LIMIT $3::bigint`;
    const tupleOf = `CASE WHEN s.matched THEN ${eventJson} ELSE json_build_array(transaction_id::text, global_position::text)::text END`;
    const params = [from.major.toString(), from.minor.toString(), String(batchSize), prefixes];
    let tuples: unknown[][];
    if (this.sql.pageAsOneRow) {
      const [row] = await this.sql.query<{ e: string | null }>(
        `SELECT '[' || string_agg(${tupleOf}, ',' ORDER BY s.transaction_id, s.global_position) || ']' AS e FROM (${scan}) s`,
        params,
      );
      tuples = row?.e ? (JSON.parse(row.e) as unknown[][]) : [];
    } else {
      const rows = await this.sql.query<EventRow>(`SELECT ${tupleOf} AS e FROM (${scan}) s ORDER BY s.transaction_id, s.global_position`, params);
      tuples = rows.map((r) => JSON.parse(r.e) as unknown[]);
    }
    const events: E[] = [];
    let last: readonly string[] | undefined;
    for (const tuple of tuples) {
      if (tuple.length > 2) events.push(toEvent(tuple));
      last = tuple as readonly string[];
    }
    return {
      events,
      checkpoint: last ? formatPosition(last[0], last[1]) : formatPosition(from.major, from.minor),
      isEnd: tuples.length < batchSize,
    };
  }

  subscribe(options: SubscribeOptions): SubscriptionHandle {
    this.assertOpen();
    const wake: WakeSource = {
      add: (listener) => {
        this.wakeListeners.add(listener);
        this.ensureListening();
      },
      remove: (listener) => this.wakeListeners.delete(listener),
    };
    const handle = runPollingSubscription({
      read: (from, batchSize) => this.sharedRead(from, batchSize, options.filter),
      wake,
      options,
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
    });
    this.subscriptions.add(handle);
    void handle.ended.then(() => this.subscriptions.delete(handle));
    return handle;
  }

  /**
   * A subscription's read, shared with every other subscription of this store that asks from the
   * same checkpoint before the query is sent: one hint wakes them all at the same checkpoint, and
   * each read the same rows and parsed the same JSON (the embedded process has four subscriptions;
   * on PGlite those reads were the largest share of the store's time, profiled). The query runs a
   * turn of the event loop later, filtered by the union of the joiners' categories; each gets the
   * rows of its own. Joining only before the query is sent keeps the guarantee a read of one's own
   * gives: everything committed before the call is in it.
   */
  private sharedRead(from: string, batchSize: number, filter: EventFilter | undefined): Promise<ReadAllResult> {
    const key = `${batchSize}|${from}`;
    let read = this.pendingReads.get(key);
    if (read === undefined) {
      const wanted = { categories: new Set<string>(), everything: false };
      const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pendingReads.delete(key);
        return this.readAll({ from, batchSize, ...(wanted.everything ? {} : { filter: categoryFilter(...wanted.categories) }) });
      });
      // The same object the query reads when it is sent: later joiners add to it.
      read = Object.assign(wanted, { result });
      this.pendingReads.set(key, read);
    }
    if (filter === undefined) read.everything = true;
    else for (const category of filter.categories) read.categories.add(category);
    return read.result.then((result) => (filter === undefined ? result : { ...result, events: result.events.filter((e) => matchesFilter(e.streamName, filter)) }));
  }

  private ensureListening(): void {
    if (this.unlisten) return;
    const listening = this.sql.listen(
      NOTIFY_CHANNEL,
      () => {
        for (const listener of this.wakeListeners) listener.wake();
      },
      (error) => this.lostListening(listening, error),
    );
    this.unlisten = listening;
    listening.catch((error: unknown) => this.lostListening(listening, error instanceof Error ? error : new Error(String(error))));
  }

  /**
   * The wake-up channel died or could not be opened: the subscriptions fail (their supervisors
   * resubscribe, and the next subscribe listens again) rather than follow the store at the pace
   * of a fallback poll without anyone knowing.
   */
  private lostListening(listening: Promise<unknown>, error: Error): void {
    if (this.unlisten !== listening || this.closed) return;
    this.unlisten = undefined;
    const cause = new Error(`the store's NOTIFY channel was lost: ${error.message}`, { cause: error });
    for (const listener of [...this.wakeListeners]) listener.lost(cause);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.unlisten) {
      const unlisten = await this.unlisten.catch(() => undefined);
      await unlisten?.().catch(() => undefined);
    }
    if (this.options.ownsExecutor ?? true) await this.sql.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
