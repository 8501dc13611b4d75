// The projector's files under TALLY_DATA_DIR/projections: one per election, holding the view's
// snapshot AND the store position it is complete up to, in one file written atomically (temp
// file, fsync, rename), so state and checkpoint can never disagree after a crash.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElectionDefinition, ResultsViewSnapshot } from '@tally/domain';

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

export type ReadProjection =
  | { readonly kind: 'found'; readonly file: ProjectionFile }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unusable'; readonly reason: string };

/** Reads an election's file; anything but a well-formed file of the same definition is `unusable`. */
export async function readProjectionFile(dir: string, electionId: string, expectedDefinitionHash: string): Promise<ReadProjection> {
  let text: string;
  try {
    text = await readFile(join(dir, projectionFileName(electionId)), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  let file: Partial<ProjectionFile>;
  try {
    file = JSON.parse(text) as Partial<ProjectionFile>;
  } catch {
    return { kind: 'unusable', reason: 'not JSON' };
  }
  if (file.format !== PROJECTION_FILE_FORMAT) return { kind: 'unusable', reason: `format ${String(file.format)}` };
  if (file.electionId !== electionId) return { kind: 'unusable', reason: `election ${String(file.electionId)}` };
  if (file.definitionHash !== expectedDefinitionHash) return { kind: 'unusable', reason: 'the definition has changed' };
  if (typeof file.through !== 'string' || typeof file.view !== 'object' || file.view === null) return { kind: 'unusable', reason: 'incomplete' };
  return { kind: 'found', file: file as ProjectionFile };
}

export async function removeProjectionFile(dir: string, electionId: string): Promise<void> {
  await rm(join(dir, projectionFileName(electionId)), { force: true });
}
