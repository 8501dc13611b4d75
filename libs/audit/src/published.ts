// What the projector published, read back for comparison: its snapshot files under
// TALLY_DATA_DIR/projections (`results-<election>.json`, format tally.projection.results.v1).
// The file format, its one parser and the way from a file to a view are @tally/projection's (the
// projector restores its own views by the same code); restored, a file's view digests to what the
// projector's view had at the position the file is complete through.
import { readProjectionFiles, restoreProjection, viewDigest } from '@tally/projection';
import type { LoadedElections } from './audit-scan';
import type { PublishedDigest } from './verify';

export interface PublishedProjections {
  readonly digests: readonly PublishedDigest[];
  /** Files that could not be used, and why (reported by verify as failures). */
  readonly unusable: readonly { readonly file: string; readonly reason: string }[];
}

export async function readPublishedProjections(dir: string, elections: LoadedElections): Promise<PublishedProjections> {
  const digests: PublishedDigest[] = [];
  const unusable: { file: string; reason: string }[] = [];
  for (const { path, parsed } of await readProjectionFiles(dir)) {
    if (!parsed.ok) {
      unusable.push({ file: path, reason: parsed.error });
      continue;
    }
    const file = parsed.value;
    const defined = elections.elections.get(file.electionId);
    if (!defined) {
      unusable.push({ file: path, reason: `the store defines no election ${file.electionId}` });
      continue;
    }
    const restored = restoreProjection(file, defined.index);
    if (!restored.ok) {
      unusable.push({ file: path, reason: restored.error });
      continue;
    }
    digests.push({ electionId: file.electionId, position: file.through, digest: viewDigest(restored.value), source: path });
  }
  return { digests, unusable };
}
