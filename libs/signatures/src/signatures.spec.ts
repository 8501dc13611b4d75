import { almatyCity2023Definition, almatyCity2023Protocols, type PrecinctCommand, type PrecinctEvent, type Protocol } from '@tally/domain';
import { canonicalJson } from '@tally/encoding';
import {
  demoKeyPair,
  encodeSignedSubject,
  findSigner,
  generateEd25519KeyPair,
  normalizeProtocol,
  SIGNATURE_SCHEME_V2,
  signedSubjectOfCommand,
  signedSubjectOfEvent,
  signSubmission,
  usesDemoKeys,
  verifySubmissionSignature,
  withDemoKeys,
  type SignedSubject,
} from './index';

const [first] = almatyCity2023Protocols();
const subject: SignedSubject = { kind: 'protocol', electionId: 'almaty-city-2023', precinctId: first.precinctId, contestId: first.contestId, protocol: first.protocol };

describe('the signed encoding', () => {
  it('is each field as a 4-byte big-endian length and its UTF-8 bytes', () => {
    const turnout: SignedSubject = { kind: 'turnout', electionId: 'e', precinctId: 'p1', time: '10:00', ballotsIssued: 42 };
    const field = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    expect(encodeSignedSubject(turnout)).toEqual(Buffer.concat(['tally-submission-v1', 'turnout', 'e', 'p1', '10:00', '42'].map(field)));
  });

  it('v2 names the scheme and puts the version after the subject it places in history', () => {
    const field = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const p = almatyCity2023Protocols()[0];
    const protocol = normalizeProtocol(p.protocol)!;
    const json = canonicalJson(protocol);
    const e = 'e';
    expect(encodeSignedSubject({ kind: 'turnout', electionId: e, precinctId: 'p1', time: '10:00', ballotsIssued: 42, version: 2 })).toEqual(
      Buffer.concat(['tally-submission-v2', 'turnout', e, 'p1', '10:00', '2', '42'].map(field)),
    );
    expect(encodeSignedSubject({ kind: 'protocol', electionId: e, precinctId: 'p1', contestId: 'k', protocol, version: 1 })).toEqual(
      Buffer.concat(['tally-submission-v2', 'protocol', e, 'p1', 'k', '1', json].map(field)),
    );
    expect(encodeSignedSubject({ kind: 'correction', electionId: e, precinctId: 'p1', contestId: 'k', protocol, reason: 'recount', version: 3 })).toEqual(
      Buffer.concat(['tally-submission-v2', 'correction', e, 'p1', 'k', '3', json, 'recount'].map(field)),
    );
  });

  it('never lets one version of a signed body stand for another', () => {
    const { publicKey, privateKeyPem } = generateEd25519KeyPair();
    const v1: SignedSubject = { kind: 'turnout', electionId: 'e', precinctId: 'p1', time: '12:00', ballotsIssued: 100, version: 1 };
    const signature = signSubmission(v1, "k", privateKeyPem);
    expect(verifySubmissionSignature(v1, signature, publicKey)).toBe(true);
    expect(verifySubmissionSignature({ ...v1, version: 2 }, signature, publicKey)).toBe(false);
    const { version: _v, ...unversioned } = v1;
    expect(verifySubmissionSignature(unversioned, signature, publicKey)).toBe(false);
  });

  it.each([0, -1, 1.5, NaN])('refuses to encode version %p', (version) => {
    expect(() => encodeSignedSubject({ kind: 'turnout', electionId: 'e', precinctId: 'p1', time: '12:00', ballotsIssued: 1, version })).toThrow(RangeError);
  });

  it('keeps field boundaries: moving text between fields changes the bytes', () => {
    const a: SignedSubject = { kind: 'turnout', electionId: 'ab', precinctId: 'c', time: '10:00', ballotsIssued: 1 };
    const b: SignedSubject = { kind: 'turnout', electionId: 'a', precinctId: 'bc', time: '10:00', ballotsIssued: 1 };
    expect(encodeSignedSubject(a).equals(encodeSignedSubject(b))).toBe(false);
  });

  it('sorts object keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":0,"z":1}]},"b":1}');
  });

  it('normalises a protocol to the form the recorder keeps (optional lines filled with 0)', () => {
    const { addedSameDay: _a, ballotsLost: _l, ...short } = first.protocol;
    expect(normalizeProtocol(short)).toEqual({ ...first.protocol, addedSameDay: 0, ballotsLost: 0 });
    expect(normalizeProtocol({ contestId: 'x' })).toBeUndefined();
  });
});

