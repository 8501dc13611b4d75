import { applyEvent, createResultsView, generateSyntheticElection, indexElection, electionSummary } from '@tally/domain';
import { matchesFilter, streams, type JsonObject, type RecordedEvent } from '@tally/event-store';
import { electionOfStream, isPrecinctStream, precinctOfStream, PROJECTED_CATEGORIES, toViewEvent } from './routing';

const meta = { submissionId: 's1', electionId: 'e', precinctId: 'p1', submittedBy: 'p1', receivedAt: '2026-03-15T15:00:00Z', signature: null };
const recordedAt = new Date('2026-03-15T18:00:00.000Z');

function recorded(streamName: string, type: string, data: JsonObject, position = '1:1'): RecordedEvent {
  return { streamName, revision: 0n, position, id: 'id', type, data, metadata: { contentHash: 'c', previousHash: 'p' }, recordedAt };
}

describe('routing stored events to the results views', () => {
  it('reads the election and precinct streams, and names their election and precinct', () => {
    expect(matchesFilter(streams.precinct('e', 'p1'), PROJECTED_CATEGORIES)).toBe(true);
    expect(matchesFilter(streams.election('e'), PROJECTED_CATEGORIES)).toBe(true);
    expect(matchesFilter(streams.intakeRejections('e'), PROJECTED_CATEGORIES)).toBe(false);
    expect(electionOfStream(streams.precinct('e-2026', 'p-1'))).toBe('e-2026');
    expect(precinctOfStream(streams.precinct('e-2026', 'p1'))).toBe('p1');
    expect(electionOfStream(streams.election('e-2026'))).toBe('e-2026');
    expect(precinctOfStream(streams.election('e-2026'))).toBeUndefined();
    expect(electionOfStream('precinct-nodot')).toBeUndefined();
    expect(electionOfStream(streams.intakeRejections('e'))).toBeUndefined();
    expect(isPrecinctStream(streams.precinct('e', 'p1'))).toBe(true);
    expect(isPrecinctStream(streams.election('e'))).toBe(false);
  });

  it("offers a precinct stream's event decoded, with where and when it was recorded", () => {
    const data = { ...meta, time: '10:00', ballotsIssued: 4 };
    expect(toViewEvent(recorded(streams.precinct('e', 'p1'), 'TurnoutReported', data, '3:7'))).toEqual({
      type: 'TurnoutReported',
      data,
      position: '3:7',
      recordedAt: '2026-03-15T18:00:00.000Z',
    });
  });

  it("of the election's own stream offers only the lots drawn", () => {
    const lot = { electionId: 'e', contestId: 'k', order: ['a', 'b'], drawnBy: 'chair', reason: 'tie' };
    expect(toViewEvent(recorded(streams.election('e'), 'LotDrawn', lot))).toMatchObject({ type: 'LotDrawn', data: lot });
    expect(toViewEvent(recorded(streams.election('e'), 'ElectionDefined', { definition: {} }))).toBeUndefined();
    expect(toViewEvent(recorded(streams.election('e'), 'SomethingElse', {}))).toBeUndefined();
    expect(toViewEvent(recorded(streams.intakeRejections('e'), 'LotDrawn', lot))).toBeUndefined();
  });

  it('offers a record the codec refuses as an undecodable record saying why, which the view counts as ignored', () => {
    const unknown = toViewEvent(recorded(streams.precinct('e', 'p1'), 'SomethingElse', {}, '1:2'));
    const malformed = toViewEvent(recorded(streams.precinct('e', 'p1'), 'ProtocolRecorded', { ...meta, contestId: 'k', version: 1 }, '1:3'));
    const badLot = toViewEvent(recorded(streams.election('e'), 'LotDrawn', { electionId: 'e', contestId: 'k', order: 'a' }, '1:4'));
    expect(unknown).toEqual({ type: 'undecodable-record', failure: { kind: 'unknown-type', type: 'SomethingElse' }, position: '1:2', recordedAt: '2026-03-15T18:00:00.000Z' });
    expect(malformed).toMatchObject({ type: 'undecodable-record', failure: { kind: 'malformed', type: 'ProtocolRecorded', field: 'protocol' }, position: '1:3' });
    expect(badLot).toMatchObject({ type: 'undecodable-record', failure: { kind: 'malformed', type: 'LotDrawn', field: 'order' }, position: '1:4' });

    const view = createResultsView(indexElection(generateSyntheticElection({ seed: 1, precincts: 4 })));
    expect(applyEvent(view, unknown!)).toEqual({ kind: 'ignored', reason: 'unknown-event-type' });
    expect(applyEvent(view, malformed!)).toEqual({ kind: 'ignored', reason: 'malformed-event' });
    expect(applyEvent(view, badLot!)).toEqual({ kind: 'ignored', reason: 'malformed-event' });
    expect(electionSummary(view)).toMatchObject({ position: '1:4', eventsApplied: 0, eventsIgnored: 3 });
  });
});
