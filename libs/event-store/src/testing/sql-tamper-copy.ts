// Test support: a copy of a store's events in another SQL database with the append-only trigger
// disabled, so tests can tamper with it (flip a byte, delete, swap, rewrite) and check that verifyStore
// notices. The real store refuses all three, which its own tests prove.
import type { EventStore, JsonObject } from '../event-store.port';
import { chainMetadata } from '../hash-chain';
import { SqlEventStore } from '../sql/sql-event-store';
import type { SqlExecutor } from '../sql/sql-executor';
import { readEverything } from './read-everything';

export interface TamperableCopy {
  readonly store: EventStore;
  flipOneByteOfData(streamName: string, revision: bigint): Promise<void>;
  deleteEvent(streamName: string, revision: bigint): Promise<void>;
  swapEvents(streamName: string, revisionA: bigint, revisionB: bigint): Promise<void>;
  /** Flips a byte of the event's data and writes its content hash anew, as a superuser who knows the scheme would: the event itself checks out. */
  rewriteEvent(streamName: string, revision: bigint): Promise<void>;
  close(): Promise<void>;
}

/** Flips the lowest bit of the last letter or digit of the data's JSON, keeping it valid JSON. */
export function flipOneByte(data: JsonObject): JsonObject {
  const text = JSON.stringify(data);
  for (let i = text.length - 1; i >= 0; i--) {
    if (!/[A-Za-z0-9]/.test(text[i])) continue;
    const flipped = String.fromCharCode(text.charCodeAt(i) ^ 1);
    if (!/[A-Za-z0-9]/.test(flipped)) continue;
    const candidate = text.slice(0, i) + flipped + text.slice(i + 1);
    try {
      return JSON.parse(candidate) as JsonObject;
    } catch {
      // Flipping inside a literal such as `true` breaks the JSON; try an earlier byte.
    }
  }
  throw new Error('No byte to flip in this data');
}

/**
 * Copies every event of `source` into the empty database behind `target`, in global order.
 * Transaction ids are all set to 1 and positions renumbered: positions are not hashed, and the
 * copy's own transaction counter is unrelated to the source's.
 */
export async function copyIntoTamperableStore(source: EventStore, target: SqlExecutor): Promise<TamperableCopy> {
  const store = await SqlEventStore.open(target, { ownsExecutor: true });
  await target.query('ALTER TABLE tally_events DISABLE TRIGGER USER');
  const all = await readEverything(source);
  for (let i = 0; i < all.length; i += 1000) {
    const chunk = all.slice(i, i + 1000);
    await target.query(
      `INSERT INTO tally_events (global_position, transaction_id, stream_name, stream_revision, event_id, event_type, data, metadata, recorded_at)
       SELECT r.gp, '1'::xid8, r.stream_name, r.revision, r.event_id, r.event_type, r.data::json, r.metadata::json, r.recorded_at
         FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
              AS r(gp, stream_name, revision, event_id, event_type, data, metadata, recorded_at)`,
      [
        chunk.map((_, j) => String(i + j + 1)),
        chunk.map((e) => e.streamName),
        chunk.map((e) => e.revision.toString()),
        chunk.map((e) => e.id),
        chunk.map((e) => e.type),
        chunk.map((e) => JSON.stringify(e.data)),
        chunk.map((e) => JSON.stringify(e.metadata)),
        chunk.map((e) => e.recordedAt.toISOString()),
      ],
    );
  }
  await target.query(`SELECT setval(pg_get_serial_sequence('tally_events', 'global_position'), $1::bigint)`, [String(all.length + 1)]);

  const where = 'stream_name = $1 AND stream_revision = $2::bigint';
  return {
    store,
    async flipOneByteOfData(streamName, revision) {
      const [row] = await target.query<{ data: JsonObject }>(`SELECT data FROM tally_events WHERE ${where}`, [streamName, revision.toString()]);
      if (!row) throw new Error(`No event ${streamName}@${revision} in the copy`);
      await target.query(`UPDATE tally_events SET data = $3::json WHERE ${where}`, [streamName, revision.toString(), JSON.stringify(flipOneByte(row.data))]);
    },
    async deleteEvent(streamName, revision) {
      await target.query(`DELETE FROM tally_events WHERE ${where}`, [streamName, revision.toString()]);
    },
    async swapEvents(streamName, a, b) {
      // Swap both the revisions and the global positions, so either order shows them swapped.
      await target.transaction(async (tx) => {
        const rows = await tx.query<{ revision: string; gp: string }>(
          `SELECT stream_revision::text AS revision, global_position::text AS gp FROM tally_events
            WHERE stream_name = $1 AND stream_revision IN ($2::bigint, $3::bigint)`,
          [streamName, a.toString(), b.toString()],
        );
        const gpOf = (r: bigint) => rows.find((x) => x.revision === r.toString())!.gp;
        const [gpA, gpB] = [gpOf(a), gpOf(b)];
        await tx.query(`UPDATE tally_events SET stream_revision = 999999999, global_position = -1 WHERE ${where}`, [streamName, a.toString()]);
        await tx.query(`UPDATE tally_events SET stream_revision = $3::bigint, global_position = $4::bigint WHERE ${where}`, [streamName, b.toString(), a.toString(), gpA]);
        await tx.query(`UPDATE tally_events SET stream_revision = $2::bigint, global_position = $3::bigint WHERE stream_name = $1 AND stream_revision = 999999999`, [
          streamName,
          b.toString(),
          gpB,
        ]);
      });
    },
    async rewriteEvent(streamName, revision) {
      const [row] = await target.query<{ id: string; type: string; data: JsonObject; metadata: JsonObject }>(
        `SELECT event_id::text AS id, event_type AS type, data, metadata FROM tally_events WHERE ${where}`,
        [streamName, revision.toString()],
      );
      if (!row) throw new Error(`No event ${streamName}@${revision} in the copy`);
      const data = flipOneByte(row.data);
      const metadata = chainMetadata({ streamName, revision, id: row.id, type: row.type, data, metadata: row.metadata }, String(row.metadata.previousHash));
      await target.query(`UPDATE tally_events SET data = $3::json, metadata = $4::json WHERE ${where}`, [streamName, revision.toString(), JSON.stringify(data), JSON.stringify(metadata)]);
    },
    close: () => store.close(),
  };
}
