#!/bin/sh
# Stand-in for the official redis image's entrypoint: redis-server as the redis user, no protected mode.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  exec setpriv --reuid=redis --regid=redis --init-groups redis-server --protected-mode no "$@"
fi
exec "$@"
