// A command on an election's own stream (define it, record a lot), dispatched on the CommandBus by
// the admin endpoints and the registry, and decided by the domain's election decider through the
// event store's command handler.
import { Command } from '@nestjs/cqrs';
import type { ElectionCommand, ElectionContext, ElectionRefusal, ElectionState } from '@tally/domain';

export type DecideElectionOutcome =
  /** Appended; `position` is the last event's. */
  | { readonly kind: 'recorded'; readonly position: string; readonly election: ElectionState }
  /** Decided nothing (the same definition or lot again); `position` is the record it repeats, when the stream has one. */
  | { readonly kind: 'unchanged'; readonly position: string | undefined; readonly election: ElectionState }
  /** Every reason, with the codes the HTTP API answers. */
  | { readonly kind: 'refused'; readonly reasons: readonly ElectionRefusal[] };

export class DecideElectionCommand extends Command<DecideElectionOutcome> {
  constructor(
    readonly command: ElectionCommand,
    /** For a registration of deputies: the body's composition on the recorded protocols. */
    readonly bodyOutcome?: ElectionContext['bodyOutcome'],
  ) {
    super();
  }
}