describe('signing and verifying', () => {
  const keys = generateEd25519KeyPair();

  it('names the v2 scheme in a signature over a versioned subject, and none over a v1 subject', () => {
    expect(signSubmission(subject, 'k1', keys.privateKeyPem)).toEqual({ keyId: 'k1', value: expect.any(String) });
    expect(signSubmission(subject, 'k1', keys.privateKeyPem)).not.toHaveProperty('scheme');
    expect(signSubmission({ ...subject, version: 1 }, 'k1', keys.privateKeyPem)).toEqual({ keyId: 'k1', value: expect.any(String), scheme: SIGNATURE_SCHEME_V2 });
  });

  it('verifies what was signed and nothing else', () => {
    const signature = signSubmission(subject, 'k1', keys.privateKeyPem);
    expect(verifySubmissionSignature(subject, signature, keys.publicKey)).toBe(true);
    const changed: Protocol = { ...first.protocol, invalid: first.protocol.invalid + 1 };
    expect(verifySubmissionSignature({ ...subject, protocol: changed }, signature, keys.publicKey)).toBe(false);
    expect(verifySubmissionSignature({ ...subject, precinctId: 'almaty-p002' }, signature, keys.publicKey)).toBe(false);
    expect(verifySubmissionSignature(subject, signature, generateEd25519KeyPair().publicKey)).toBe(false);
    expect(verifySubmissionSignature(subject, { ...signature, value: 'AAAA' }, keys.publicKey)).toBe(false);
  });

  it('does not depend on the key order of the protocol', () => {
    const signature = signSubmission(subject, 'k1', keys.privateKeyPem);
    const reversed = Object.fromEntries(Object.entries(first.protocol).reverse()) as unknown as Protocol;
    expect(verifySubmissionSignature({ ...subject, protocol: reversed }, signature, keys.publicKey)).toBe(true);
  });

  it('binds a correction to its reason', () => {
    const correction: SignedSubject = { ...subject, kind: 'correction', reason: 'recount' };
    const signature = signSubmission(correction, 'k1', keys.privateKeyPem);
    expect(verifySubmissionSignature(correction, signature, keys.publicKey)).toBe(true);
    expect(verifySubmissionSignature({ ...correction, reason: 'recount.' }, signature, keys.publicKey)).toBe(false);
    expect(verifySubmissionSignature(subject, signature, keys.publicKey)).toBe(false);
  });
});

describe('demo keys', () => {
  it('are deterministic per commission and differ between commissions', () => {
    expect(demoKeyPair('almaty-p001')).toEqual(demoKeyPair('almaty-p001'));
    expect(demoKeyPair('almaty-p001').publicKey).not.toBe(demoKeyPair('almaty-p002').publicKey);
  });

  it('give every commission of a definition a key, once', () => {
    const definition = withDemoKeys(withDemoKeys(almatyCity2023Definition()));
    for (const c of definition.commissions) expect(c.keys).toEqual([{ keyId: `demo-${c.id}`, publicKey: demoKeyPair(c.id).publicKey }]);
  });
});

describe('findSigner', () => {
  const definition = withDemoKeys(almatyCity2023Definition());
  const own = demoKeyPair(first.precinctId);

  it('names the commission whose key verifies', () => {
    const result = findSigner(definition, subject, signSubmission(subject, own.keyId, own.privateKeyPem));
    expect(result).toMatchObject({ ok: true, keyId: own.keyId, commission: { id: first.precinctId } });
  });

  it('tells an unknown key from a wrong signature', () => {
    expect(findSigner(definition, subject, signSubmission(subject, 'nobody', own.privateKeyPem))).toEqual({ ok: false, problem: 'unknown-key', keyId: 'nobody' });
    const other = demoKeyPair('almaty-p002');
    expect(findSigner(definition, subject, signSubmission(subject, own.keyId, other.privateKeyPem))).toEqual({ ok: false, problem: 'invalid-signature', keyId: own.keyId });
  });

  it('restricts the search to submittedBy when given', () => {
    const signature = signSubmission(subject, own.keyId, own.privateKeyPem);
    expect(findSigner(definition, subject, signature, 'almaty-p002')).toMatchObject({ ok: false, problem: 'unknown-key' });
  });

  it('resolves a key id shared by two commissions by the signature, not by order', () => {
    const shared = {
      commissions: definition.commissions.map((c) =>
        c.id === 'almaty-p001' || c.id === 'almaty-p002' ? { ...c, keys: [{ keyId: 'shared', publicKey: demoKeyPair(c.id).publicKey }] } : c,
      ),
    };
    const second = demoKeyPair('almaty-p002');
    expect(findSigner(shared, subject, signSubmission(subject, 'shared', second.privateKeyPem))).toMatchObject({ ok: true, commission: { id: 'almaty-p002' } });
  });
});

