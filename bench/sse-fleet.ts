// The subscriber side of the SSE bench, in its own process (forked by sse.bench.ts): many
// EventSource-like connections (node:http GET, `accept: text/event-stream`), each parsed just
// enough to know which frame (its `id:`, a store position) arrived when. Frames are not kept:
// per connection only (frame index, arrival time) pairs, so 20,000 connections fit.
// IPC: { connect } → 'connected' once every connection has its first frame (or was refused);
// { measure, submissions } → 'measured': the 202 → frame latencies of every (connection,
// submission) pair whose frame arrived, as a histogram; { stop } closes everything and exits.
// Clock: process.hrtime (CLOCK_MONOTONIC on Linux), the same in every process of the machine.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { comparePositions } from '@tally/event-store';

export type FleetParent =
  | { readonly type: 'connect'; readonly url: string; readonly count: number; readonly localAddress: string }
  /** Submissions sorted by store position; `ackMs` the hrtime (ms) their 202 arrived, `recordedAtMs` the store's wall clock when recorded. */
  | { readonly type: 'measure'; readonly fromMs: number; readonly submissions: readonly (readonly [position: string, ackMs: number, recordedAtMs: number])[] }
  | { readonly type: 'stop' };

export type FleetMessage =
  | { readonly type: 'connected'; readonly open: number; readonly refused: number; readonly statuses: Readonly<Record<string, number>>; readonly retryAfter: string | undefined }
  | {
      readonly type: 'measured';
      /** histogram[ms] = samples of that whole latency, from the 202 (the last bucket: that or more). */
      readonly histogram: readonly number[];
      /** The same from the moment the store recorded it (wall clock, ms resolution): the projector's and the streams' share. */
      readonly fromRecorded: readonly number[];
      readonly samples: number;
      /** Connections that received at least one frame after `fromMs`. */
      readonly flowing: number;
      /** Connections the server closed during the run (evicted, or lost). */
      readonly closed: number;
      readonly open: number;
      readonly frames: number;
      readonly bytes: number;
      /** `results` frames (deltas) alone, and their UTF-8 bytes: the steady cost, without the first snapshot. */
      readonly resultsFrames: number;
      readonly resultsBytes: number;
    };

const HISTOGRAM_MS = 60_000;
const FRAME_END = Buffer.from('\n\n');
const NL = 0x0a;
const ID = Buffer.from('id: ');
const RESULTS = Buffer.from('event: results\n');
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

interface Connection {
  readonly req: ClientRequest;
  res?: IncomingMessage;
  /** Index into `frameIds` of each frame received, and when. */
  frames: number[];
  times: number[];
  closed: boolean;
}

/** Every frame id seen by any connection, once: connections refer to them by index. */
const frameIds: string[] = [];
const frameIndex = new Map<string, number>();
const connections: Connection[] = [];
let bytes = 0;
let resultsFrames = 0;
let resultsBytes = 0;

function open(url: string, localAddress: string): Promise<{ connection?: Connection; status: number; retryAfter?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { accept: 'text/event-stream' }, agent: false, localAddress });
    const connection: Connection = { req, frames: [], times: [], closed: false };
    let settled = false;
    const settle = (v: { connection?: Connection; status: number; retryAfter?: string }) => {
      if (settled) return;
      settled = true;
      resolve(v);
    };
    req.on('error', () => {
      connection.closed = true;
      settle({ status: 0 });
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        const retryAfter = res.headers['retry-after'];
        res.resume();
        settle({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined });
        return;
      }
      connection.res = res;
      // Bytes, not strings: the fleet shares the server's two cores, so it reads frames as cheaply as it
      // can (no decoding, no copies but of a frame cut between two reads).
      let carry: Buffer | undefined;
      res.on('data', (chunk: Buffer) => {
        const at = nowMs();
        bytes += chunk.length;
        const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
        carry = undefined;
        let from = 0;
        let end: number;
        while ((end = buffer.indexOf(FRAME_END, from)) >= 0) {
          // Only the `id:` line matters here: it is the first line of every frame that has one.
          if (buffer.compare(ID, 0, ID.length, from, from + ID.length) === 0) {
            const nl = buffer.indexOf(NL, from);
            if (buffer.compare(RESULTS, 0, RESULTS.length, nl + 1, nl + 1 + RESULTS.length) === 0) {
              resultsFrames++;
              resultsBytes += end + 2 - from;
            }
            const id = buffer.toString('latin1', from + ID.length, nl);
            let index = frameIndex.get(id);
            if (index === undefined) {
              index = frameIds.push(id) - 1;
              frameIndex.set(id, index);
            }
            connection.frames.push(index);
            connection.times.push(at);
            settle({ connection, status: 200 });
          }
          from = end + 2;
        }
        if (from < buffer.length) carry = buffer.subarray(from);
      });
      res.on('close', () => (connection.closed = true));
      res.on('error', () => (connection.closed = true));
    });
    req.end();
  });
}

