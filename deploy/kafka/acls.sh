#!/usr/bin/env bash
# One-shot, once the three brokers are healthy (docker-compose service `kafka-acls`): the service
# principal may use its own topic and dead-letter topic (a name prefix) and its consumer groups (a
# prefix), nothing else. The brokers' StandardAuthorizer denies whatever no ACL allows; the super
# user (admin) is exempt. Adding an ACL that exists is a no-op, so a rerun is harmless.
set -euo pipefail

: "${SERVICE_USER:=tally}"
: "${TOPIC_PREFIX:=tally.submissions}"
: "${GROUP_PREFIX:=tally-}"
: "${BOOTSTRAP:=kafka-1:9092,kafka-2:9092,kafka-3:9092}"
: "${ADMIN_CONFIG:=/secrets/admin.properties}"
acls=(/opt/kafka/bin/kafka-acls.sh --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG")

# Create and DescribeConfigs: the service creates its topics at start and checks their settings.
"${acls[@]}" --add --allow-principal "User:$SERVICE_USER" --resource-pattern-type prefixed --topic "$TOPIC_PREFIX" \
  --operation Create --operation Describe --operation DescribeConfigs --operation Read --operation Write
"${acls[@]}" --add --allow-principal "User:$SERVICE_USER" --resource-pattern-type prefixed --group "$GROUP_PREFIX" \
  --operation Read --operation Describe
"${acls[@]}" --list --principal "User:$SERVICE_USER"
