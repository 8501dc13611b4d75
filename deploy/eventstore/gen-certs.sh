#!/usr/bin/env bash
# One-shot, before EventStoreDB starts (docker-compose service `eventstore-certs`, image
# eventstore/es-gencert-cli): a CA and the node's certificate, once. Three volumes keep the pieces
# apart: the CA's private key stays in `eventstore-ca-private` (this step only), the node's key in
# `eventstore-node-cert` (the database only), and the CA certificate alone in `eventstore-ca`,
# which the database trusts and the Tally services verify the node against (tlsCAFile).
set -euo pipefail

: "${NODE_DNS_NAMES:=eventstore,localhost}"
: "${NODE_IP_ADDRESSES:=127.0.0.1}"
private=/ca-private
if [[ ! -f "$private/ca.crt" ]]; then
  es-gencert-cli create-ca -out "$private"
fi
if [[ ! -f /node/node.crt ]]; then
  es-gencert-cli create-node -ca-certificate "$private/ca.crt" -ca-key "$private/ca.key" -out /node \
    -dns-names "$NODE_DNS_NAMES" -ip-addresses "$NODE_IP_ADDRESSES"
fi
mkdir -p /ca
cp "$private/ca.crt" /ca/ca.crt
# EventStoreDB runs as uid 1000 and must read its key; the Tally image's user `node` is uid 1000 too.
chown -R 1000:1000 /node /ca
chmod 0600 /node/node.key
chmod 0644 /ca/ca.crt
