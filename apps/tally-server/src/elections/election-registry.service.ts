// The elections this service knows, read from the event store (category `election`) and kept
// current by a subscription, so every role in every process sees the same definitions and the
// same keys. Each election's stream is folded by the domain's own `evolve` (the definition, then
// every key amendment as it arrives); the index handed out carries the key ring of that fold, so
// intake, the recorder and the API judge a signature by the keys valid when it was received.
// Defining an election or amending its keys is a command on the CommandBus, decided by the
// domain's election decider.
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  decodeElectionEvent,
  evolveElection,
  indexElection,
  initialElectionState,
  type ActRecordedData,
  type AmendmentCommand,
  type DefinitionAmended,
  type ElectionContext,
  type RecordAct,
  type ElectionIndex,
  type ElectionRefusal,
  type ElectionState,
} from '@tally/domain';
import {
  categories,
  categoryFilter,
  categoryPrefix,
  SupervisedSubscription,
  type EventStore,
  type RecordedEvent,
  type SupervisedStatus,
} from '@tally/event-store';
import { EVENT_STORE } from '../infrastructure/tokens';
import { DecideElectionCommand } from './decide-election.command';

export type DefineOutcome =
  | { readonly kind: 'defined'; readonly electionId: string; readonly position: string }
  | { readonly kind: 'unchanged'; readonly electionId: string }
  /** INVALID_DEFINITION (one per problem, with its path and rule) or DEFINITION_CONFLICT. */
  | { readonly kind: 'refused'; readonly reasons: readonly ElectionRefusal[] };

export type AmendOutcome =
  | { readonly kind: 'recorded'; readonly sequence: number; readonly position: string }
  /** The very amendment was recorded before under this sequence number (a retry): nothing appended. */
  | { readonly kind: 'unchanged'; readonly sequence: number; readonly position: string | undefined }
  | { readonly kind: 'refused'; readonly reasons: readonly ElectionRefusal[] };

export type ActOutcome =
  | { readonly kind: 'recorded'; readonly position: string }
  /** The very act was recorded before under its sequence number (a retry): nothing appended. */
  | { readonly kind: 'unchanged'; readonly position: string | undefined }
  | { readonly kind: 'refused'; readonly reasons: readonly ElectionRefusal[] };

/** The commissions' acts on an election's count, as the stream says now. */
export interface Lifecycle {
  /** Every act, by signing commission, in sequence order. */
  readonly acts: ReadonlyMap<string, readonly ActRecordedData[]>;
  /** The latest summary per `commissionId\u0000contestId`. */
  readonly summaries: ReadonlyMap<string, ActRecordedData>;
  /** The certification in force per body. */
  readonly certified: ReadonlyMap<string, ActRecordedData>;
}

const ELECTION_STREAM_PREFIX = categoryPrefix(categories.election);
/** What the registry folds: who may sign (definition, amendments), who sits (mandates) and the acts on the count. */
const FOLDED = new Set(['ElectionDefined', 'DefinitionAmended', 'MandatePassed', 'ResultsSummarized', 'ResultsCertified', 'ResultsDecertified', 'ElectionWentLive', 'ZeroReported']);

/** How far a state has come: amendments and acts only ever grow (a decertification is an act too). */
const progressOf = (state: ElectionState | undefined): number =>
  state?.status === 'defined' ? state.amendments.length + [...state.acts.values()].reduce((n, acts) => n + acts.length, 0) : -1;

