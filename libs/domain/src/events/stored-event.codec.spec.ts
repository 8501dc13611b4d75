import { almatyCity2023Definition } from '../fixtures';
import { decodeDomainEvent, decodeElectionEvent, decodePrecinctEvent } from './stored-event.codec';

const meta = { submissionId: 's1', electionId: 'e', precinctId: 'p1', submittedBy: 'p1', receivedAt: '2023-03-19T15:00:00Z', signature: null };
const protocol = { contestId: 'k', registeredVoters: 10, votes: {} };

describe('stored-event codec', () => {
  it('decodes each precinct event that has its fields', () => {
    for (const e of [
      { type: 'ProtocolRecorded', data: { ...meta, contestId: 'k', protocol, version: 1 } },
      { type: 'ProtocolCorrected', data: { ...meta, contestId: 'k', protocol, version: 2, supersedes: 's0', reason: 'recount' } },
      { type: 'TurnoutReported', data: { ...meta, time: '10:00', ballotsIssued: 4 } },
      { type: 'SubmissionRefused', data: { ...meta, kind: 'turnout', reasons: [{ code: 'MALFORMED', field: 'time', message: 'x' }], payload: null } },
    ]) {
      expect(decodePrecinctEvent(e)).toEqual({ ok: true, value: e });
    }
  });

  it('names the field that is missing or of the wrong type', () => {
    expect(decodePrecinctEvent({ type: 'TurnoutReported', data: { ...meta, time: '10:00', ballotsIssued: '4' } })).toEqual({
      ok: false,
      error: { kind: 'malformed', type: 'TurnoutReported', field: 'ballotsIssued', message: expect.stringContaining('ballotsIssued') },
    });
    expect(decodePrecinctEvent({ type: 'ProtocolRecorded', data: { ...meta, contestId: 'k', protocol, version: 2 } })).toMatchObject({ ok: false, error: { field: 'version' } });
    expect(decodePrecinctEvent({ type: 'ProtocolRecorded', data: { ...meta, signature: { keyId: 1 }, contestId: 'k', protocol, version: 1 } })).toMatchObject({ ok: false, error: { field: 'signature' } });
    expect(decodePrecinctEvent({ type: 'ProtocolRecorded', data: [] })).toMatchObject({ ok: false, error: { field: 'data' } });
  });

  it('says an unknown type is unknown, never guesses', () => {
    expect(decodePrecinctEvent({ type: 'LotDrawn', data: {} })).toEqual({ ok: false, error: { kind: 'unknown-type', type: 'LotDrawn' } });
    expect(decodeElectionEvent({ type: 'ProtocolRecorded', data: {} })).toEqual({ ok: false, error: { kind: 'unknown-type', type: 'ProtocolRecorded' } });
    expect(decodeDomainEvent({ type: 'Nonsense', data: {} })).toEqual({ ok: false, error: { kind: 'unknown-type', type: 'Nonsense' } });
  });

  it('parses a recorded definition by the domain rules', () => {
    const decoded = decodeElectionEvent({ type: 'ElectionDefined', data: { definition: almatyCity2023Definition() } });
    expect(decoded.ok && decoded.value.type === 'ElectionDefined' && decoded.value.data.definition.id).toBe(almatyCity2023Definition().id);
    expect(decodeElectionEvent({ type: 'ElectionDefined', data: { definition: { id: 'x' } } })).toMatchObject({ ok: false, error: { kind: 'malformed', type: 'ElectionDefined' } });
  });

  it('decodes a lot drawn', () => {
    const lot = { type: 'LotDrawn', data: { electionId: 'e', contestId: 'k', order: ['a', 'b'], drawnBy: 'chair', reason: 'tie' } };
    expect(decodeDomainEvent(lot)).toEqual({ ok: true, value: lot });
    expect(decodeDomainEvent({ ...lot, data: { ...lot.data, order: ['a', 2] } })).toMatchObject({ ok: false, error: { field: 'order' } });
  });

  it('decodes a key amendment by its schema, the signed amendment back in its key order whatever the engine kept', () => {
    const data = {
      electionId: 'e',
      sequence: 2,
      amendment: { kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: '2026-03-15T14:00:00Z' },
      receivedAt: '2026-03-15T15:00:00.000Z',
      signature: { keyId: 'root-1', value: 'c2ln' },
    };
    // As jsonb hands it back: keys reordered.
    const stored = { type: 'DefinitionAmended', data: { signature: data.signature, sequence: 2, receivedAt: data.receivedAt, electionId: 'e', amendment: { from: data.amendment.from, keyId: 'p1-a', kind: 'revoke-key', commissionId: 'p1' } } };
    const decoded = decodeDomainEvent(stored);
    expect(decoded).toEqual({ ok: true, value: { type: 'DefinitionAmended', data } });
    expect(decoded.ok && JSON.stringify(decoded.value.data)).toBe(JSON.stringify(data));
    expect(decodeElectionEvent({ ...stored, data: { ...data, sequence: 0 } })).toMatchObject({ ok: false, error: { kind: 'malformed', type: 'DefinitionAmended', field: 'sequence' } });
    expect(decodeElectionEvent({ ...stored, data: { ...data, amendment: { ...data.amendment, kind: 'forget-key' } } })).toMatchObject({ ok: false, error: { field: 'amendment.kind' } });
    expect(decodeElectionEvent({ type: 'DefinitionAmended', data: 'x' })).toMatchObject({ ok: false, error: { kind: 'malformed', field: 'data' } });
  });

  it('decodes a termination, a registration and the succession decided with it, in the schemas’ key order; refuses an unknown ground or rule', () => {
    const terminate = { electionId: 'e', sequence: 3, amendment: { kind: 'terminate-mandate', bodyId: 'council', candidateId: 'a1', ground: 'resignation', on: '2026-06-01' }, receivedAt: '2026-06-02T09:00:00Z', signature: { keyId: 'city-1', value: 'c2ln' } };
    expect(decodeElectionEvent({ type: 'DefinitionAmended', data: terminate })).toEqual({ ok: true, value: { type: 'DefinitionAmended', data: terminate } });
    expect(decodeElectionEvent({ type: 'DefinitionAmended', data: { ...terminate, amendment: { ...terminate.amendment, ground: 'boredom' } } })).toMatchObject({ ok: false, error: { field: 'amendment.ground' } });
    const register = { ...terminate, sequence: 2, amendment: { kind: 'register-deputies', bodyId: 'council', on: '2026-03-25', deputies: [{ seat: { kind: 'district', contestId: 'N' }, candidateId: 'n1' }] } };
    expect(decodeElectionEvent({ type: 'DefinitionAmended', data: register }).ok).toBe(true);
    const data = { electionId: 'e', bodyId: 'council', sequence: 3, seat: { kind: 'list', list: 'A', number: 1 }, from: 'a1', to: 'a4', on: '2026-06-01', rule: 'next-on-list', skipped: [{ candidateId: 'a2', reason: 'withdrawn' }] };
    const reordered = Object.fromEntries(Object.entries(data).reverse());
    const decoded = decodeDomainEvent({ type: 'MandatePassed', data: reordered });
    expect(decoded).toEqual({ ok: true, value: { type: 'MandatePassed', data } });
    expect(decoded.ok && JSON.stringify(decoded.value.data)).toBe(JSON.stringify(data));
    expect(decodeElectionEvent({ type: 'MandatePassed', data: { ...data, rule: 'by-lot' } })).toMatchObject({ ok: false, error: { kind: 'malformed', type: 'MandatePassed', field: 'rule' } });
    expect(decodeElectionEvent({ type: 'MandatePassed', data: { ...data, on: '2026-02-30' } })).toMatchObject({ ok: false, error: { field: 'on' } });
  });
});
