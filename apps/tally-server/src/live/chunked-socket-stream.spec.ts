import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { ChunkedSocketStream, httpChunk } from './chunked-socket-stream';

/** A node:http server whose every request is handed to `onStream` as a started SSE stream. */
async function sseServer(onStream: (stream: ChunkedSocketStream) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    const stream = new ChunkedSocketStream(res);
    stream.writeHead(200, { 'Content-Type': 'text/event-stream' });
    stream.flushHeaders();
    onStream(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The whole body as node's own HTTP client decodes it. */
function bodyOf(port: number): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ res, body }));
    }).on('error', reject);
  });
}

/** The raw bytes of an HTTP/1.0 exchange (the response's body ends with the connection). */
function rawHttp10(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /events HTTP/1.0\r\nHost: x\r\n\r\n'));
    let raw = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (raw += d));
    socket.on('end', () => resolve(raw));
    socket.on('error', reject);
  });
}

describe('ChunkedSocketStream', () => {
  it('encodes a frame as one HTTP/1.1 chunk, once per frame Buffer', () => {
    const frame = Buffer.from('id: 1:2\nevent: results\ndata: {"é":1}\n\n', 'utf8');
    const chunk = httpChunk(frame);
    expect(chunk.toString('latin1')).toBe(`${frame.length.toString(16)}\r\n${frame.toString('latin1')}\r\n`);
    expect(httpChunk(frame)).toBe(chunk);
    expect(httpChunk(Buffer.from(frame))).not.toBe(chunk);
  });

  it("writes frames straight to the socket as chunks node's client decodes, and ends the body with node's last chunk", async () => {
    const frames = [Buffer.from('retry: 2000\n\n'), Buffer.from('id: 0:1\nevent: snapshot\ndata: {"a":"ü"}\n\n'), Buffer.from('x'.repeat(70_000))];
    let direct: boolean | undefined;
    const { server, port } = await sseServer((stream) => {
      direct = stream.direct;
      stream.write('retry: 2000\n\n');
      for (const frame of frames.slice(1)) stream.write(frame);
      stream.write(frames[1]); // the same frame Buffer again: the cached chunk
      stream.end();
    });
    try {
      const { res, body } = await bodyOf(port);
      expect(direct).toBe(true);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(body).toBe(Buffer.concat([...frames, frames[1]]).toString('utf8'));
    } finally {
      await close(server);
    }
  });

  it('goes through the response where node does not frame the body in chunks (HTTP/1.0)', async () => {
    let direct: boolean | undefined;
    const { server, port } = await sseServer((stream) => {
      direct = stream.direct;
      stream.write(Buffer.from('data: one\n\n'));
      stream.write('data: two\n\n');
      stream.end();
    });
    try {
      const raw = await rawHttp10(port);
      expect(direct).toBe(false);
      expect(raw).not.toMatch(/transfer-encoding/i);
      expect(raw.slice(raw.indexOf('\r\n\r\n') + 4)).toBe('data: one\n\ndata: two\n\n');
    } finally {
      await close(server);
    }
  });

  it("reports the socket's buffer and its drain: a reader that stops holds writes back, and drains when it reads again", async () => {
    const frame = Buffer.alloc(256 * 1024, 'y');
    let started!: (stream: ChunkedSocketStream) => void;
    const streamed = new Promise<ChunkedSocketStream>((resolve) => (started = resolve));
    const { server, port } = await sseServer((s) => started(s));
    const client = connect(port, '127.0.0.1', () => client.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n'));
    client.pause();
    const stream = await streamed;
    // Until the kernel's buffers are full too; then the socket keeps the rest.
    let full = false;
    for (let i = 0; i < 200 && !full; i++) full = !stream.write(frame);
    try {
      expect(full).toBe(true);
      expect(stream.writableLength).toBeGreaterThan(0);
      const drained = new Promise<void>((resolve) => stream.once('drain', resolve));
      client.resume();
      await drained;
      expect(stream.writableLength).toBe(0);
    } finally {
      client.destroy();
      await close(server);
    }
  });
});
