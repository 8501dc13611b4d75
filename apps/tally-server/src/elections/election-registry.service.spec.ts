// The registry follows each election's stream: a key amendment decided in one process is in force
// there at once, and reaches a registry of another process through the store's subscription; a
// registry started later folds it while catching up. PGlite in memory, the real command handler.
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { commandOfAmendment, generateSyntheticElection, keyStatusAt, type ElectionIndex, type KeyAmendment } from '@tally/domain';
import { createPgliteEventStore, StreamCommandHandler, type EventStore } from '@tally/event-store';
import { generateEd25519KeyPair, signAmendment } from '@tally/signatures';
import type { DecideElectionCommand } from './decide-election.command';
import { DecideElectionHandler } from './decide-election.handler';
import { ElectionRegistry } from './election-registry.service';

describe('ElectionRegistry and key amendments', () => {
  const root = generateEd25519KeyPair();
  const base = generateSyntheticElection({ seed: 5, precincts: 3 });
  const rootId = base.commissions.find((c) => c.parent === null)!.id;
  const precinctId = base.commissions.find((c) => c.level === 'precinct')!.id;
  const definition = {
    ...base,
    commissions: base.commissions.map((c) => (c.id === rootId ? { ...c, keys: [{ keyId: 'root', publicKey: root.publicKey }] } : c.id === precinctId ? { ...c, keys: [{ keyId: 'p-old', publicKey: generateEd25519KeyPair().publicKey }] } : c)),
  };
  const E = definition.id;
  const FROM = '2026-03-15T14:00:00Z';
  let store: EventStore;
  const registries: ElectionRegistry[] = [];

  async function startRegistry(): Promise<ElectionRegistry> {
    const handler = new DecideElectionHandler(new StreamCommandHandler(store), store);
    const bus = { execute: (command: DecideElectionCommand) => handler.execute(command) } as unknown as CommandBus;
    const registry = new ElectionRegistry(store, bus);
    await registry.onModuleInit();
    registries.push(registry);
    return registry;
  }
  const amend = (registry: ElectionRegistry, sequence: number, amendment: KeyAmendment) =>
    registry.amend(commandOfAmendment(amendment, { electionId: E, sequence, signature: signAmendment({ electionId: E, sequence, amendment }, 'root', root.privateKeyPem), receivedAt: '2026-03-15T13:00:00Z' }));
  const oldKeyAt = (index: ElectionIndex | undefined, at: string) => keyStatusAt(index!.keys.named('p-old', precinctId)[0], at);

  /** Resolves once the registry's index for E satisfies the check (the subscription delivers in its own time). */
  async function until(registry: ElectionRegistry, check: (index: ElectionIndex) => boolean): Promise<ElectionIndex> {
    for (let tries = 0; tries < 500; tries++) {
      const index = registry.get(E);
      if (index && check(index)) return index;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the registry never got there');
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    store = await createPgliteEventStore({});
  }, 60_000);
  afterAll(async () => {
    for (const r of registries) await r.onModuleDestroy();
    await store.close();
  });

  it('applies an amendment at once where it was decided, through the subscription elsewhere, and while catching up later', async () => {
    const here = await startRegistry();
    const there = await startRegistry();
    expect(await here.define(definition)).toMatchObject({ kind: 'defined' });
    await until(there, () => true);
    expect(oldKeyAt(there.get(E), FROM)).toBe('valid');

    const recorded = await amend(here, 1, { kind: 'revoke-key', commissionId: precinctId, keyId: 'p-old', from: FROM });
    expect(recorded).toMatchObject({ kind: 'recorded', sequence: 1 });
    expect(oldKeyAt(here.get(E), FROM)).toBe('revoked-key');
    expect(oldKeyAt(here.get(E), '2026-03-15T13:59:59Z')).toBe('valid');
    expect(here.amendments(E)?.map((a) => a.sequence)).toEqual([1]);

    const followed = await until(there, (index) => oldKeyAt(index, FROM) === 'revoked-key');
    expect(followed.definition).toBe(there.get(E)!.definition);
    expect(there.amendments(E)?.map((a) => a.amendment.kind)).toEqual(['revoke-key']);

    const later = await startRegistry();
    expect(oldKeyAt(later.get(E), FROM)).toBe('revoked-key');
    expect(later.amendments(E)).toHaveLength(1);
    expect(later.amendments('nobody')).toBeUndefined();

    // The same amendment again: unchanged, answered with where it was recorded; the fold takes it once.
    const again = await amend(there, 1, { kind: 'revoke-key', commissionId: precinctId, keyId: 'p-old', from: FROM });
    expect(again).toEqual({ kind: 'unchanged', sequence: 1, position: recorded.kind === 'recorded' ? recorded.position : 'never' });
    expect(there.amendments(E)).toHaveLength(1);
    expect(await amend(there, 2, { kind: 'revoke-key', commissionId: precinctId, keyId: 'p-old', from: FROM })).toMatchObject({ kind: 'refused', reasons: [{ code: 'ALREADY_REVOKED' }] });
  });
});
