import { canonicalJson } from '@tally/encoding';
import type { EventStore, JsonValue, ReadAllOptions, RecordedEvent, RecordedMetadata } from './event-store.port';
import { chainMetadata, ChainCheck, contentHash, GENESIS_HASH, verifyStore } from './hash-chain';

const base = { streamName: 'precinct-e1.p1', revision: 0n, id: '0f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'ProtocolRecorded', data: { a: 1 }, metadata: {} };

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: [{ z: 1, y: 'x' }], a: null })).toBe('{"a":null,"b":[{"y":"x","z":1}]}');
  });
});

describe('contentHash', () => {
  // Every store holds hashes written this way: the bytes may never change. The value was computed
  // by the implementation of 2026-12-04 (a Hash object fed field by field).
  it('gives the hash every stored chain was written with (a known answer)', () => {
    const event = {
      streamName: 'precinct-e2026-p7',
      revision: 2n,
      id: '0192F8A0-1234-7ABC-8DEF-0123456789AB',
      type: 'ProtocolRecorded',
      data: { b: [1, 'päivä'], a: { z: null, y: true } },
      metadata: { submissionId: 's-1', contentHash: 'x', previousHash: 'y', recordedBy: 'астана' },
    };
    expect(contentHash(event, GENESIS_HASH)).toBe('76e170415eeefebfad5963be2135ea28b1ef14cbb30d526fab27bead383b11ff');
  });

  it('is the same for the same content in any key order and ignores the stored hash links', () => {
    const h = contentHash(base, GENESIS_HASH);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash({ ...base, data: { a: 1 }, metadata: { contentHash: 'x', previousHash: 'y' } }, GENESIS_HASH)).toBe(h);
  });

  it('changes with every hashed field, including the previous hash', () => {
    const h = contentHash(base, GENESIS_HASH);
    const variants = [
      { ...base, streamName: 'precinct-e1.p2' },
      { ...base, revision: 1n },
      { ...base, id: '1f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f' },
      { ...base, type: 'ProtocolCorrected' },
      { ...base, data: { a: 2 } },
      { ...base, metadata: { submissionId: 's' } },
    ];
    const hashes = new Set([h, ...variants.map((v) => contentHash(v, GENESIS_HASH)), contentHash(base, 'f'.repeat(64))]);
    expect(hashes.size).toBe(variants.length + 2);
  });

  it('length-prefixes fields, so moving a character between fields changes the hash', () => {
    const a = contentHash({ ...base, streamName: 'precinct-ab', type: 'cX' }, GENESIS_HASH);
    const b = contentHash({ ...base, streamName: 'precinct-a', type: 'bcX' }, GENESIS_HASH);
    expect(a).not.toBe(b);
  });
});

describe('ChainCheck: what each event must show', () => {
  const recorded = (previousHash: string, contentHashOf: (h: string) => string = (h) => h) => ({
    ...base,
    position: '1:1',
    recordedAt: new Date('2026-03-15T15:00:00Z'),
    metadata: { contentHash: contentHashOf(contentHash(base, previousHash)), previousHash },
  });

  it('a stream starts from the genesis hash: a first event that claims to follow another is a break', () => {
    expect(new ChainCheck().visit(recorded(GENESIS_HASH))).toBe(true);
    const check = new ChainCheck();
    // Its own hash is consistent with the link it claims; the link is what is wrong.
    expect(check.visit(recorded('a'.repeat(64)))).toBe(false);
    expect(check.result()).toMatchObject({ ok: false, firstBreak: { revision: 0n, kind: 'chain-broken', expected: GENESIS_HASH } });
  });

  it('hashes that are not 64 lowercase hex digits are no hashes', () => {
    const check = new ChainCheck();
    expect(check.visit(recorded(GENESIS_HASH, (h) => h.toUpperCase()))).toBe(false);
    expect(check.result()).toMatchObject({ ok: false, firstBreak: { kind: 'missing-hash' } });
  });
});

/** Events hashed as the stores hash them on append: `streams` interleaved, in global order. */
function chained(...streams: Array<[string, number]>): RecordedEvent[] {
  const heads = new Map<string, string>();
  const out: RecordedEvent[] = [];
  const longest = Math.max(...streams.map(([, n]) => n));
  for (let r = 0; r < longest; r += 1) {
    for (const [streamName, n] of streams) {
      if (r >= n) continue;
      const event = { streamName, revision: BigInt(r), id: `00000000-0000-4000-8000-${String(out.length).padStart(12, '0')}`, type: 'TurnoutReported', data: { r, streamName }, metadata: { submissionId: `s${out.length}` } };
      const metadata = chainMetadata(event, heads.get(streamName) ?? GENESIS_HASH);
      heads.set(streamName, metadata.contentHash);
      out.push({ ...event, metadata, position: `${out.length + 1}:${out.length + 1}`, recordedAt: new Date(Date.UTC(2026, 2, 15, 15, 0, out.length)) });
    }
  }
  return out;
}

