// What the projector published, read back for comparison: its snapshot files under
// TALLY_DATA_DIR/projections (`results-<election>.json`, format tally.projection.results.v1,
// written by apps/tally-server/src/projector/projection-files.ts). Each holds the view's state
// and the store position it is complete through; restored with the domain's `restoreView`, its
// digest is what the projector's view had at that position.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { restoreView, type ResultsViewSnapshot } from '@tally/domain';
import type { LoadedElections } from './audit-scan';
import { viewDigest } from '@tally/projection';
import type { PublishedDigest } from './verify';

const FILE = /^results-(.+)\.json$/;
const FORMAT = 'tally.projection.results.v1';

export interface PublishedProjections {
  readonly digests: readonly PublishedDigest[];
  /** Files that could not be used, and why (reported by verify as failures). */
  readonly unusable: readonly { readonly file: string; readonly reason: string }[];
}

export async function readPublishedProjections(dir: string, elections: LoadedElections): Promise<PublishedProjections> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => FILE.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { digests: [], unusable: [] };
    throw e;
  }
  const digests: PublishedDigest[] = [];
  const unusable: { file: string; reason: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let parsed: { format?: unknown; electionId?: unknown; through?: unknown; view?: unknown };
    try {
      parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
    } catch (e) {
      unusable.push({ file, reason: `not readable JSON (${e instanceof Error ? e.message : String(e)})` });
      continue;
    }
    if (parsed.format !== FORMAT || typeof parsed.electionId !== 'string' || typeof parsed.through !== 'string' || typeof parsed.view !== 'object' || parsed.view === null) {
      unusable.push({ file, reason: `not a ${FORMAT} file` });
      continue;
    }
    const defined = elections.elections.get(parsed.electionId);
    if (!defined) {
      unusable.push({ file, reason: `the store defines no election ${parsed.electionId}` });
      continue;
    }
    const restored = restoreView(defined.index, parsed.view as ResultsViewSnapshot);
    if (!restored.ok) {
      unusable.push({ file, reason: `its view does not restore: ${restored.error.kind}` });
      continue;
    }
    digests.push({ electionId: parsed.electionId, position: parsed.through, digest: viewDigest(restored.value), source: file });
  }
  return { digests, unusable };
}
