#!/usr/bin/env bash
# A Docker engine whose data root is small, for the fault suite's full-disk case: a tmpfs of
# SMALL_DISK_MIB (1200 unless told) holds its images, containers and volumes, so a file that takes
# what is left makes the next build fail on "no space left on device" without touching the
# machine's own disk. It runs in a network namespace of its own (its bridge and iptables rules stay
# there; the suite reaches its published ports only from inside that namespace), on its own socket,
# with the offline base image loaded from the main engine. Every start is a fresh engine: what an
# interrupted run left (its daemon, containers, volumes, a filler file) goes first (down.sh).
set -euo pipefail

NS=cdktf-wsgi-small-disk
ROOT=/var/lib/cdktf-wsgi-small-disk
EXEC=/run/cdktf-wsgi-small-disk
SOCK=unix:///run/cdktf-wsgi-small-disk.sock
SIZE_MIB=${SMALL_DISK_MIB:-1200}
BASE=cdktf-wsgi-test/python-offline:3.11

command -v nsenter >/dev/null || { echo "small-disk: nsenter is missing" >&2; exit 1; }
bash "$(dirname "$0")/down.sh" >/dev/null
ip netns list | grep -qw "$NS" || ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
mkdir -p "$ROOT" "$EXEC"
mountpoint -q "$ROOT" || mount -t tmpfs -o "size=${SIZE_MIB}m" tmpfs "$ROOT"

if ! docker -H "$SOCK" info >/dev/null 2>&1; then
  rm -f "$EXEC/dockerd.pid"
  # nsenter rather than `ip netns exec`, which remounts /sys and hides the cgroup mounts dockerd needs.
  nohup nsenter --net="/var/run/netns/$NS" dockerd --data-root "$ROOT" --exec-root "$EXEC" -H "$SOCK" \
    --pidfile "$EXEC/dockerd.pid" > /var/log/cdktf-wsgi-small-disk.log 2>&1 &
  for _ in $(seq 1 60); do docker -H "$SOCK" info >/dev/null 2>&1 && break; sleep 1; done
  docker -H "$SOCK" info >/dev/null 2>&1 || { tail -20 /var/log/cdktf-wsgi-small-disk.log >&2; exit 1; }
  echo "small-disk: engine started on $SOCK, data root $ROOT (tmpfs, ${SIZE_MIB} MiB)"
fi

want=$(docker image inspect --format '{{.Id}}' "$BASE")
have=$(docker -H "$SOCK" image inspect --format '{{.Id}}' "$BASE" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  docker save "$BASE" | docker -H "$SOCK" load -q
fi
docker -H "$SOCK" tag "$BASE" python:3.11-slim
echo "small-disk: $(df -h --output=avail "$ROOT" | tail -1 | tr -d ' ') free in $ROOT"
