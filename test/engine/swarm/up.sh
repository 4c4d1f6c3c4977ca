#!/usr/bin/env bash
# Gets the engine ready for the Swarm suite, idempotently (whatever already runs is reused):
#  - a network namespace of the suite's own (cdktf-wsgi-node2) on a veth pair, 10.231.0.1 (host)
#    and 10.231.0.2 (namespace), with a second Docker engine inside it (its own data root, exec
#    root and socket), for the two-node test to join as a worker;
#  - a swarm on the test daemon, advertised on the veth address so the second node can reach it;
#  - Debian's docker-registry on 127.0.0.1:5000 (no auth, deletes on), reachable from the second
#    node at its own 127.0.0.1:5000 through two socat forwarders, so both nodes name it the same
#    loopback way (Docker allows plain HTTP to loopback registries only).
# All traffic stays on loopback or inside the namespace and the veth pair created here.
set -euo pipefail

NS=cdktf-wsgi-node2
HOST_IF=cdktfw0
NS_IF=cdktfw1
HOST_ADDR=10.231.0.1
NODE2_ADDR=10.231.0.2
NODE2_SOCK=/run/cdktf-wsgi-node2.sock
# One data root per engine release: a swarm or image store of one release is never opened by the other.
NODE2_ROOT=/var/lib/cdktf-wsgi-node2-$(docker version --format "{{.Server.Version}}" | cut -d. -f1)
NODE2_EXEC=/run/cdktf-wsgi-node2
REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_DIR=/var/lib/cdktf-wsgi-registry

for tool in ip nsenter socat docker-registry curl; do
  command -v "$tool" >/dev/null || { echo "swarm: $tool is missing (.ci/run installs it)" >&2; exit 1; }
done

# The namespace and the veth pair.
if ! ip netns list | grep -qw "$NS"; then
  ip netns add "$NS"
fi
if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
  ip link add "$HOST_IF" type veth peer name "$NS_IF"
  ip link set "$NS_IF" netns "$NS"
  ip addr add "$HOST_ADDR/24" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip netns exec "$NS" ip addr add "$NODE2_ADDR/24" dev "$NS_IF"
  ip netns exec "$NS" ip link set "$NS_IF" up
  ip netns exec "$NS" ip link set lo up
  echo "swarm: network namespace $NS on $HOST_IF/$NS_IF ($HOST_ADDR <-> $NODE2_ADDR)"
fi

# The second engine runs the same release as the first (the dockerd on PATH): one left by a run on
# another engine is stopped first. nsenter, not `ip netns exec`: the latter remounts /sys, which
# hides the cgroup mounts dockerd needs.
node2_version=$(docker -H "unix://$NODE2_SOCK" version --format '{{.Server.Version}}' 2>/dev/null || true)
if [ -n "$node2_version" ] && [ "$node2_version" != "$(docker version --format '{{.Server.Version}}')" ]; then
  pid=$(cat "$NODE2_EXEC/dockerd.pid")
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  echo "swarm: stopped the second engine ($node2_version), not the first's release"
fi
if ! docker -H "unix://$NODE2_SOCK" info >/dev/null 2>&1; then
  mkdir -p "$NODE2_ROOT" "$NODE2_EXEC"
  rm -f "$NODE2_EXEC/dockerd.pid"
  nohup nsenter --net="/var/run/netns/$NS" dockerd --data-root "$NODE2_ROOT" --exec-root "$NODE2_EXEC" \
    -H "unix://$NODE2_SOCK" --pidfile "$NODE2_EXEC/dockerd.pid" > /var/log/cdktf-wsgi-node2.log 2>&1 &
  for _ in $(seq 1 60); do docker -H "unix://$NODE2_SOCK" info >/dev/null 2>&1 && break; sleep 1; done
  docker -H "unix://$NODE2_SOCK" info >/dev/null 2>&1 || { tail -20 /var/log/cdktf-wsgi-node2.log >&2; exit 1; }
  echo "swarm: second engine started in $NS ($NODE2_SOCK)"
fi

# The swarm, advertised where the second node can reach it.
state=$(docker info --format '{{.Swarm.LocalNodeState}}')
addr=$(docker info --format '{{.Swarm.NodeAddr}}')
if [ "$state" = "active" ] && [ "$addr" != "$HOST_ADDR" ]; then
  docker swarm leave --force >/dev/null
  state=inactive
fi
if [ "$state" != "active" ]; then
  docker swarm init --advertise-addr "$HOST_ADDR" >/dev/null
  echo "swarm: initialised on $HOST_ADDR (one node until the two-node test joins the second)"
else
  echo "swarm: already active on $HOST_ADDR"
fi

# The setting README asks of a node running PublishMode.HOST_NETWORK services: a stopping task's
# queued connections move to another task's listener on the port instead of being reset (5.14+).
if [ -w /proc/sys/net/ipv4/tcp_migrate_req ]; then
  echo 1 > /proc/sys/net/ipv4/tcp_migrate_req
  echo "node: net.ipv4.tcp_migrate_req=1"
fi

# The registry.
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

# The registry from the second node: its 127.0.0.1:5000 -> 10.231.0.1:5000 -> the host's 127.0.0.1:5000.
if ! pgrep -f "socat TCP-LISTEN:5000,bind=${HOST_ADDR}" >/dev/null; then
  nohup socat "TCP-LISTEN:5000,bind=${HOST_ADDR},fork,reuseaddr" "TCP:${REGISTRY_ADDR}" >/dev/null 2>&1 &
fi
if ! pgrep -f "socat TCP-LISTEN:5000,bind=127.0.0.1,fork,reuseaddr TCP:${HOST_ADDR}" >/dev/null; then
  nohup nsenter --net="/var/run/netns/$NS" socat "TCP-LISTEN:5000,bind=127.0.0.1,fork,reuseaddr" "TCP:${HOST_ADDR}:5000" >/dev/null 2>&1 &
fi
for _ in $(seq 1 25); do
  nsenter --net="/var/run/netns/$NS" curl -fsS "http://${REGISTRY_ADDR}/v2/" >/dev/null 2>&1 && break
  sleep 0.2
done
nsenter --net="/var/run/netns/$NS" curl -fsS "http://${REGISTRY_ADDR}/v2/" >/dev/null || { echo "registry: not reachable from $NS" >&2; exit 1; }
echo "registry: reachable from $NS at its own ${REGISTRY_ADDR}"
