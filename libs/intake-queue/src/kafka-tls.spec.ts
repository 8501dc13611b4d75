// KAFKA_SSL=true must make the adapter speak TLS: its own socket factory replaces kafkajs's (to
// track sockets), so it has to honour the `ssl` kafkajs hands it. No TLS broker runs here; a bare
// TCP listener records the first bytes the factory's socket sends: a TLS ClientHello (record type
// 0x16, version 0x03 0x0N) naming the broker host (SNI), or nothing of the kind for plaintext.
import { once } from 'node:events';
import * as net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { trackingSocketFactory } from './kafka-submission-queue';

async function firstBytes(ssl: boolean): Promise<Buffer> {
  const server = net.createServer();
  const first = new Promise<Buffer>((resolve) => server.once('connection', (socket) => socket.once('data', (data: Buffer) => (resolve(data), socket.destroy()))));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const sockets = new Set<net.Socket>();
  const socket = trackingSocketFactory(sockets)({
    host: 'localhost',
    port,
    // What kafkajs hands its factory: the client's `ssl` option (true for KAFKA_SSL=true) or null.
    ssl: (ssl ? true : null) as unknown as ConnectionOptions,
    onConnect: () => void (ssl ? undefined : socket.write(Buffer.from([0, 0, 0, 4, 0, 18, 0, 0]))),
  }) as net.Socket;
  socket.on('error', () => undefined);
  try {
    return await first;
  } finally {
    socket.destroy();
    server.close();
  }
}

describe('Kafka adapter transport', () => {
  it('starts a TLS handshake naming the broker host (SNI) when kafkajs asks for ssl (KAFKA_SSL=true)', async () => {
    const bytes = await firstBytes(true);
    expect([bytes[0], bytes[1]]).toEqual([0x16, 0x03]);
    expect(bytes.includes(Buffer.from('localhost'))).toBe(true);
  });

  it('sends the client’s bytes as they are otherwise', async () => {
    expect([...(await firstBytes(false))]).toEqual([0, 0, 0, 4, 0, 18, 0, 0]);
  });
});
