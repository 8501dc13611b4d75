// The commissions' acts on the count, checked by an auditor as the decider judged them: each
// recorded summary, certification and decertification is decided again by the same election
// decider, on the election's acts before it and on the sums of the precinct protocols recorded
// before it in the store's order — its signature by the signer's keys valid when it was
// received, a summary line by line, a certification's outcome and digest. The certifications in
// force at each point are handed to the precinct checks, so a correction recorded under a
// certified body is found by the decider check.
import {
  decideElection,
  decodeElectionEvent,
  evolveElection,
  initialElectionState,
  sumProtocols,
  type ContestTotals,
  type ElectionIndex,
  type ElectionState,
  type PrecinctState,
  type Protocol,
} from '@tally/domain';
import { canonicalJson } from '@tally/encoding';
import { streams as streamNames, type RecordedEvent } from '@tally/event-store';
import { verifyActSignature, votesDigest } from '@tally/signatures';

export interface LifecycleFinding {
  readonly check: 'signature' | 'decider' | 'stream';
  readonly code: string;
  readonly message: string;
}

const ACT_TYPES = new Set(['ResultsSummarized', 'ResultsCertified', 'ResultsDecertified', 'ElectionWentLive', 'ZeroReported']);

/** One election's acts, folded in the store's order as the walk meets them. */
export class LifecycleCheck {
  private state: ElectionState;

  constructor(
    private readonly election: ElectionIndex,
    /** The precinct streams' states so far, by stream name (the walk's own). */
    private readonly precincts: (streamName: string) => PrecinctState | undefined,
  ) {
    const defined = evolveElection(initialElectionState(), { type: 'ElectionDefined', data: { definition: election.definition } });
    // Signatures are judged by the ring with every amendment, each key valid only in its window.
    this.state = defined.status === 'defined' ? { ...defined, keys: election.keys } : defined;
  }

  private certified: ReadonlySet<string> = new Set();

  /** The bodies certified at this point of the walk (asked once per precinct event: kept, not rebuilt). */
  certifiedBodies(): ReadonlySet<string> {
    return this.certified;
  }

  /** Whether the election counts live facts at this point of the walk (defined live, or switched). */
  isLive(): boolean {
    return this.state.status === 'defined' && this.state.live;
  }

  /** Whether the record is one this check folds (a lot or an act); acts are counted as checked. */
  static handles(e: RecordedEvent): boolean {
    return e.type === 'LotDrawn' || ACT_TYPES.has(e.type);
  }

  /** Folds a lot or an act; an act is decided again first. Returns what is wrong with it, if anything. */
  apply(e: RecordedEvent): LifecycleFinding | undefined {
    const decoded = decodeElectionEvent(e);
    if (!decoded.ok) return { check: 'stream', code: 'malformed-event', message: `${e.streamName}@${e.revision} (${e.type}) cannot be read as one: ${JSON.stringify(decoded.error)}` };
    const event = decoded.value;
    if (event.type === 'ElectionDefined' || event.type === 'LotDrawn' || event.type === 'DefinitionAmended' || event.type === 'MandatePassed') {
      this.state = evolveElection(this.state, event);
      return undefined;
    }
    const { electionId, sequence, act, signature, receivedAt } = event.data;
    const decided = decideElection({ type: 'RecordAct', electionId, body: { sequence, act, signature }, receivedAt }, this.state, {
      verifyAct: verifyActSignature,
      votesDigest,
      totals: (commissionId, contestId) => this.totals(commissionId, contestId),
    });
    // Go on from what was recorded, so one bad act does not hide the ones after it.
    this.state = evolveElection(this.state, event);
    if (this.state.status === 'defined') this.certified = new Set(this.state.certified.keys());
    if (!decided.ok) {
      const first = decided.error[0];
      return {
        check: first.code === 'BAD_SIGNATURE' ? 'signature' : 'decider',
        code: first.code === 'BAD_SIGNATURE' ? String(first.operands?.problem ?? first.code) : first.code,
        message: `${e.streamName}@${e.revision} (${e.type} by ${event.data.signedBy}): ${decided.error.map((r) => `${r.code} (${r.field}: ${r.message})`).join('; ')}`,
      };
    }
    const same = decided.value.length === 1 && decided.value[0].type === event.type && canonicalJson(decided.value[0].data) === canonicalJson(event.data);
    return same ? undefined : { check: 'decider', code: 'decided-differently', message: `${e.streamName}@${e.revision} (${e.type}): the decider, run again, decides ${decided.value.map((d) => d.type).join(', ') || 'nothing'}` };
  }

  private totals(commissionId: string, contestId: string): ContestTotals {
    const election = this.election;
    if (!election.commission(commissionId) || !election.contest(contestId)) return { contestId, expected: 0, reported: 0, lines: {} };
    const voting = new Set(election.precinctsInContest(contestId));
    const under = election.precinctsUnder(commissionId).filter((id) => voting.has(election.precinctIndex(id) as number));
    const protocols: Protocol[] = [];
    for (const precinctId of under) {
      const current = this.precincts(streamNames.precinct(election.definition.id, precinctId))?.contests.get(contestId);
      if (current) protocols.push(current.protocol);
    }
    return sumProtocols(contestId, under.length, protocols);
  }
}
