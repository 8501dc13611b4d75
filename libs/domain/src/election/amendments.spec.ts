// An amendment's shapes, and the mapping between the commands and the amendment a signed body
// carries: the HTTP API makes a command of a body, an auditor a command of a recorded amendment.
import { amendmentOfCommand, AmendmentShape, commandOfAmendment, DefinitionAmendedData, type Amendment, type AmendmentEnvelope } from './amendments';

const pk = (n: number) => Buffer.alloc(32, n).toString('base64');
const person = (en: string) => ({ kk: en, ru: en, en });
const envelope: AmendmentEnvelope = { electionId: 'small-2026', sequence: 4, signature: { keyId: 'root-1', value: 'c2ln' }, receivedAt: '2026-03-15T15:00:00Z' };
const EVERY_KIND: readonly Amendment[] = [
  { kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-b', publicKey: pk(3) } },
  { kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-b', publicKey: pk(3) }, validFrom: '2026-03-16T00:00:00Z' },
  { kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: '2026-03-15T14:00:00Z' },
  { kind: 'replace-keys', commissionId: 'p1', keys: [{ keyId: 'p1-c', publicKey: pk(4) }], from: '2026-03-15T14:00:00Z' },
  { kind: 'withdraw-candidate', contestId: 'L', candidateId: 'a1', reason: 'personal statement' },
  { kind: 'register-deputies', bodyId: 'council', on: '2026-03-25', deputies: [{ seat: { kind: 'list', list: 'A', number: 1 }, candidateId: 'a1' }] },
  { kind: 'terminate-mandate', bodyId: 'council', candidateId: 'a1', ground: 'resignation', on: '2026-06-01' },
  { kind: 'fill-seat', bodyId: 'council', contestId: 'SM1', on: '2026-09-01', candidate: { id: 'z9', name: person('Zed Nine'), party: null } },
];

describe('amendments and their commands', () => {
  it('every kind goes to its command and back unchanged, the envelope beside it', () => {
    for (const amendment of EVERY_KIND) {
      const command = commandOfAmendment(amendment, envelope);
      expect(command).toMatchObject(envelope);
      expect(amendmentOfCommand(command)).toEqual(amendment);
      expect(AmendmentShape.parse(amendmentOfCommand(command))).toEqual(amendment);
    }
  });

  it('an added key without validFrom carries no validFrom at all (what is signed has no such field)', () => {
    const [withoutFrom] = EVERY_KIND;
    expect(Object.keys(commandOfAmendment(withoutFrom, envelope))).not.toContain('validFrom');
    expect(Object.keys(amendmentOfCommand(commandOfAmendment(withoutFrom, envelope)) as object)).not.toContain('validFrom');
  });

  it('a replacement names a key; a withdrawal gives a reason that is not blank', () => {
    const problems = (a: unknown) => {
      const r = AmendmentShape.safeParse(a);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ kind: 'replace-keys', commissionId: 'p1', keys: [], from: '2026-03-15T14:00:00Z' })).toEqual(['keys: a replacement names at least one key']);
    expect(problems({ kind: 'withdraw-candidate', contestId: 'L', candidateId: 'a1', reason: '   ' })).toEqual([expect.stringMatching(/^reason: /)]);
  });

  it('a recorded amendment’s receipt time is an RFC 3339 instant', () => {
    const data = { electionId: 'small-2026', sequence: 1, amendment: EVERY_KIND[2], receivedAt: '2026-03-15T15:00:00Z', signature: envelope.signature };
    expect(DefinitionAmendedData.parse(data)).toEqual(data);
    const r = DefinitionAmendedData.safeParse({ ...data, receivedAt: '2026-03-15 15:00' });
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['receivedAt: an RFC 3339 instant']);
  });
});
