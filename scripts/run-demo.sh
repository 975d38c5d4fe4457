#!/bin/sh
# `make run`: the server on 127.0.0.1:8080 with the embedded store and the
# synthetic demo data. On the first run it creates the store DB with the
# demo municipalities and plans, and an organiser account whose password it
# prints once (it is stored only as an argon2id hash).
# Usage: scripts/run-demo.sh BIN DB [LISTEN]
set -eu
bin=$1
db=$2
listen=${3:-127.0.0.1:8080}
if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  "$bin" --db "$db" --create demo
  echo
  echo "An organiser account was created. Its password is shown only now:"
  "$bin" --db "$db" user add organiser@ilmava.local --role organiser
  echo
  echo "(More accounts: $bin --db $db user add EMAIL --role editor --municipality 901)"
  echo
fi
exec "$bin" --db "$db" serve --listen "$listen"
