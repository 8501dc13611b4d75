// An election's own stream, `election-<id>`: its definition, recorded before any protocol, so
// an auditor replaying the store years later has the exact rules the count was made under.
import type { ElectionDefinition } from '@tally/domain';

export interface ElectionDefined {
  readonly type: 'ElectionDefined';
  readonly data: { readonly definition: ElectionDefinition };
}
