// Which engine holds the record, chosen by the environment and validated at start-up.
import { z } from 'zod';
import type { EventStore } from './event-store.port';
import { connectTimeoutSeconds } from './postgres/connect-timeout';

const nonEmpty = (name: string) => z.string().trim().min(1, `${name} must not be empty`);
// Empty strings count as unset, as in most deployment tools (and in the app's own schema).
const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** The raw environment shape, for the app to merge into its own schema (`z.object({...shape, ...})`). */
export const eventStoreEnvShape = {
  EVENT_STORE: z.preprocess(
    emptyToUndefined,
    z.enum(['embedded', 'postgres', 'eventstoredb'], { error: 'EVENT_STORE must be one of embedded, postgres, eventstoredb' }).default('embedded'),
  ),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    nonEmpty('DATABASE_URL')
      .refine((v) => /^postgres(ql)?:\/\//.test(v), 'DATABASE_URL must be a postgres:// or postgresql:// URL')
      .superRefine((v, ctx) => {
        try {
          connectTimeoutSeconds(v);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      })
      .optional(),
  ),
  EVENTSTORE_CONNECTION_STRING: z.preprocess(
    emptyToUndefined,
    nonEmpty('EVENTSTORE_CONNECTION_STRING')
      .refine(
        (v) => /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\//.test(v),
        'EVENTSTORE_CONNECTION_STRING must be an esdb:// (or kurrentdb://) connection string',
      )
      .optional(),
  ),
  TALLY_DATA_DIR: z.preprocess(emptyToUndefined, nonEmpty('TALLY_DATA_DIR').default('./data')),
};

/** The environment schema with the cross-field rule: the selected engine's variable is required. */
export const eventStoreEnvSchema = z.object(eventStoreEnvShape).superRefine((env, ctx) => {
  if (env.EVENT_STORE === 'postgres' && env.DATABASE_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'DATABASE_URL is required when EVENT_STORE=postgres' });
  }
  if (env.EVENT_STORE === 'eventstoredb' && env.EVENTSTORE_CONNECTION_STRING === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['EVENTSTORE_CONNECTION_STRING'],
      message: 'EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=eventstoredb',
    });
  }
});
export type EventStoreEnv = z.infer<typeof eventStoreEnvSchema>;

export type EventStoreConfig =
  | { readonly kind: 'embedded'; /** undefined: in memory (tests only) */ readonly dataDir?: string }
  | { readonly kind: 'postgres'; readonly databaseUrl: string }
  | { readonly kind: 'eventstoredb'; readonly connectionString: string };

export class EventStoreConfigError extends Error {
  override readonly name = 'EventStoreConfigError';
}

/** Turns validated environment variables into a config. */
export function eventStoreConfigFromEnv(env: EventStoreEnv): EventStoreConfig {
  switch (env.EVENT_STORE) {
    case 'embedded':
      return { kind: 'embedded', dataDir: env.TALLY_DATA_DIR };
    case 'postgres':
      return { kind: 'postgres', databaseUrl: env.DATABASE_URL! };
    case 'eventstoredb':
      return { kind: 'eventstoredb', connectionString: env.EVENTSTORE_CONNECTION_STRING! };
    default: {
      const never: never = env.EVENT_STORE;
      throw new EventStoreConfigError(`Unknown EVENT_STORE ${String(never)}`);
    }
  }
}

/** Parses the environment; a missing or bad value throws an error naming the variable. */
export function parseEventStoreConfig(env: Readonly<Record<string, string | undefined>> = process.env): EventStoreConfig {
  const parsed = eventStoreEnvSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ');
    throw new EventStoreConfigError(`Invalid event store configuration: ${details}`);
  }
  return eventStoreConfigFromEnv(parsed.data);
}

/** A connection string as a message may show it: any password (in the URL or its query) hidden. */
export function withoutPassword(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return '(not a readable URL)';
  }
  if (url.password !== '') url.password = '***';
  for (const name of [...url.searchParams.keys()]) if (/password/i.test(name)) url.searchParams.set(name, '***');
  return url.toString();
}

/** The configured engine could not be opened; the message names the variable that chose it. */
export class EventStoreOpenError extends Error {
  override readonly name = 'EventStoreOpenError';
}

/** Which variable points at the engine, as an operator would look it up. */
function whereConfigured(config: EventStoreConfig): string {
  switch (config.kind) {
    case 'embedded':
      return `EVENT_STORE=embedded, TALLY_DATA_DIR=${config.dataDir ?? '(in memory)'}`;
    case 'postgres':
      return `EVENT_STORE=postgres, DATABASE_URL=${withoutPassword(config.databaseUrl)}`;
    case 'eventstoredb':
      return `EVENT_STORE=eventstoredb, EVENTSTORE_CONNECTION_STRING=${withoutPassword(config.connectionString)}`;
  }
}

/**
 * Opens the configured engine (schema migrated, connections ready). A failure says which
 * variables chose the engine (passwords hidden) before the engine's own words, since an operator
 * starting the service at night reads "connect ECONNREFUSED 127.0.0.1:5432" without knowing which
 * setting to look at.
 */
export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  try {
    return await openEventStore(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EventStoreOpenError(`the event store could not be opened (${whereConfigured(config)}): ${reason}`, { cause: error });
  }
}

async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'embedded': {
      const { createPgliteEventStore } = await import('./embedded/pglite-event-store');
      return createPgliteEventStore({ dataDir: config.dataDir });
    }
    case 'postgres': {
      const { createPostgresEventStore } = await import('./postgres/postgres-event-store');
      return createPostgresEventStore({ connectionString: config.databaseUrl });
    }
    case 'eventstoredb': {
      const { createEventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store');
      return createEventStoreDbEventStore({ connectionString: config.connectionString });
    }
    default: {
      const never: never = config;
      throw new EventStoreConfigError(`Unknown event store kind ${JSON.stringify(never)}`);
    }
  }
}
