// What the audit subcommands share: the store opened from the same environment as the service
// (EVENT_STORE, DATABASE_URL, TALLY_DATA_DIR), a progress line on stderr when it is a terminal,
// and the I/O the CliIo does not carry (files written, HTTP), injectable for specs.
import { writeFile } from 'node:fs/promises';
import { counted, parseBound, type Bound, type ScanProgress } from '@tally/audit';
import { createEventStore, EventStoreOpenError, parseEventStoreConfig, type EventStore } from '@tally/event-store';
import type { CliIo } from '../cli.types';
import { fetchJson } from '../fetch-json';

export interface AuditDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly openStore: (env: Readonly<Record<string, string | undefined>>) => Promise<EventStore>;
  readonly writeFile: (path: string, text: string) => Promise<void>;
  readonly stderrIsTTY: boolean;
  readonly fetchJson: (url: string, token: string | undefined) => Promise<unknown>;
}

export const processDeps = (): AuditDeps => ({
  env: process.env,
  openStore: (env) => createEventStore(parseEventStoreConfig(env)),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  stderrIsTTY: process.stderr.isTTY === true,
  fetchJson,
});

export { counted };

/** `--until` parsed, or the usage message naming the rule. */
export function untilOption(text: string | undefined): { ok: true; value: Bound | undefined } | { ok: false; message: string } {
  if (text === undefined) return { ok: true, value: undefined };
  const parsed = parseBound(text);
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, message: `--until: ${parsed.error}` };
}

/**
 * A one-line progress indicator on stderr, redrawn at most four times a second, only on a
 * terminal (a pipe or a log file gets nothing). Returns the callback and a function that clears it.
 */
export function progressLine(io: CliIo, deps: AuditDeps, label: string, until?: Bound): { onProgress?: (p: ScanProgress) => void; done: () => void } {
  if (!deps.stderrIsTTY) return { done: () => undefined };
  let last = 0;
  let shown = false;
  const target = until?.kind === 'position' ? Number(until.position.split(':')[1]) : undefined;
  const onProgress = (p: ScanProgress) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    const minor = Number(p.position.split(':')[1]);
    // The minor part of a position grows with the store: a fair measure of how far a replay to a position is.
    const fraction = target && target > 0 ? Math.min(1, minor / target) : undefined;
    const bar = fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    io.stderr(`\r${label} ${bar}${counted(p.events, 'event')}, at ${p.position}\x1b[K`);
    shown = true;
  };
  return { onProgress, done: () => shown && io.stderr('\r\x1b[K') };
}

export async function withStore<T>(deps: AuditDeps, io: CliIo, command: string, work: (store: EventStore) => Promise<T>): Promise<T | undefined> {
  let store: EventStore;
  try {
    store = await deps.openStore(deps.env);
  } catch (error) {
    // An EventStoreOpenError already says which store and which variables; others (a bad variable) say what is wrong.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`tally audit ${command}: ${error instanceof EventStoreOpenError ? message : `cannot open the event store: ${message}`}\n`);
    return undefined;
  }
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