const hashOf = (event: RecordedEvent): string => event.metadata.contentHash as string;

/** Visits every event; the check's verdict at the end. */
function checked(events: readonly RecordedEvent[]) {
  const check = new ChainCheck();
  const visits = events.map((e) => check.visit(e));
  return { visits, result: check.result() };
}

describe('chainMetadata', () => {
  it('keeps the metadata, replaces any hash links it had with the ones computed', () => {
    const metadata = chainMetadata({ ...base, metadata: { submissionId: 's', contentHash: 'old', previousHash: 'old' } }, 'f'.repeat(64));
    expect(metadata).toStrictEqual({ submissionId: 's', contentHash: contentHash({ ...base, metadata: { submissionId: 's' } }, 'f'.repeat(64)), previousHash: 'f'.repeat(64) });
    // The store passes the data's canonical text it writes anyway: the same hash.
    expect(chainMetadata(base, GENESIS_HASH, canonicalJson(base.data)).contentHash).toBe(contentHash(base, GENESIS_HASH));
  });
});

describe('ChainCheck over a history', () => {
  it('passes a clean history of interleaved streams, counting every event, with each stream’s head', () => {
    const events = chained(['a', 3], ['b', 2]);
    const { visits, result } = checked(events);
    expect(visits).toEqual([true, true, true, true, true]);
    expect(result).toStrictEqual({
      ok: true,
      streams: 2,
      events: 5,
      heads: new Map([
        ['a', hashOf(events[4])],
        ['b', hashOf(events[3])],
      ]),
    });
  });

  it('an empty history passes with nothing counted', () => {
    expect(new ChainCheck().result()).toStrictEqual({ ok: true, streams: 0, events: 0, heads: new Map() });
  });

  it('a revision skipped is a gap, named where it is', () => {
    const [a0, , a2] = chained(['a', 3]);
    const { result } = checked([a0, a2]);
    expect(result).toStrictEqual({
      ok: false,
      streams: 1,
      events: 1,
      firstBreak: { streamName: 'a', revision: 2n, position: a2.position, eventId: a2.id, kind: 'revision-gap', expected: '1', actual: '2' },
    });
    // A stream that does not start at revision 0.
    expect(checked([chained(['a', 2])[1]]).result).toMatchObject({ ok: false, firstBreak: { kind: 'revision-gap', expected: '0', actual: '1' } });
  });

  it('an event moved back to an earlier revision of its stream is a gap', () => {
    const [a0, a1] = chained(['a', 2]);
    expect(checked([a0, a1, a1]).result).toMatchObject({ ok: false, events: 2, firstBreak: { kind: 'revision-gap', expected: '2', actual: '1' } });
  });

  it('a link missing, of another type, or not exactly 64 lower-case hex digits is no hash', () => {
    const [a0] = chained(['a', 1]);
    const h = hashOf(a0);
    const broken: Array<{ contentHash?: JsonValue; previousHash?: JsonValue }> = [
      { previousHash: GENESIS_HASH },
      { contentHash: h },
      { contentHash: h, previousHash: 0 },
      { contentHash: 7, previousHash: GENESIS_HASH },
      { contentHash: `x${h}`, previousHash: GENESIS_HASH },
      { contentHash: `${h}x`, previousHash: GENESIS_HASH },
      { contentHash: h, previousHash: `0${GENESIS_HASH}` },
      { contentHash: h, previousHash: `${GENESIS_HASH}0` },
      { contentHash: h.slice(1), previousHash: GENESIS_HASH },
      // A list holding a hash reads as the hash, as text; it is still no hash.
      { contentHash: [h], previousHash: GENESIS_HASH },
      { contentHash: h, previousHash: [GENESIS_HASH] },
    ];
    for (const metadata of broken) {
      const { result } = checked([{ ...a0, metadata: metadata as RecordedMetadata }]); // what a rewritten store may hold
      expect(result).toStrictEqual({
        ok: false,
        streams: 0,
        events: 0,
        firstBreak: {
          streamName: 'a',
          revision: 0n,
          position: a0.position,
          eventId: a0.id,
          kind: 'missing-hash',
          expected: 'contentHash and previousHash',
          actual: JSON.stringify({ contentHash: metadata.contentHash, previousHash: metadata.previousHash }),
        },
      });
    }
  });

  it('an event whose content changed after it was hashed is a content mismatch, with both hashes', () => {
    const [a0, a1] = chained(['a', 2]);
    const changed = { ...a1, data: { ...a1.data, r: 99 } };
    const { visits, result } = checked([a0, changed]);
    expect(visits).toEqual([true, false]);
    expect(result).toStrictEqual({
      ok: false,
      streams: 1,
      events: 1,
      firstBreak: { streamName: 'a', revision: 1n, position: a1.position, eventId: a1.id, kind: 'content-mismatch', expected: contentHash(changed, hashOf(a0)), actual: hashOf(a1) },
    });
  });

  it('an event that does not link to the one before it breaks the chain, even with its own hash right', () => {
    const [a0, a1] = chained(['a', 2]);
    const [other0] = chained(['a', 1]).map((e) => ({ ...e, data: { other: true } }));
    // a1 rehashed to follow a head that is not a0's.
    const foreign = { ...a1, metadata: chainMetadata(a1, contentHash(other0, GENESIS_HASH)) };
    expect(checked([a0, foreign]).result).toMatchObject({ ok: false, firstBreak: { kind: 'chain-broken', revision: 1n, expected: hashOf(a0), actual: contentHash(other0, GENESIS_HASH) } });
  });

  it('stops at the first break: nothing after it counts, not even a sound event of another stream', () => {
    const events = chained(['a', 2], ['b', 2]);
    const tampered = events.map((e, i) => (i === 1 ? { ...e, data: { forged: true } } : e));
    const { visits, result } = checked(tampered);
    expect(visits).toEqual([true, false, false, false]);
    expect(result).toMatchObject({ ok: false, streams: 1, events: 1, firstBreak: { streamName: 'b', revision: 0n, kind: 'content-mismatch' } });
  });
});

