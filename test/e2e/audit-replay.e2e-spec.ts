// Acceptance: replay at position N equals the live projection's state captured at N. The live
// side is the service's projector engine following the store as events are appended; the audit
// side replays the store afterwards. Synthetic election with corrections and turnout reports.
import { loadElections, replay, type DefinedElection } from '@tally/audit';
import { ResultsProjector, viewDigest } from '@tally/projection';
import { generateSyntheticElection } from '@tally/domain';
import { createPgliteEventStore, START_POSITION, type EventStore } from '@tally/event-store';
import { recordSignedElection } from '../../libs/audit/src/testing/audit-fixture';

jest.setTimeout(120_000);

async function endPosition(store: EventStore): Promise<string> {
  let last = START_POSITION;
  for (let from = START_POSITION; ; ) {
    const page = await store.readAll({ from, batchSize: 5000 });
    if (page.events.length > 0) last = page.events[page.events.length - 1].position;
    from = page.checkpoint;
    if (page.isEnd) return last;
  }
}

describe('audit replay against the live projector', () => {
  it('reaches the live state captured at every batch boundary, and at the end', async () => {
    const store = await createPgliteEventStore();
    const definition = generateSyntheticElection({ seed: 21, precincts: 60, lists: 5, seats: 15, singleMemberDistricts: 4 });
    const elections = new Map<string, DefinedElection>();
    const projector = new ResultsProjector({
      store,
      // The projector learns the election from its ElectionDefined event (the registry's role in the service).
      elections: { get: (id) => elections.get(id)?.index, list: () => [...elections.values()].map((e) => e.index) },
    });
    const captured: { position: string; digest: string }[] = [];
    try {
      await projector.start();
      const recorded = await recordSignedElection(store, definition, {
        seed: 4,
        turnoutReportShare: 0.4,
        correctionShare: 0.25,
        batch: 40,
        onBatch: async () => {
          if (elections.size === 0) for (const [id, e] of (await loadElections(store)).elections) elections.set(id, e);
          const position = await endPosition(store);
          await projector.waitForPosition(position);
          captured.push({ position, digest: projector.digest(definition.id)! });
        },
      });
      expect(captured.length).toBeGreaterThan(3);
      for (const { position, digest } of captured) {
        const r = await replay(store, { until: { kind: 'position', position } });
        expect({ position, digest: viewDigest(r.elections.get(recorded.definition.id)!.view) }).toEqual({ position, digest });
      }
      // Distinct states: the comparison is not trivially between empty views.
      expect(new Set(captured.map((c) => c.digest)).size).toBe(captured.length);
      const whole = await replay(store);
      expect(viewDigest(whole.elections.get(definition.id)!.view)).toBe(projector.digest(definition.id));
    } finally {
      await projector.stop();
      await store.close();
    }
  });
});
