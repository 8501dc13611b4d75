// Decides a command on `election-<id>`: load, fold, decide, append with the expected revision,
// all in the event store's command handler (retried there on a concurrent writer). An act on the
// count is judged against the sums of the recorded protocols, read first (precinct-totals.ts).
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideElection, indexElection, SignedActBody, signerOfAct, type ContestTotals, type ElectionCommand, type ElectionContext } from '@tally/domain';
import { verifyActSignature, votesDigest } from '@tally/signatures';
import { streams, StreamCommandHandler, type EventStore } from '@tally/event-store';
import { EVENT_STORE } from '../infrastructure/tokens';
import { DecideElectionCommand, type DecideElectionOutcome } from './decide-election.command';
import { electionStream, electionStreamWith, positionOfRepeated } from './election-stream';
import { precinctTotals } from './precinct-totals';

@CommandHandler(DecideElectionCommand)
export class DecideElectionHandler implements ICommandHandler<DecideElectionCommand> {
  constructor(
    private readonly writes: StreamCommandHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ command, bodyOutcome }: DecideElectionCommand): Promise<DecideElectionOutcome> {
    const streamName = streamOf(command.electionId);
    if (streamName === undefined) {
      // No stream can have this id, so nothing is defined under it: the decider says what that means.
      const decided = electionStream.decide(command, electionStream.initialState());
      if (!decided.ok) return { kind: 'refused', reasons: decided.error };
      throw new Error(`election id ${JSON.stringify(command.electionId)} is valid in a definition but cannot name a stream`);
    }
    const context = { ...(command.type === 'RecordAct' ? await this.actContext(command, streamName) : {}), ...(bodyOutcome ? { bodyOutcome } : {}) };
    const handled = await this.writes.handle({ streamName, decider: electionStreamWith(context), command });
    switch (handled.kind) {
      case 'refused':
        return { kind: 'refused', reasons: handled.refusal };
      case 'appended':
        // Already recorded: a concurrent twin appended exactly this first.
        return { kind: handled.result.alreadyRecorded ? 'unchanged' : 'recorded', position: handled.result.position, election: handled.state.election };
      case 'unchanged':
        return { kind: 'unchanged', position: positionOfRepeated(command, handled.state), election: handled.state.election };
    }
  }

  /**
   * The sums an act is judged against, read before the decision: a summary's own (commission,
   * contest); a certification's, the root's for every contest of the body. An act that does not
   * parse needs none: the decider refuses it before it asks.
   */
  private async actContext(command: Extract<ElectionCommand, { type: 'RecordAct' }>, streamName: string): Promise<Pick<ElectionContext, 'totals'>> {
    // The definition from the stream itself (it never changes once recorded).
    const records = await this.store.readStream(streamName);
    const state = records.reduce((s, record) => electionStream.evolve(s, record), electionStream.initialState()).election;
    const election = state.status === 'defined' ? indexElection(state.definition) : undefined;
    const body = SignedActBody.safeParse(command.body);
    const none = { totals: () => { throw new Error('no sums were read for an act refused before its content'); } };
    if (!election || !body.success) return none;
    // Reading the sums costs a read per precinct: only for an act that is well formed, in
    // sequence and signed by the key it must be (the decider refuses anything else before it asks).
    try {
      decideElection(command, state, { verifyAct: verifyActSignature, votesDigest, totals: () => { throw SUMS_NEEDED; } });
      return none;
    } catch (e) {
      if (e !== SUMS_NEEDED) throw e;
    }
    const act = body.data.act;
    const wanted: [string, string][] =
      act.kind === 'summary'
        ? [[act.commissionId, act.contestId]]
        : act.kind === 'certification'
          ? election.definition.contests.filter((c) => c.body === act.bodyId).map((c) => [signerOfAct(act, election.definition), c.id])
          : [];
    const read = new Map<string, ContestTotals>();
    for (const [commissionId, contestId] of wanted) {
      // An unknown commission or contest reads as nothing expected: the decider names it.
      const known = election.commission(commissionId) && election.contest(contestId);
      read.set(`${commissionId}\u0000${contestId}`, known ? await precinctTotals(this.store, election, commissionId, contestId) : { contestId, expected: 0, reported: 0, lines: {} });
    }
    return {
      totals: (commissionId, contestId) => {
        const totals = read.get(`${commissionId}\u0000${contestId}`);
        if (!totals) throw new Error(`the sums of ${commissionId} in ${contestId} were not read for this act`);
        return totals;
      },
    };
  }
}

const SUMS_NEEDED = Symbol('the decider asks for the sums');

function streamOf(electionId: string): string | undefined {
  try {
    return streams.election(electionId);
  } catch {
    return undefined;
  }
}