async function connect(url: string, count: number, localAddress: string): Promise<FleetMessage> {
  const statuses: Record<string, number> = {};
  let retryAfter: string | undefined;
  // In waves: a listen backlog is finite, and so is the patience of a test.
  for (let i = 0; i < count; i += 200) {
    const wave = await Promise.all(Array.from({ length: Math.min(200, count - i) }, () => open(url, localAddress)));
    for (const r of wave) {
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.connection) connections.push(r.connection);
      retryAfter ??= r.retryAfter;
    }
  }
  const open200 = connections.filter((c) => !c.closed).length;
  return { type: 'connected', open: open200, refused: count - (statuses['200'] ?? 0), statuses, retryAfter };
}

/**
 * Each submission's latency at each connection: from its 202 to the arrival of the first frame
 * whose position is at or past the submission's (the figures of that frame include it). Frames of
 * one connection arrive in position order, so one merge per connection.
 */
function measure(fromMs: number, submissions: readonly (readonly [string, number, number])[]): FleetMessage {
  const histogram = new Array<number>(HISTOGRAM_MS + 1).fill(0);
  const fromRecorded = new Array<number>(HISTOGRAM_MS + 1).fill(0);
  // hrtime → wall clock, to compare with the store's record times.
  const wallMinusHr = performance.timeOrigin + performance.now() - nowMs();
  let samples = 0;
  let flowing = 0;
  let frames = 0;
  for (const c of connections) {
    frames += c.frames.length;
    if (c.times.some((t) => t >= fromMs)) flowing++;
    let f = 0;
    for (const [position, ackMs, recordedAtMs] of submissions) {
      while (f < c.frames.length && comparePositions(frameIds[c.frames[f]], position) < 0) f++;
      if (f === c.frames.length) break;
      // A frame can beat the 202 to the client (the recorder ran before the response was written): no wait at all.
      const ms = Math.max(0, Math.floor(c.times[f] - ackMs));
      histogram[Math.min(ms, HISTOGRAM_MS)]++;
      const sinceRecorded = Math.max(0, Math.floor(c.times[f] + wallMinusHr - recordedAtMs));
      if (Number.isFinite(sinceRecorded)) fromRecorded[Math.min(sinceRecorded, HISTOGRAM_MS)]++;
      samples++;
    }
  }
  return {
    type: 'measured',
    histogram,
    fromRecorded,
    samples,
    flowing,
    closed: connections.filter((c) => c.closed).length,
    open: connections.filter((c) => !c.closed).length,
    frames,
    bytes,
    resultsFrames,
    resultsBytes,
  };
}

if (require.main === module) {
  const send = (m: FleetMessage) => process.send?.(m);
  process.on('message', (m: FleetParent) => {
    if (m.type === 'connect') void connect(m.url, m.count, m.localAddress).then(send);
    else if (m.type === 'measure') send(measure(m.fromMs, m.submissions));
    else {
      for (const c of connections) c.req.destroy();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}
