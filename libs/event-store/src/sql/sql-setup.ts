// The one-time schema setup of a least-privilege deployment, run as the role that shall OWN the
// tables (never as the service): it migrates the schema, then grants the service role exactly what
// appends and reads need. Without ownership the service can neither drop nor disable the
// append-only trigger, and without UPDATE, DELETE and TRUNCATE the server refuses those before the
// trigger is even asked. Run it again after an upgrade: it migrates and re-grants.
import { migrateSqlSchema } from './sql-event-store';
import type { SqlExecutor } from './sql-executor';
import { EVENTS_TABLE } from './sql-schema';

/** A plain lower-case identifier: quoting it is then exact, and typos do not create odd names. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class SchemaSetupError extends Error {
  override readonly name = 'SchemaSetupError';
}

export interface SchemaSetupResult {
  readonly owner: string;
  readonly serviceRole: string;
  /** What the service role holds afterwards, e.g. `tally_events: INSERT, SELECT`. */
  readonly grants: readonly string[];
}

interface RoleRow extends Record<string, unknown> {
  rolsuper: boolean;
  rolbypassrls: boolean;
}

export async function setupSqlSchema(sql: SqlExecutor, options: { readonly serviceRole: string }): Promise<SchemaSetupResult> {
  const serviceRole = options.serviceRole;
  if (!ROLE_NAME.test(serviceRole)) {
    throw new SchemaSetupError(`service role "${serviceRole}": lower-case letters, digits and "_", starting with a letter or "_", at most 63 characters`);
  }
  const [me] = await sql.query<{ owner: string }>('SELECT current_user::text AS owner');
  if (me.owner === serviceRole) {
    throw new SchemaSetupError(`service role "${serviceRole}" is the role running the setup: the owner of the tables must be another role, or the service could drop its own trigger`);
  }
  const [role] = await sql.query<RoleRow>('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1', [serviceRole]);
  if (!role) throw new SchemaSetupError(`service role "${serviceRole}" does not exist (create it first: CREATE ROLE ${serviceRole} LOGIN PASSWORD '…')`);
  if (role.rolsuper) throw new SchemaSetupError(`service role "${serviceRole}" is a superuser, which bypasses every grant: use a role without SUPERUSER`);

  await migrateSqlSchema(sql);
  const service = `"${serviceRole}"`;
  await sql.transaction(async (tx) => {
    const [{ sequence }] = await tx.query<{ sequence: string }>(`SELECT pg_get_serial_sequence('${EVENTS_TABLE}', 'global_position') AS sequence`);
    // Start from nothing, so a wider grant from an earlier hand-made setup does not survive.
    await tx.query(`REVOKE ALL ON ${EVENTS_TABLE}, tally_event_store_migrations FROM PUBLIC, ${service}`);
    await tx.query(`REVOKE ALL ON SEQUENCE ${sequence} FROM PUBLIC, ${service}`);
    await tx.query(`GRANT SELECT, INSERT ON ${EVENTS_TABLE} TO ${service}`);
    // The bigserial default takes nextval(): USAGE is that and nothing more (no setval).
    await tx.query(`GRANT USAGE ON SEQUENCE ${sequence} TO ${service}`);
    // Read at start-up to see that the schema is current.
    await tx.query(`GRANT SELECT ON tally_event_store_migrations TO ${service}`);
  });
  const grants = await sql.query<{ line: string }>(
    `SELECT table_name || ': ' || string_agg(privilege_type, ', ' ORDER BY privilege_type) AS line
       FROM information_schema.role_table_grants
      WHERE grantee = $1 AND table_schema = current_schema()
      GROUP BY table_name ORDER BY table_name`,
    [serviceRole],
  );
  return { owner: me.owner, serviceRole, grants: grants.map((g) => g.line) };
}
