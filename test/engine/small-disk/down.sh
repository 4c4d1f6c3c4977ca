#!/usr/bin/env bash
# Stops the small-disk engine of up.sh and gives its memory back: the daemon, its tmpfs, its namespace.
set -uo pipefail
NS=cdktf-wsgi-small-disk
ROOT=/var/lib/cdktf-wsgi-small-disk
EXEC=/run/cdktf-wsgi-small-disk
if [ -f "$EXEC/dockerd.pid" ]; then
  pid=$(cat "$EXEC/dockerd.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
fi
# Whatever the daemon left mounted under its roots goes before the tmpfs itself.
grep -E " ($ROOT|$EXEC)/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l
mountpoint -q "$ROOT" && umount -l "$ROOT"
ip netns list | grep -qw "$NS" && ip netns delete "$NS"
echo "small-disk: stopped"
