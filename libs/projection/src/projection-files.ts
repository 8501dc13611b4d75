// The projector's snapshot files under TALLY_DATA_DIR/projections: one per election, holding the
// view's snapshot AND the store position it is complete up to, in one file written atomically
// (temp file, fsync, rename), so state and checkpoint can never disagree after a crash.
//
// ONE parser (`parseProjectionFile`) and ONE way from a file to a view (`restoreProjection`) serve
// both readers: the projector restoring its views at start, and the auditors' verifier comparing
// what the projector published with its own recomputation (@tally/audit's published.ts).
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, restoreView, snapshot, type ElectionDefinition, type ElectionIndex, type Result, type ResultsView, type ResultsViewSnapshot } from '@tally/domain';

export const PROJECTION_FILE_FORMAT = 'tally.projection.results.v1';

export interface ProjectionFile {
  readonly format: typeof PROJECTION_FILE_FORMAT;
  readonly electionId: string;
  /** SHA-256 of the parsed definition: a different definition under the same id invalidates the file. */
  readonly definitionHash: string;
  /**
   * The store position every event of this election up to (and including) which is in `view`.
   * It may lie past `view.position` (events of other elections, filtered checkpoints).
   */
  readonly through: string;
  readonly view: ResultsViewSnapshot;
}

export function definitionHash(definition: ElectionDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

export const projectionFileName = (electionId: string): string => `results-${electionId}.json`;
const PROJECTION_FILE_NAME = /^results-.+\.json$/;

/** The file for an election's view as it is now, complete through `through` (a consistent copy: the view may move on). */
export function projectionFileOf(view: ResultsView, through: string): ProjectionFile {
  const definition = view.election.definition;
  return { format: PROJECTION_FILE_FORMAT, electionId: definition.id, definitionHash: definitionHash(definition), through, view: snapshot(view) };
}

export async function writeProjectionFile(dir: string, file: ProjectionFile): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, projectionFileName(file.electionId));
  const temp = `${target}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(file));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  // Make the rename itself durable; some platforms cannot open a directory, which is harmless.
  const dirHandle = await open(dir, 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => undefined);
  await dirHandle?.close();
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const orNull = (is: (v: unknown) => boolean) => (v: unknown) => v === null || is(v);
const arrayOf = (is: (v: unknown) => boolean) => (v: unknown) => Array.isArray(v) && v.every(is);
const recordOf = (is: (v: unknown) => boolean) => (v: unknown) => isObject(v) && Object.values(v).every(is);
const shaped = (shape: Readonly<Record<string, (v: unknown) => boolean>>) => (v: unknown) => firstBadField(v, shape) === undefined;

function firstBadField(v: unknown, shape: Readonly<Record<string, (v: unknown) => boolean>>): string | undefined {
  if (!isObject(v)) return '';
  for (const [field, is] of Object.entries(shape)) if (!is(v[field])) return field;
  return undefined;
}

// What `restoreView` reads, by JSON type; what the values mean (format version, layout, array
// lengths, lots on the ballot) is restoreView's to judge.
const SNAPSHOT_SHAPE = {
  format: isString,
  electionId: isString,
  layout: isString,
  position: orNull(isString),
  recordedAt: orNull(isString),
  eventsApplied: isNumber,
  eventsIgnored: isNumber,
  contests: arrayOf(shaped({ id: isString, rows: isString, versions: isString })),
  precinctTurnout: isString,
  refusals: shaped({ total: isNumber, byCode: recordOf(isNumber), byKind: recordOf(isNumber) }),
  refusedSubmissions: arrayOf(isString),
  lots: (v: unknown) => v === undefined || recordOf(arrayOf(isString))(v),
  wentLive: (v: unknown) => v === undefined || v === true,
};

/** The shape `restoreView` reads (whether the values are right is restoreView's to say). */
const isSnapshot = (v: unknown): v is ResultsViewSnapshot => firstBadField(v, SNAPSHOT_SHAPE) === undefined;

/** THE parser of a projection file's text: a well-formed file of this format, or what is wrong with it. */
export function parseProjectionFile(text: string): Result<ProjectionFile, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return err(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(parsed) || parsed.format !== PROJECTION_FILE_FORMAT) return err(`not a ${PROJECTION_FILE_FORMAT} file (format ${String(isObject(parsed) ? parsed.format : parsed)})`);
  const { electionId, definitionHash: hash, through, view } = parsed;
  if (!isString(electionId)) return err('incomplete: electionId is missing or not a string');
  if (!isString(hash)) return err('incomplete: definitionHash is missing or not a string');
  if (!isString(through)) return err('incomplete: through is missing or not a string');
  if (!isSnapshot(view)) {
    const field = firstBadField(view, SNAPSHOT_SHAPE);
    return err(`incomplete: ${field ? `view.${field}` : 'view'} is missing or of the wrong type`);
  }
  return ok({ format: PROJECTION_FILE_FORMAT, electionId, definitionHash: hash, through, view });
}

/**
 * The file's view of this election, or why the file cannot serve as one: it is another election's,
 * the election's definition has changed since it was written, or its snapshot does not restore.
 */
export function restoreProjection(file: ProjectionFile, election: ElectionIndex): Result<ResultsView, string> {
  if (file.electionId !== election.definition.id) return err(`it holds election ${file.electionId}, not ${election.definition.id}`);
  if (file.definitionHash !== definitionHash(election.definition)) return err('the definition has changed');
  const restored = restoreView(election, file.view);
  if (!restored.ok) return err(`its view does not restore: ${restored.error.kind}${'detail' in restored.error ? ` (${restored.error.detail})` : ''}`);
  return ok(restored.value);
}

export type ReadProjection =
  | { readonly kind: 'found'; readonly file: ProjectionFile }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unusable'; readonly reason: string };

/** Reads and parses an election's file (whether it may serve that election is `restoreProjection`'s to say). */
export async function readProjectionFile(dir: string, electionId: string): Promise<ReadProjection> {
  let text: string;
  try {
    text = await readFile(join(dir, projectionFileName(electionId)), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  const parsed = parseProjectionFile(text);
  return parsed.ok ? { kind: 'found', file: parsed.value } : { kind: 'unusable', reason: parsed.error };
}

export interface ProjectionFileEntry {
  /** The file's path (directory joined with its name). */
  readonly path: string;
  readonly parsed: Result<ProjectionFile, string>;
}

/** Every projection file in the directory (none if it does not exist), by name, each parsed. */
export async function readProjectionFiles(dir: string): Promise<readonly ProjectionFileEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => PROJECTION_FILE_NAME.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const entries: ProjectionFileEntry[] = [];
  for (const name of names) {
    const path = join(dir, name);
    entries.push({ path, parsed: parseProjectionFile(await readFile(path, 'utf8')) });
  }
  return entries;
}

export async function removeProjectionFile(dir: string, electionId: string): Promise<void> {
  await rm(join(dir, projectionFileName(electionId)), { force: true });
}
