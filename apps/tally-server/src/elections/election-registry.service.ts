// The elections this service knows, read from the event store (category `election`) and kept
// current by a subscription, so every role in every process sees the same definitions.
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { indexElection, parseElectionDefinition, type ElectionDefinition, type ElectionIndex, type DefinitionProblem } from '@tally/domain';
import { categories, categoryFilter, streams, WrongExpectedRevisionError, type EventStore, type RecordedEvent, type SubscriptionHandle } from '@tally/event-store';
import { v5 as uuidv5 } from 'uuid';
import { EVENT_STORE } from '../infrastructure/tokens';
import type { ElectionDefined } from './election.events';

/** Namespace for ids derived from content (UUIDv5), so re-loading the same definition is a no-op. */
const DEFINITION_NAMESPACE = '1b671a64-40d5-491e-99b0-da01ff1f3341';

export type DefineOutcome =
  | { readonly kind: 'defined'; readonly electionId: string; readonly position: string }
  | { readonly kind: 'unchanged'; readonly electionId: string }
  | { readonly kind: 'invalid'; readonly problems: readonly DefinitionProblem[] }
  | { readonly kind: 'conflict'; readonly electionId: string };

@Injectable()
export class ElectionRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ElectionRegistry.name);
  private readonly elections = new Map<string, ElectionIndex>();
  private subscription: SubscriptionHandle | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

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

  /** Records a definition. The same definition again is `unchanged`; a different one under a known id is a `conflict`. */
  async define(input: unknown): Promise<DefineOutcome> {
    const parsed = parseElectionDefinition(input);
    if (!parsed.ok) return { kind: 'invalid', problems: parsed.error };
    const definition = parsed.value;
    const event: ElectionDefined = { type: 'ElectionDefined', data: { definition } };
    const id = uuidv5(createHash('sha256').update(JSON.stringify(definition)).digest('hex'), DEFINITION_NAMESPACE);
    try {
      const result = await this.store.append(streams.election(definition.id), 'no-stream', [
        { id, type: event.type, data: event.data as unknown as Record<string, never> },
      ]);
      if (result.alreadyRecorded) return { kind: 'unchanged', electionId: definition.id };
      this.register(definition);
      return { kind: 'defined', electionId: definition.id, position: result.position };
    } catch (e) {
      if (e instanceof WrongExpectedRevisionError) return { kind: 'conflict', electionId: definition.id };
      throw e;
    }
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
    const parsed = parseElectionDefinition((event.data as unknown as ElectionDefined['data']).definition);
    if (!parsed.ok) {
      // A recorded definition that no longer parses is a bug in a newer version of the rules.
      this.logger.error(`recorded definition in ${event.streamName} does not parse: ${JSON.stringify(parsed.error.slice(0, 3))}`);
      return;
    }
    this.register(parsed.value);
  }

  private register(definition: ElectionDefinition): void {
    if (this.elections.has(definition.id)) return;
    this.elections.set(definition.id, indexElection(definition));
    for (const w of [...this.waiters]) w();
  }
}