// What a recorded event or a queued command carries beside its subject, and signatures of either scheme
// (the rebuild reads only their scheme).
const meta = { submissionId: 's', electionId: subject.electionId, precinctId: subject.precinctId, submittedBy: subject.precinctId, receivedAt: '2023-03-19T20:00:00Z' };
const v1 = { keyId: 'k', value: 'sig' };
const v2 = { keyId: 'k', value: 'sig', scheme: SIGNATURE_SCHEME_V2 } as const;
const base = { electionId: subject.electionId, precinctId: subject.precinctId };

describe('signedSubjectOfEvent (for auditors)', () => {
  const keys = generateEd25519KeyPair();

  it('rebuilds what a recorded protocol, correction and turnout were signed over', () => {
    const correction: SignedSubject = { ...subject, kind: 'correction', reason: 'typo' };
    const turnout: SignedSubject = { kind: 'turnout', electionId: subject.electionId, precinctId: subject.precinctId, time: '12:00', ballotsIssued: 300 };
    const events: Array<[PrecinctEvent, SignedSubject]> = [
      [{ type: 'ProtocolRecorded', data: { ...meta, signature: null, contestId: first.contestId, protocol: first.protocol, version: 1 } }, subject],
      [{ type: 'ProtocolCorrected', data: { ...meta, signature: null, contestId: first.contestId, protocol: first.protocol, version: 2, supersedes: 'x', reason: 'typo' } }, correction],
      [{ type: 'TurnoutReported', data: { ...meta, signature: null, time: '12:00', ballotsIssued: 300 } }, turnout],
      [{ type: 'SubmissionRefused', data: { ...meta, signature: null, kind: 'correction', reasons: [], payload: { protocol: first.protocol, reason: 'typo' } } }, correction],
    ];
    for (const [event, signed] of events) {
      const signature = signSubmission(signed, 'k', keys.privateKeyPem);
      const rebuilt = signedSubjectOfEvent(event);
      expect(rebuilt).toBeDefined();
      expect(verifySubmissionSignature(rebuilt!, signature, keys.publicKey)).toBe(true);
    }
  });

  it('has nothing to rebuild from a refused payload that is no protocol', () => {
    expect(signedSubjectOfEvent({ type: 'SubmissionRefused', data: { ...meta, signature: null, kind: 'protocol', reasons: [], payload: 'junk' } })).toBeUndefined();
  });

  // What each refusal kept (its payload, as received) and the subject it was signed over, exactly.
  const refused = (kind: 'protocol' | 'correction' | 'turnout', payload: unknown, signature: typeof v1 | null = v2): PrecinctEvent => ({
    type: 'SubmissionRefused',
    data: { ...meta, signature, kind, reasons: [], payload },
  });

  it('rebuilds a refused protocol: a v1 payload is the protocol, a v2 one { protocol, version }', () => {
    expect(signedSubjectOfEvent(refused('protocol', first.protocol, v1))).toStrictEqual({ kind: 'protocol', ...base, contestId: first.contestId, protocol: first.protocol });
    expect(signedSubjectOfEvent(refused('protocol', { protocol: first.protocol, version: 1 }))).toStrictEqual({
      kind: 'protocol',
      ...base,
      contestId: first.contestId,
      protocol: first.protocol,
      version: 1,
    });
    // A v2 payload under a v1 signature: the version is not what was signed.
    expect(signedSubjectOfEvent(refused('protocol', { protocol: first.protocol, version: 1 }, v1))).toStrictEqual({ kind: 'protocol', ...base, contestId: first.contestId, protocol: first.protocol });
    // Without a version, a payload that wraps a protocol is no v1 protocol (a v1 payload is the protocol itself).
    expect(signedSubjectOfEvent(refused('protocol', { protocol: first.protocol }, v1))).toBeUndefined();
    // A version beside the protocol's own fields makes no protocol: nothing was signed over that.
    expect(signedSubjectOfEvent(refused('protocol', { ...first.protocol, version: 1 }, v1))).toBeUndefined();
  });

  it('rebuilds a refused correction with its reason and version, and nothing without a reason', () => {
    expect(signedSubjectOfEvent(refused('correction', { protocol: first.protocol, reason: 'recount', version: 2 }))).toStrictEqual({
      kind: 'correction',
      ...base,
      contestId: first.contestId,
      protocol: first.protocol,
      reason: 'recount',
      version: 2,
    });
    expect(signedSubjectOfEvent(refused('correction', { protocol: first.protocol, reason: 7, version: 2 }))).toBeUndefined();
    expect(signedSubjectOfEvent(refused('correction', { protocol: { contestId: 'x' }, reason: 'recount' }))).toBeUndefined();
    // A correction's payload is never a bare protocol.
    expect(signedSubjectOfEvent(refused('correction', first.protocol, v1))).toBeUndefined();
  });

  it('rebuilds a refused turnout report, and nothing from one without a time or a number', () => {
    expect(signedSubjectOfEvent(refused('turnout', { time: '12:00', ballotsIssued: 300, version: 2 }))).toStrictEqual({ kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300, version: 2 });
    expect(signedSubjectOfEvent(refused('turnout', { time: '12:00', ballotsIssued: 300 }, v1))).toStrictEqual({ kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300 });
    expect(signedSubjectOfEvent(refused('turnout', { time: 12, ballotsIssued: 300 }))).toBeUndefined();
    expect(signedSubjectOfEvent(refused('turnout', { time: '12:00', ballotsIssued: '300' }))).toBeUndefined();
    expect(signedSubjectOfEvent(refused('turnout', null))).toBeUndefined();
    // A version that is no number is no version: the subject is a v1 one.
    expect(signedSubjectOfEvent(refused('turnout', { time: '12:00', ballotsIssued: 300, version: '2' }))).toStrictEqual({ kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300 });
  });

  it('a v2 turnout report recorded before reports kept their version is version 1', () => {
    const event: PrecinctEvent = { type: 'TurnoutReported', data: { ...meta, signature: v2, time: '12:00', ballotsIssued: 300 } };
    expect(signedSubjectOfEvent(event)).toStrictEqual({ kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300, version: 1 });
    expect(signedSubjectOfEvent({ ...event, data: { ...event.data, version: 3 } } as PrecinctEvent)).toMatchObject({ version: 3 });
    expect(signedSubjectOfEvent({ ...event, data: { ...event.data, signature: v1 } })).toStrictEqual({ kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300 });
  });
});

