// An SSE response whose frames go straight to its socket, each as one whole HTTP/1.1 chunk.
//
// Why: a frame goes to every subscriber of a channel, thousands of writes of the same bytes.
// Through node's ServerResponse each write frames its own chunk (size line, data, CRLF: three
// buffers, a cork and a tick) before the socket sees it; here the chunk is built once per frame
// (cached by the frame's Buffer) and every subscriber's socket is written that one Buffer. Measured
// here (2026-12-04), 5,000 streams of 4.4 KiB frames, a bare node:http server: 17.3 µs of CPU a
// write through ServerResponse, 10.8 µs straight to the socket; in the SSE bench's ramp the
// projector's CPU a frame went from 22 to 18 µs at 5,000 subscribers (bench/HISTORY.md).
//
// The response stays node's: its head is written by writeHead/flushHeaders, and end() is its own,
// which closes the chunked body with the last chunk after ours (each of ours is complete). Where
// node does not frame the body in chunks (an HTTP/1.0 client: the body ends with the connection) or
// the response has no socket yet (a pipelined request behind another), writes go through the
// response as before.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LiveStream } from './live-results.service';

const CRLF = Buffer.from('\r\n');
/** One chunk per distinct frame Buffer: a frame is encoded once and written to every subscriber. */
const chunks = new WeakMap<Buffer, Buffer>();

/** `bytes` as one HTTP/1.1 chunk: its size in hex, CRLF, the bytes, CRLF. */
export function httpChunk(bytes: Buffer): Buffer {
  let chunk = chunks.get(bytes);
  if (!chunk) {
    chunk = Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1'), bytes, CRLF]);
    chunks.set(bytes, chunk);
  }
  return chunk;
}

export class ChunkedSocketStream implements LiveStream {
  /** Set once the head is out and node frames the body in chunks on a socket this response owns. */
  private socketOut: Socket | undefined;

  constructor(private readonly res: ServerResponse) {}

  get socket(): Socket | null {
    return this.res.socket;
  }

  writeHead(status: number, headers: Record<string, string>): unknown {
    return this.res.writeHead(status, headers);
  }

  flushHeaders(): void {
    this.res.flushHeaders();
    // node gives a response its socket only once the responses before it on the connection are
    // done (a pipelined one waits without), and the head must be in the socket's hands already
    // (nothing held back in the response itself: node counts the socket's buffer in the
    // response's), or our chunks would pass it.
    const socket = this.res.socket;
    if (socket && this.res.chunkedEncoding && this.res.writableLength === socket.writableLength) this.socketOut = socket;
  }

  /** True when the frames go straight to the socket (the fast path), for the tests. */
  get direct(): boolean {
    return this.socketOut !== undefined;
  }

  write(chunk: Buffer | string): boolean {
    const socket = this.socketOut;
    if (!socket) return this.res.write(chunk);
    if (socket.destroyed) return false;
    return socket.write(httpChunk(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk));
  }

  /** node counts the socket's buffer in the response's (what it holds itself plus its socket's). */
  get writableLength(): number {
    return this.res.writableLength;
  }

  get writableEnded(): boolean {
    return this.res.writableEnded;
  }

  get destroyed(): boolean {
    return this.res.destroyed || this.socketOut?.destroyed === true;
  }

  on(event: 'close', listener: () => void): unknown {
    return this.res.on(event, listener);
  }

  once(event: 'drain', listener: () => void): unknown {
    // Written to the socket, the socket's buffer is the one that fills, and its drain the one to wait for.
    return this.socketOut ? this.socketOut.once(event, listener) : this.res.once(event, listener);
  }

  end(): unknown {
    return this.res.end();
  }

  destroy(): unknown {
    return this.res.destroy();
  }
}
