// The elections this service knows, read from the event store (category `election`) and kept
// current by a subscription, so every role in every process sees the same definitions. Defining
// one is a command (DefineElection) on the CommandBus, decided by the domain's election decider.
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { decodeElectionEvent, indexElection, type ElectionDefinition, type ElectionIndex, type ElectionRefusal } from '@tally/domain';
import { categories, categoryFilter, type EventStore, type RecordedEvent, type SubscriptionHandle } from '@tally/event-store';
import { EVENT_STORE } from '../infrastructure/tokens';
import { DecideElectionCommand } from './decide-election.command';

export type DefineOutcome =
  | { readonly kind: 'defined'; readonly electionId: string; readonly position: string }
  | { readonly kind: 'unchanged'; readonly electionId: string }
  /** INVALID_DEFINITION (one per problem, with its path and rule) or DEFINITION_CONFLICT. */
  | { readonly kind: 'refused'; readonly reasons: readonly ElectionRefusal[] };

@Injectable()
export class ElectionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ElectionRegistry.name);
  private readonly elections = new Map<string, ElectionIndex>();
  private subscription: SubscriptionHandle | undefined;
  private readonly waiters = new Set<() => void>();

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
    this.subscription = this.store.subscribe({ from, filter: categoryFilter(categories.election), onEvent: (e) => this.apply(e) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }

  get(electionId: string): ElectionIndex | undefined {
    return this.elections.get(electionId);
  }

  list(): readonly ElectionIndex[] {
    return [...this.elections.values()];
  }

  /** Records a definition. The same definition again is `unchanged`; a different one under a known id is refused (DEFINITION_CONFLICT). */
  async define(input: unknown): Promise<DefineOutcome> {
    // The stream is the definition's own id; whether it is one, the decider judges.
    const id = typeof input === 'object' && input !== null && 'id' in input && typeof input.id === 'string' ? input.id : '';
    const outcome = await this.commandBus.execute(new DecideElectionCommand({ type: 'DefineElection', electionId: id, input }));
    if (outcome.kind === 'refused') return { kind: 'refused', reasons: outcome.reasons };
    // Known at once to this process (the subscription follows for the others).
    if (outcome.election.status === 'defined') this.register(outcome.election.definition);
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
    if (event.type !== 'ElectionDefined') return;
    const decoded = decodeElectionEvent(event);
    if (!decoded.ok || decoded.value.type !== 'ElectionDefined') {
      // A recorded definition that no longer parses is a bug in a newer version of the rules.
      this.logger.error(`recorded definition in ${event.streamName} does not decode: ${JSON.stringify(decoded.ok ? decoded.value.type : decoded.error)}`);
      return;
    }
    this.register(decoded.value.data.definition);
  }

  private register(definition: ElectionDefinition): void {
    if (this.elections.has(definition.id)) return;
    this.elections.set(definition.id, indexElection(definition));
    for (const w of [...this.waiters]) w();
  }
}
