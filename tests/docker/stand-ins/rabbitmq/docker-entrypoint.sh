#!/bin/sh
# The parts of the official rabbitmq entrypoint that the compose files use: the server runs as the
# rabbitmq user, owning its data directory (a fresh volume is root's).
set -eu
if [ "$1" = rabbitmq-server ] && [ "$(id -u)" = 0 ]; then
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME=/var/lib/rabbitmq "$0" "$@"
fi
if [ "$1" = rabbitmq-server ]; then
  cd /var/lib/rabbitmq
  exec /usr/lib/rabbitmq/bin/rabbitmq-server
fi
exec "$@"
