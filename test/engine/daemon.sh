#!/usr/bin/env bash
# Makes the named Docker Engine the one answering on /var/run/docker.sock, idempotently: the engine
# already answering is kept when it is that one, otherwise it is stopped (SIGTERM; its containers
# stop, as in an upgrade without live-restore) and the named one started.
#   29     Docker Engine 29, built by scripts/docker-engine.sh (the engine the suites run on). Its
#          data root is /var/lib/cdktf-wsgi-docker-29, so its images, containers, volumes and swarm
#          never mix with the other's.
#   20.10  Debian 12's docker.io, /usr/sbin/dockerd with Debian's runc and docker-proxy, on the
#          default data root (the smoke pass for Debian 12 hosts).
# Prints the engine's version. The docker CLI used is Engine 29's, which speaks both API versions.
# Usage: test/engine/daemon.sh 29|20.10   (log: /var/log/cdktf-wsgi-dockerd.log)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
want=${1:?usage: daemon.sh 29|20.10}
LOG=/var/log/cdktf-wsgi-dockerd.log
PID_FILE=/var/run/docker.pid
engine_bin=$(bash "$here/../../scripts/docker-engine.sh")
docker() { "$engine_bin/docker" "$@"; }
# Debian's programs only: no directory of Engine 29's on the 20.10 daemon's PATH.
debian_path=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$engine_bin" | paste -sd:)

running=$(docker version --format '{{.Server.Version}}' 2>/dev/null || true)
case "$want" in
  29) [[ "$running" == 29.* ]] && { echo "docker engine $running"; exit 0; } ;;
  20.10) [[ "$running" == 20.10.* ]] && { echo "docker engine $running"; exit 0; } ;;
  *) echo "daemon.sh: no engine named $want (29 or 20.10)" >&2; exit 2 ;;
esac

if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  pid=$(cat "$PID_FILE")
  echo "stopping docker engine ${running:-(not answering)} (pid $pid)"
  kill -TERM "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$pid" 2>/dev/null; then echo "daemon.sh: dockerd $pid did not stop in 120 s" >&2; exit 1; fi
fi

echo "== starting docker engine $want (log: $LOG)"
if [ "$want" = 29 ]; then
  mkdir -p /var/lib/cdktf-wsgi-docker-29
  PATH="$engine_bin:$debian_path" nohup "$engine_bin/dockerd" --data-root /var/lib/cdktf-wsgi-docker-29 >>"$LOG" 2>&1 &
else
  PATH="$debian_path" nohup /usr/sbin/dockerd >>"$LOG" 2>&1 &
fi
for _ in $(seq 1 90); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker info >/dev/null 2>&1 || { tail -50 "$LOG" >&2; echo "daemon.sh: docker engine $want did not start" >&2; exit 1; }
docker version --format 'docker engine {{.Server.Version}} (API {{.Server.APIVersion}})'
