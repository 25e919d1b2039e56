#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster and Redis server on free loopback ports, for tests.
# Usage: eval "$(scripts/services.sh start DIR)"  → exports DATABASE_URL and REDIS_URL
#        scripts/services.sh stop DIR
# PostgreSQL refuses to run as root, so the cluster runs as the `postgres` user when we are root.
set -euo pipefail
cmd=$1; dir=$2
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

case "$cmd" in
start)
  mkdir -p "$dir/pg" "$dir/redis"
  chmod 755 "$dir"  # mktemp makes it 700; the postgres user must reach its data folder
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/pg" && chmod 700 "$dir/pg"
  pg_port=$(free_port); redis_port=$(free_port)
  as_pg "$pgbin/initdb" -D "$dir/pg/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/pg/initdb.log" 2>&1
  as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres portal
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir "$dir/redis" --logfile "$dir/redis/redis.log" --pidfile "$dir/redis/redis.pid" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/portal"
  echo "export REDIS_URL=redis://127.0.0.1:$redis_port/0"
  ;;
stop)
  [ -f "$dir/redis/redis.pid" ] && kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true
  [ -d "$dir/pg/data" ] && as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
