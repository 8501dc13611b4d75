// A minimal server-sent-events reader over node:http for the tests and the bench: connects
// (optionally with Last-Event-ID), parses frames, lets the caller wait for a frame by predicate;
// `payloads` folds a connection's frames as the dashboard does.
import { request, type IncomingMessage } from 'node:http';
import type { CommissionPayload } from '../../results/results.presenter';
import { applyFrame, type FrameData, type HeldPayload } from '../frame-delta';

export interface SseFrame {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
  /** process.hrtime.bigint() when the frame was parsed (the bench measures with it). */
  readonly receivedAt: bigint;
}

export interface SseConnection {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly frames: SseFrame[];
  /** Resolves with the first frame (already received or to come) that satisfies `predicate`. */
  waitFor(predicate: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  onFrame(listener: (frame: SseFrame) => void): void;
  close(): void;
}

export function connectSse(url: string, options: { lastEventId?: string; agent?: import('node:http').Agent } = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const req = request(url, { headers, agent: options.agent ?? false });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const frames: SseFrame[] = [];
      const waiters: { predicate: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }[] = [];
      const listeners: ((f: SseFrame) => void)[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') id = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length === 0) continue; // a comment or a bare `retry:`
          const frame: SseFrame = { id, event, data: data.join('\n'), receivedAt: process.hrtime.bigint() };
          frames.push(frame);
          for (const l of listeners) l(frame);
          for (let i = waiters.length - 1; i >= 0; i--) {
            if (waiters[i].predicate(frame)) {
              waiters[i].resolve(frame);
              waiters.splice(i, 1);
            }
          }
        }
      });
      res.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'],
        frames,
        waitFor(predicate, timeoutMs = 20_000) {
          const found = frames.find(predicate);
          if (found) return Promise.resolve(found);
          return new Promise((resolveFrame, rejectFrame) => {
            const timer = setTimeout(() => rejectFrame(new Error(`no matching SSE frame within ${timeoutMs} ms (${frames.length} received)`)), timeoutMs);
            waiters.push({
              predicate,
              resolve: (f) => {
                clearTimeout(timer);
                resolveFrame(f);
              },
            });
          });
        },
        onFrame(listener) {
          listeners.push(listener);
        },
        close() {
          res.destroy();
          req.destroy();
        },
      });
    });
    req.end();
  });
}

/**
 * The payload a client holds after each frame of `connection` (received so far and to come): a
 * snapshot whole, each delta applied to the frame before it (frame-delta.ts, as the dashboard).
 * `from`: what the client held before this connection (a resume with Last-Event-ID).
 */
export function payloads(connection: SseConnection, from?: HeldPayload): { after(frame: SseFrame): CommissionPayload; latest(): HeldPayload | undefined } {
  const after = new Map<SseFrame, CommissionPayload>();
  let held = from;
  const fold = (frame: SseFrame) => {
    held = applyFrame(held, frame.id as string, JSON.parse(frame.data) as FrameData);
    after.set(frame, held.payload);
  };
  connection.frames.forEach(fold);
  connection.onFrame(fold);
  return { after: (frame) => after.get(frame) as CommissionPayload, latest: () => held };
}
