#!/usr/bin/env node
'use strict';
// node tools/cluster/proxy.js --state DIR LISTEN:TARGET [LISTEN:TARGET …]
// A TCP relay on 127.0.0.1 between one recorder and the Kafka brokers, so the fault campaign can
// cut that recorder from Kafka without touching anyone else. Kafka clients connect to whatever
// address the metadata advertises, so each broker has a listener of its own (PROXIED) advertised
// at this relay's port for it: a client that bootstraps through the relay stays behind it.
// SIGUSR1 cuts (every open connection is destroyed, new ones are refused at once), SIGUSR2
// restores, SIGTERM ends. --state names the cluster directory (it identifies this process).
const net = require('node:net');

const pairs = process.argv.slice(2).filter((a, i, all) => a !== '--state' && all[i - 1] !== '--state');
const routes = pairs.map((pair) => {
  const match = /^(\d+):(\d+)$/.exec(pair);
  if (!match) {
    console.error(`proxy: "${pair}" is not LISTEN:TARGET (two port numbers)`);
    process.exit(2);
  }
  return { listen: Number(match[1]), target: Number(match[2]) };
});

let cut = false;
const open = new Set();

function track(socket) {
  open.add(socket);
  socket.on('close', () => open.delete(socket));
  socket.on('error', () => socket.destroy());
}

const servers = routes.map(({ listen, target }) => {
  const server = net.createServer((client) => {
    track(client);
    if (cut) return client.destroy();
    const upstream = net.connect(target, '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(listen, '127.0.0.1');
  return server;
});

process.on('SIGUSR1', () => {
  cut = true;
  for (const socket of open) socket.destroy();
  console.log(`proxy: cut (${new Date().toISOString()})`);
});
process.on('SIGUSR2', () => {
  cut = false;
  console.log(`proxy: restored (${new Date().toISOString()})`);
});
process.on('SIGTERM', () => {
  for (const socket of open) socket.destroy();
  for (const server of servers) server.close();
  process.exit(0);
});
console.log(`proxy: relaying ${routes.map((r) => `${r.listen}→${r.target}`).join(', ')}`);
