#!/usr/bin/env bash
# One-shot, before the brokers start (docker-compose service `kafka-setup`, image apache/kafka):
#  1. writes the brokers' JAAS file and the admin's client config into the secrets volume. JAAS
#     lives in a file because the image turns KAFKA_* variables into properties only when the value
#     holds no "=", which every JAAS line does;
#  2. formats each node's storage with the SCRAM users (`kafka-storage format --add-scram`): the
#     super user the brokers log in as between themselves, and the service principal. They live in
#     the cluster metadata from the first start; `--ignore-formatted` keeps a rerun harmless (change
#     a password later with kafka-configs.sh --alter --entity-type users).
# The security settings match tools/kafka/secured.js, which a real broker runs in the tests.
set -euo pipefail

: "${CLUSTER_ID:?set CLUSTER_ID}"
: "${ADMIN_PASSWORD:?set TALLY_KAFKA_ADMIN_PASSWORD}"
: "${SERVICE_PASSWORD:?set TALLY_KAFKA_SERVICE_PASSWORD}"
: "${SERVICE_USER:=tally}"
: "${NODES=1 2 3}"  # empty: write the secrets only
: "${VOTERS:=1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093}"
: "${SECRETS_DIR:=/secrets}"
: "${DATA_ROOT:=/data}"
: "${KAFKA_STORAGE:=/opt/kafka/bin/kafka-storage.sh}"
# Names and passwords go into JAAS quotes and --add-scram brackets: keep them to safe characters.
for value in "$ADMIN_PASSWORD" "$SERVICE_PASSWORD" "$SERVICE_USER"; do
  if [[ ! "$value" =~ ^[A-Za-z0-9._~-]{1,200}$ ]]; then
    echo "kafka-setup: user names and passwords use letters, digits and . _ ~ - only (openssl rand -hex 24)" >&2
    exit 2
  fi
done

umask 077
mkdir -p "$SECRETS_DIR"
cat > "$SECRETS_DIR/jaas.conf" <<JAAS
broker.KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required
  username="admin" password="$ADMIN_PASSWORD";
};
controller.KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
  username="admin" password="$ADMIN_PASSWORD" user_admin="$ADMIN_PASSWORD";
};
JAAS
cat > "$SECRETS_DIR/admin.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASSWORD";
PROPS

for node in $NODES; do
  config="$(mktemp)"
  cat > "$config" <<PROPS
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$VOTERS
listeners=BROKER://:9092,CONTROLLER://:9093
controller.listener.names=CONTROLLER
inter.broker.listener.name=BROKER
listener.security.protocol.map=BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
log.dirs=$DATA_ROOT/$node
PROPS
  "$KAFKA_STORAGE" format --cluster-id "$CLUSTER_ID" --config "$config" --ignore-formatted \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$ADMIN_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=$SERVICE_USER,password=$SERVICE_PASSWORD]"
  rm -f "$config"
done
# The brokers run as the image's appuser (uid 1000); the setup runs as root to write the volumes.
[[ "$(id -u)" != 0 ]] || chown -R 1000:1000 "$SECRETS_DIR" $(for node in $NODES; do echo "$DATA_ROOT/$node"; done)
