// The rebuild-equals-live digest: what the projector publishes per election, what its rebuild from
// position zero must reproduce, and what the auditors' replay and verifier recompute.
import { createHash } from 'node:crypto';
import { canonicalViewState, type ResultsView } from '@tally/domain';

/** SHA-256 (hex) of the view's canonical state (`canonicalViewState`: every array, in a fixed order, little-endian). */
export function viewDigest(view: ResultsView): string {
  const hash = createHash('sha256');
  for (const chunk of canonicalViewState(view)) hash.update(chunk);
  return hash.digest('hex');
}
