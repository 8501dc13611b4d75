// Election commands through the command handler against the embedded store (PGlite in memory):
// what is appended to `election-<id>`, and what a repeated command answers.
import { Logger } from '@nestjs/common';
import { generateSyntheticElection, type ElectionCommand } from '@tally/domain';
import { createPgliteEventStore, StreamCommandHandler, streams, type EventStore } from '@tally/event-store';
import { DecideElectionCommand } from './decide-election.command';
import { DecideElectionHandler } from './decide-election.handler';

describe('DecideElectionHandler', () => {
  const definition = generateSyntheticElection({ seed: 11, precincts: 4, singleMemberDistricts: 2 });
  const E = definition.id;
  const district = definition.contests.find((c) => c.kind === 'single-member')!;
  const candidates = district.kind === 'single-member' ? district.candidates : [];
  let store: EventStore;
  let handler: DecideElectionHandler;
  const run = (command: ElectionCommand) => handler.execute(new DecideElectionCommand(command));
  const define = (input: unknown = definition) => run({ type: 'DefineElection', electionId: E, input });
  const lot = (order: readonly string[], reason = 'equal votes') => run({ type: 'DrawLot', electionId: E, contestId: district.id, order, drawnBy: 'CEC secretary', reason });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    store = await createPgliteEventStore({});
    handler = new DecideElectionHandler(new StreamCommandHandler(store), store);
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('defines an election once; the same definition again is unchanged; another is refused', async () => {
    const first = await define();
    expect(first).toMatchObject({ kind: 'recorded', position: expect.stringMatching(/^\d+:\d+$/), election: { status: 'defined', definition } });
    expect(await define()).toMatchObject({ kind: 'unchanged', position: first.kind === 'recorded' ? first.position : 'never' });
    expect(await define({ ...definition, date: '2030-01-01' })).toMatchObject({ kind: 'refused', reasons: [{ code: 'DEFINITION_CONFLICT', field: 'id' }] });
    expect(await define({ ...definition, bodies: 'none' })).toMatchObject({ kind: 'refused', reasons: [{ code: 'INVALID_DEFINITION', field: 'bodies' }] });
    expect((await store.readStream(streams.election(E))).map((e) => e.type)).toEqual(['ElectionDefined']);
  });

  it('records a lot; the same lot again answers where it was recorded, even after another lot', async () => {
    const a = await lot([candidates[1], candidates[0]]);
    expect(a).toMatchObject({ kind: 'recorded' });
    const b = await lot([candidates[0], candidates[1]], 'drawn again');
    expect(b).toMatchObject({ kind: 'recorded' });
    expect(await lot([candidates[1], candidates[0]], '  equal votes ')).toMatchObject({ kind: 'unchanged', position: a.kind === 'recorded' ? a.position : 'never' });
    const recorded = await store.readStream(streams.election(E));
    expect(recorded.map((e) => e.type)).toEqual(['ElectionDefined', 'LotDrawn', 'LotDrawn']);
    expect(recorded[1].data).toEqual({ electionId: E, contestId: district.id, order: [candidates[1], candidates[0]], drawnBy: 'CEC secretary', reason: 'equal votes' });
    expect(a.kind === 'recorded' && a.position).toBe(recorded[1].position);
  });

  it('refuses a lot for an election nobody defined, whatever its id', async () => {
    for (const electionId of ['nobody-2030', 'not a stream id!']) {
      expect(await run({ type: 'DrawLot', electionId, contestId: 'x', order: ['a'], drawnBy: 'me', reason: 'tie' })).toEqual({
        kind: 'refused',
        reasons: [{ code: 'UNKNOWN_ELECTION', field: 'electionId', message: `no election ${electionId} is defined`, operands: { electionId } }],
      });
    }
    expect(await run({ type: 'DefineElection', electionId: '', input: { id: 'x y' } })).toMatchObject({ kind: 'refused', reasons: expect.arrayContaining([expect.objectContaining({ code: 'INVALID_DEFINITION' })]) });
  });
});