describe('verifyStore', () => {
  /** A store that hands out the given events (only what verifyStore reads), and records each read. */
  function storeOf(events: readonly RecordedEvent[]) {
    const reads: Array<ReadAllOptions | string> = [];
    const store = {
      readStream: async (name: string) => (reads.push(name), events.filter((e) => e.streamName === name)),
      readAll: async (options: ReadAllOptions = {}) => {
        reads.push(options);
        const after = events.findIndex((e) => e.position === options.from);
        const batch = events.slice(after + 1, after + 1 + (options.batchSize ?? 1000));
        const last = batch.at(-1);
        return { events: batch, checkpoint: last?.position ?? options.from ?? '0:0', isEnd: after + 1 + batch.length >= events.length };
      },
    } as unknown as EventStore;
    return { store, reads };
  }

  it('walks the whole store in batches, from the start to the end, with the filter given', async () => {
    const events = chained(['a', 3], ['b', 2]);
    const { store, reads } = storeOf(events);
    const filter = { streamPrefixes: ['precinct-'] } as never;
    expect(await verifyStore(store, { batchSize: 2, filter })).toMatchObject({ ok: true, streams: 2, events: 5 });
    expect(reads).toEqual([
      { from: '0:0', filter, batchSize: 2 },
      { from: events[1].position, filter, batchSize: 2 },
      { from: events[3].position, filter, batchSize: 2 },
    ]);
  });

  it('reads batches of 1,000 unless told otherwise', async () => {
    const { store, reads } = storeOf(chained(['a', 2]));
    expect(await verifyStore(store)).toMatchObject({ ok: true, events: 2 });
    expect(reads).toEqual([{ from: '0:0', filter: undefined, batchSize: 1000 }]);
  });

  it('reads no further once a batch holds a break', async () => {
    const events = chained(['a', 6]).map((e, i) => (i === 1 ? { ...e, data: { forged: true } } : e));
    const { store, reads } = storeOf(events);
    expect(await verifyStore(store, { batchSize: 2 })).toMatchObject({ ok: false, events: 1, firstBreak: { revision: 1n, kind: 'content-mismatch' } });
    expect(reads).toHaveLength(1);
  });

  it('verifies one stream by revision when named, and stops at its first break', async () => {
    const events = chained(['a', 3], ['b', 2]);
    const { store, reads } = storeOf(events);
    expect(await verifyStore(store, { streamName: 'b' })).toMatchObject({ ok: true, streams: 1, events: 2, heads: new Map([['b', hashOf(events[3])]]) });
    expect(reads).toEqual(['b']);
    const forged = storeOf(events.map((e, i) => (i === 2 ? { ...e, data: { forged: true } } : e)));
    expect(await verifyStore(forged.store, { streamName: 'a' })).toMatchObject({ ok: false, events: 1, firstBreak: { streamName: 'a', revision: 1n } });
  });
});
