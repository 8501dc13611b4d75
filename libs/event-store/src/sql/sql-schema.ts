// The schema, created or migrated at start-up by both SQL engines (PostgreSQL and PGlite).
// Migrations are append-only: add a new entry, never edit an applied one.

export const EVENTS_TABLE = 'tally_events';
export const NOTIFY_CHANNEL = 'tally_events';

// One statement per entry: PGlite's extended protocol runs a single statement per query.
export const MIGRATIONS: readonly { readonly version: number; readonly statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE tally_events (
        -- Assigned at insert but visible at commit: never read it alone (see readAll).
        global_position bigserial PRIMARY KEY,
        -- The writer's transaction: readers only see transactions older than every running one.
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        stream_name     text        NOT NULL,
        stream_revision bigint      NOT NULL CHECK (stream_revision >= 0),
        event_id        uuid        NOT NULL,
        event_type      text        NOT NULL,
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT statement_timestamp(),
        CONSTRAINT tally_events_stream_revision_key UNIQUE (stream_name, stream_revision)
      )`,
      `CREATE INDEX tally_events_global_order ON tally_events (transaction_id, global_position)`,
      `CREATE INDEX tally_events_stream_event_id ON tally_events (stream_name, event_id)`,
      // Append-only, enforced by the database itself: no UPDATE, DELETE or TRUNCATE.
      `CREATE FUNCTION tally_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'tally_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`,
      `CREATE TRIGGER tally_events_append_only BEFORE UPDATE OR DELETE ON tally_events
        FOR EACH ROW EXECUTE FUNCTION tally_events_refuse_change()`,
      `CREATE TRIGGER tally_events_no_truncate BEFORE TRUNCATE ON tally_events
        FOR EACH STATEMENT EXECUTE FUNCTION tally_events_refuse_change()`,
    ],
  },
  {
    // data and metadata as json (the text, validated) rather than jsonb (a parsed binary form).
    // Events are written whole and read whole, never queried inside, so jsonb's form bought
    // nothing and cost a conversion both ways: every read rendered each jsonb back to text
    // (on PGlite the larger part of a full read: 51,098 events in 465–593 ms as jsonb, 233–271 ms
    // as text, measured 2026-12-04). Nothing hashes the stored text: the hash chain and every
    // signature are over canonical JSON (@tally/encoding), so key order and spacing do not matter,
    // and jsonb's refusals (NUL, unpaired surrogates) are append-rules.ts's before any engine.
    version: 2,
    statements: [`ALTER TABLE tally_events ALTER COLUMN data TYPE json USING data::json, ALTER COLUMN metadata TYPE json USING metadata::json`],
  },
];

export const MIGRATIONS_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS tally_event_store_migrations (
    version    integer     PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

// Serialises concurrent start-ups of several processes on one database.
export const MIGRATION_LOCK_KEY = 7_311_402_917;
