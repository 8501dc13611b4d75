// Test support: a tamperable copy of a store (the event store's own test helper, which copies
// into a fresh PGlite with the append-only trigger disabled) plus the one tampering it lacks:
// inserting an event, with or without a correctly forged hash link.
import { chainMetadata, contentHash, GENESIS_HASH, type EventStore, type JsonObject } from '@tally/event-store';
import { newMemoryPglite } from '../../../event-store/src/embedded/pglite-event-store';
import { PgliteExecutor } from '../../../event-store/src/embedded/pglite-executor';
import { copyIntoTamperableStore, type TamperableCopy } from '../../../event-store/src/testing/sql-tamper-copy';

export interface InsertedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
}

export interface AuditTamperableCopy extends TamperableCopy {
  /**
   * Inserts an event into a stream at `revision` (later events move up one revision and stay
   * after it in global order). `forgeChain`: give it the hash links a forger who knows the
   * public algorithm would compute (later events keep theirs); otherwise no links at all.
   */
  insertEvent(streamName: string, revision: bigint, event: InsertedEvent, forgeChain: boolean): Promise<void>;
  /**
   * Replaces an event's data in place and recomputes its stream's hash links from there on: the
   * superuser's rewrite, which the chain cannot see and the signature check must.
   */
  rewriteData(streamName: string, revision: bigint, data: JsonObject): Promise<void>;
}

export async function tamperableCopy(source: EventStore): Promise<AuditTamperableCopy> {
  const executor = new PgliteExecutor(await newMemoryPglite());
  const copy = await copyIntoTamperableStore(source, executor);
  return {
    ...copy,
    async rewriteData(streamName, revision, data) {
      const rows = await executor.query<{ revision: string; id: string; type: string; data: JsonObject; metadata: JsonObject }>(
        `SELECT stream_revision::text AS revision, event_id::text AS id, event_type AS type, data, metadata
           FROM tally_events WHERE stream_name = $1 ORDER BY stream_revision`,
        [streamName],
      );
      await executor.transaction(async (tx) => {
        let previousHash = GENESIS_HASH;
        for (const row of rows) {
          const at = BigInt(row.revision);
          const event = { streamName, revision: at, id: row.id, type: row.type, data: at === revision ? data : row.data, metadata: row.metadata };
          const metadata = at < revision ? row.metadata : chainMetadata(event, previousHash);
          if (at >= revision) {
            await tx.query('UPDATE tally_events SET data = $3::json, metadata = $4::json WHERE stream_name = $1 AND stream_revision = $2::bigint', [
              streamName,
              row.revision,
              JSON.stringify(event.data),
              JSON.stringify(metadata),
            ]);
          }
          previousHash = String(metadata.contentHash);
        }
      });
    },
    async insertEvent(streamName, revision, event, forgeChain) {
      const rows = await executor.query<{ revision: string; gp: string; hash: string }>(
        `SELECT stream_revision::text AS revision, global_position::text AS gp, metadata->>'contentHash' AS hash
           FROM tally_events WHERE stream_name = $1 ORDER BY stream_revision`,
        [streamName],
      );
      const previousHash = revision === 0n ? GENESIS_HASH : rows.find((r) => BigInt(r.revision) === revision - 1n)?.hash;
      if (previousHash === undefined) throw new Error(`no ${streamName}@${revision - 1n} to insert after`);
      const at = rows.find((r) => BigInt(r.revision) === revision);
      await executor.transaction(async (tx) => {
        // Make room in global order (every position doubled) and in the stream (later revisions +1).
        await tx.query('UPDATE tally_events SET global_position = -global_position');
        await tx.query('UPDATE tally_events SET global_position = -global_position * 2');
        await tx.query('UPDATE tally_events SET stream_revision = stream_revision + 1000000000 WHERE stream_name = $1 AND stream_revision >= $2::bigint', [streamName, revision.toString()]);
        await tx.query('UPDATE tally_events SET stream_revision = stream_revision - 999999999 WHERE stream_name = $1 AND stream_revision >= 1000000000', [streamName]);
        const gp = at ? BigInt(at.gp) * 2n - 1n : BigInt((await tx.query<{ max: string }>('SELECT max(global_position)::text AS max FROM tally_events'))[0].max) + 1n;
        const metadata = forgeChain
          ? { contentHash: contentHash({ streamName, revision, id: event.id, type: event.type, data: event.data, metadata: {} }, previousHash), previousHash }
          : {};
        await tx.query(
          `INSERT INTO tally_events (global_position, transaction_id, stream_name, stream_revision, event_id, event_type, data, metadata)
           VALUES ($1::bigint, '1'::xid8, $2, $3::bigint, $4::uuid, $5, $6::json, $7::json)`,
          [gp.toString(), streamName, revision.toString(), event.id, event.type, JSON.stringify(event.data), JSON.stringify(metadata)],
        );
      });
    },
  };
}
