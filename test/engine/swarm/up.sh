#!/usr/bin/env bash
# Gets the engine ready for the Swarm suite: a single-node swarm on the test daemon, and a plain
# registry (Debian's docker-registry) on 127.0.0.1:5000 with deletes enabled and no auth, its data
# in a directory of its own. Idempotent: whatever already runs is reused.
set -euo pipefail

REGISTRY_ADDR="${CDKTF_WSGI_REGISTRY:-127.0.0.1:5000}"
REGISTRY_DIR="${CDKTF_WSGI_REGISTRY_DIR:-/var/lib/cdktf-wsgi-registry}"

if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
  # Loopback as the advertise address: the swarm serves this machine only.
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  echo "swarm: initialised a single-node swarm"
else
  echo "swarm: already active"
fi

if ! command -v docker-registry >/dev/null; then
  echo "swarm: docker-registry is not installed (apt-get install docker-registry)" >&2
  exit 1
fi
if curl -fsS "http://${REGISTRY_ADDR}/v2/" >/dev/null 2>&1; then
  echo "registry: already answering on ${REGISTRY_ADDR}"
else
  mkdir -p "$REGISTRY_DIR"
  cat > "$REGISTRY_DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${REGISTRY_DIR}/data
  delete:
    enabled: true
http:
  addr: ${REGISTRY_ADDR}
YAML
  nohup docker-registry serve "$REGISTRY_DIR/config.yml" > "$REGISTRY_DIR/registry.log" 2>&1 &
  for _ in $(seq 1 50); do
    curl -fsS "http://${REGISTRY_ADDR}/v2/" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://${REGISTRY_ADDR}/v2/" >/dev/null || { cat "$REGISTRY_DIR/registry.log" >&2; exit 1; }
  echo "registry: started on ${REGISTRY_ADDR} (data in ${REGISTRY_DIR}/data)"
fi