describe('signedSubjectOfCommand (the recorder, before deciding)', () => {

  it('rebuilds each kind, with the version only under a v2 signature', () => {
    const commands: Array<[PrecinctCommand, SignedSubject]> = [
      [{ type: 'SubmitProtocol', meta: { ...meta, signature: v2 }, protocol: first.protocol, version: 1 }, { ...subject, version: 1 }],
      [{ type: 'SubmitProtocol', meta: { ...meta, signature: v1 }, protocol: first.protocol, version: 1 }, subject],
      [
        { type: 'CorrectProtocol', meta: { ...meta, signature: v2 }, protocol: first.protocol, reason: 'recount', version: 2 },
        { kind: 'correction', ...base, contestId: first.contestId, protocol: first.protocol, reason: 'recount', version: 2 },
      ],
      [{ type: 'ReportTurnout', meta: { ...meta, signature: v2 }, time: '12:00', ballotsIssued: 300, version: 1 }, { kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300, version: 1 }],
      [{ type: 'ReportTurnout', meta: { ...meta, signature: null }, time: '12:00', ballotsIssued: 300, version: 1 }, { kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300 }],
      // A v2 signature over a command without a version: nothing to add.
      [{ type: 'ReportTurnout', meta: { ...meta, signature: v2 }, time: '12:00', ballotsIssued: 300 }, { kind: 'turnout', ...base, time: '12:00', ballotsIssued: 300 }],
    ];
    for (const [command, expected] of commands) expect(signedSubjectOfCommand(command)).toStrictEqual(expected);
  });

  it('has nothing to rebuild from a command that could not have been signed', () => {
    const broken: PrecinctCommand[] = [
      { type: 'SubmitProtocol', meta: { ...meta, signature: v2 }, protocol: { contestId: 'x' } as never },
      { type: 'CorrectProtocol', meta: { ...meta, signature: v2 }, protocol: first.protocol, reason: 7 as never },
      { type: 'CorrectProtocol', meta: { ...meta, signature: v2 }, protocol: { contestId: 'x' } as never, reason: 'recount' },
      { type: 'ReportTurnout', meta: { ...meta, signature: v2 }, time: 12 as never, ballotsIssued: 300 },
      { type: 'ReportTurnout', meta: { ...meta, signature: v2 }, time: '12:00', ballotsIssued: '300' as never },
    ];
    for (const command of broken) expect(signedSubjectOfCommand(command)).toBeUndefined();
  });

  it('refuses a command of no known type', () => {
    expect(() => signedSubjectOfCommand({ type: 'Vote', meta } as never)).toThrow(/unknown precinct command .*Vote/);
  });
});

describe('demo keys', () => {
  it('marks a definition in which any commission holds its public-seed key, whatever the key id', () => {
    const real = almatyCity2023Definition();
    expect(usesDemoKeys(real)).toBe(false);
    expect(usesDemoKeys(withDemoKeys(real))).toBe(true);
    const [first, ...rest] = real.commissions;
    const renamed = { ...real, commissions: [{ ...first, keys: [{ keyId: 'innocent-looking', publicKey: demoKeyPair(first.id).publicKey }] }, ...rest] };
    expect(usesDemoKeys(renamed)).toBe(true);
  });
});