@Injectable()
export class ElectionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ElectionRegistry.name);
  private readonly elections = new Map<string, ElectionIndex>();
  /** Each election stream's fold, by election id: what the index's key ring and the amendments come from. */
  private readonly states = new Map<string, ElectionState>();
  private subscription: SupervisedSubscription | undefined;
  private readonly waiters = new Set<() => void>();
  /** Told when an election's summaries or certifications change: how final its figures are, not the figures. */
  private readonly statusListeners = new Set<(electionId: string) => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commandBus: CommandBus,
  ) {}

  async onModuleInit(): Promise<void> {
    // Catch up synchronously at start-up so no request sees an empty registry, then follow live.
    let from: string | undefined;
    for (;;) {
      const page = await this.store.readAll({ from, filter: categoryFilter(categories.election), batchSize: 1000 });
      for (const e of page.events) this.apply(e);
      from = page.checkpoint;
      if (page.isEnd) break;
    }
    // Supervised: after any failure it resubscribes (with back-off) from the last event applied.
    this.subscription = new SupervisedSubscription(this.store, {
      name: 'election registry',
      from,
      filter: categoryFilter(categories.election),
      logger: this.logger,
      onEvent: (e) => this.apply(e),
    });
  }

  /** How its subscription is doing (readiness); undefined before start-up's catch-up ended. */
  subscriptionStatus(): SupervisedStatus | undefined {
    return this.subscription?.status();
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Calls `listener` with the election's id whenever a summary, certification or decertification is folded; returns the unsubscribe. */
  onStatusChange(listener: (electionId: string) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  get(electionId: string): ElectionIndex | undefined {
    return this.elections.get(electionId);
  }

  list(): readonly ElectionIndex[] {
    return [...this.elections.values()];
  }

  /** The election's amendments in sequence order (`[]` when none), or undefined for an unknown election. */
  amendments(electionId: string): readonly DefinitionAmended['data'][] | undefined {
    const state = this.states.get(electionId);
    return state?.status === 'defined' ? state.amendments : undefined;
  }

  /** The acts on the count (summaries, certifications), or undefined for an unknown election. */
  lifecycle(electionId: string): Lifecycle | undefined {
    const state = this.states.get(electionId);
    return state?.status === 'defined' ? { acts: state.acts, summaries: state.summaries, certified: state.certified } : undefined;
  }

  /** The bodies whose seats are certified now: a correction under one is refused (RESULTS_CERTIFIED). */
  certifiedBodies(electionId: string): ReadonlySet<string> {
    const state = this.states.get(electionId);
    return state?.status === 'defined' ? new Set(state.certified.keys()) : new Set();
  }

  /** Whether the election is in test mode (defined so, not switched to live yet): what the recorder stamps on what it records. */
  inTestMode(electionId: string): boolean {
    const state = this.states.get(electionId);
    return state?.status === 'defined' && !state.live;
  }

  /** Decides a commission's act on the count; this process applies it at once. */
  async act(command: RecordAct): Promise<ActOutcome> {
    const outcome = await this.commandBus.execute(new DecideElectionCommand(command));
    if (outcome.kind === 'refused') return outcome;
    this.adopt(command.electionId, outcome.election);
    return outcome.kind === 'recorded' ? { kind: 'recorded', position: outcome.position } : { kind: 'unchanged', position: outcome.position };
  }

  /** The election stream's fold (definition, amendments, withdrawals, mandates), or undefined for an unknown election. */
  state(electionId: string): ElectionState | undefined {
    return this.states.get(electionId);
  }

  /** The candidates withdrawn from the election's ranked lists (empty for an unknown election). */
  withdrawn(electionId: string): ReadonlySet<string> {
    const state = this.states.get(electionId);
    return state?.status === 'defined' ? state.withdrawn : new Set();
  }

  /** Decides a key amendment; this process applies it at once (the subscription follows for the others). */
  async amend(command: AmendmentCommand, bodyOutcome?: ElectionContext['bodyOutcome']): Promise<AmendOutcome> {
    const outcome = await this.commandBus.execute(new DecideElectionCommand(command, bodyOutcome));
    if (outcome.kind === 'refused') return outcome;
    this.adopt(command.electionId, outcome.election);
    return outcome.kind === 'recorded'
      ? { kind: 'recorded', sequence: command.sequence, position: outcome.position }
      : { kind: 'unchanged', sequence: command.sequence, position: outcome.position };
  }

  /** Records a definition. The same definition again is `unchanged`; a different one under a known id is refused (DEFINITION_CONFLICT). */
  async define(input: unknown): Promise<DefineOutcome> {
    // The stream is the definition's own id; whether it is one, the decider judges.
    const id = typeof input === 'object' && input !== null && 'id' in input && typeof input.id === 'string' ? input.id : '';
    const outcome = await this.commandBus.execute(new DecideElectionCommand({ type: 'DefineElection', electionId: id, input }));
    if (outcome.kind === 'refused') return { kind: 'refused', reasons: outcome.reasons };
    // Known at once to this process (the subscription follows for the others).
    this.adopt(id, outcome.election);
    if (outcome.kind === 'unchanged') return { kind: 'unchanged', electionId: id };
    return { kind: 'defined', electionId: id, position: outcome.position };
  }

  /** Resolves once the election is known (defined by another process, say), or after `timeoutMs`. */
  async waitFor(electionId: string, timeoutMs: number): Promise<ElectionIndex | undefined> {
    if (this.elections.has(electionId)) return this.elections.get(electionId);
    return new Promise((resolve) => {
      const done = () => {
        if (!this.elections.has(electionId)) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(this.elections.get(electionId));
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve(this.elections.get(electionId));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  private apply(event: RecordedEvent): void {
    // The lots are the projector's; the registry folds what decides who may sign, who sits, and the acts.
    if (!FOLDED.has(event.type)) return;
    const decoded = decodeElectionEvent(event);
    if (!decoded.ok) {
      // A recorded definition or amendment that no longer parses is a bug in a newer version of the rules.
      this.logger.error(`recorded ${event.type} in ${event.streamName} does not decode: ${JSON.stringify(decoded.error)}`);
      return;
    }
    const electionId = event.streamName.slice(ELECTION_STREAM_PREFIX.length);
    const before = this.states.get(electionId) ?? initialElectionState();
    // evolve takes each amendment once, in sequence: one this process already adopted changes nothing.
    this.publish(electionId, evolveElection(before, decoded.value));
  }

  /** The state a decision in this process left, unless the subscription already brought as much or more. */
  private adopt(electionId: string, state: ElectionState): void {
    const known = this.states.get(electionId);
    if (state.status !== 'defined') return;
    if (known?.status === 'defined' && progressOf(known) >= progressOf(state)) return;
    this.publish(electionId, state);
  }

  private publish(electionId: string, state: ElectionState): void {
    const before = this.states.get(electionId);
    if (state === before) return;
    this.states.set(electionId, state);
    if (state.status !== 'defined') return;
    if (before?.status === 'defined' && (before.summaries !== state.summaries || before.certified !== state.certified)) {
      for (const listener of this.statusListeners) {
        try {
          listener(electionId);
        } catch (e) {
          this.logger.error(`a status listener failed for ${electionId}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    const index = this.elections.get(electionId);
    if (index === undefined) {
      this.elections.set(electionId, indexElection(state.definition).withKeys(state.keys));
      for (const w of [...this.waiters]) w();
    } else if (index.keys.amendedCommissions() !== state.keys.amendedCommissions()) {
      // Only the keys change after the definition: the index's structure is shared.
      this.elections.set(electionId, index.withKeys(state.keys));
    }
  }
}
