#!/usr/bin/env bash
# Builds a current Docker Engine from the Go module proxy (Docker's own packages and static
# binaries are not reachable here) and prints the directory holding its programs, for the front of
# dockerd's PATH: dockerd and docker-proxy (github.com/moby/moby/v2), runc (Debian's 1.1.5 cannot
# start containers for Engine 29: "namespace time does not exist"), the matching docker CLI
# (Debian's 20.10 CLI speaks API 1.41, below Engine 29's minimum) and its buildx plugin
# (docker-buildx, which `docker build` needs from Engine 23 on). Engine 29 runs on Debian's
# containerd, which it starts itself. A second run returns the directory at once.
#
# Usage: scripts/docker-engine.sh   (cache: ~/.cache/cdktf-wsgi/docker-engine, or CDKTF_WSGI_ENGINE_CACHE)
# Environment: MOBY_VERSION (default v2.0.0-beta.24, Docker 29.8), DOCKER_CLI_VERSION (29.8.2),
# RUNC_VERSION (1.4.4), BUILDX_VERSION (0.39.1), GOPROXY as usual. runc needs cgo and Debian's libseccomp-dev.
set -euo pipefail
MOBY_VERSION="${MOBY_VERSION:-v2.0.0-beta.24}"
DOCKER_CLI_VERSION="${DOCKER_CLI_VERSION:-29.8.2}"
RUNC_VERSION="${RUNC_VERSION:-1.4.4}"
BUILDX_VERSION="${BUILDX_VERSION:-0.39.1}"
# The engine release the moby module version is; its releases/versions.yaml names it.
ENGINE_VERSION="${ENGINE_VERSION:-29.8.0}"
cache="${CDKTF_WSGI_ENGINE_CACHE:-$HOME/.cache/cdktf-wsgi/docker-engine}/$ENGINE_VERSION-cli$DOCKER_CLI_VERSION-runc$RUNC_VERSION-buildx$BUILDX_VERSION"
bin="$cache/bin"
log() { echo "docker-engine: $*" >&2; }
built() {
  [ -x "$bin/dockerd" ] && [ -x "$bin/docker-proxy" ] && [ -x "$bin/runc" ] && [ -x "$bin/docker" ] && [ -x "$bin/docker-buildx" ] &&
    "$bin/docker-buildx" version 2>/dev/null | grep -q " v$BUILDX_VERSION " &&
    "$bin/dockerd" --version 2>/dev/null | grep -q "version $ENGINE_VERSION," &&
    "$bin/docker" --version 2>/dev/null | grep -q "version $DOCKER_CLI_VERSION," &&
    "$bin/runc" --version 2>/dev/null | grep -qx "runc version $RUNC_VERSION"
}
if built; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "Go is required; none on PATH"; exit 1; }
[ -f /usr/include/seccomp.h ] || { log "runc's seccomp support needs Debian's libseccomp-dev"; exit 1; }
started=$(date +%s)
mkdir -p "$bin"
module_dir() {
  GOFLAGS=-mod=mod go mod download -json "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])'
}

log "building dockerd and docker-proxy $ENGINE_VERSION (moby $MOBY_VERSION) from the Go module proxy (minutes the first time)"
version_flags="-X github.com/moby/moby/v2/dockerversion.Version=$ENGINE_VERSION -X github.com/moby/moby/v2/dockerversion.GitCommit=$MOBY_VERSION"
GOBIN="$bin" CGO_ENABLED=0 GOFLAGS=-mod=mod go install -trimpath \
  -tags "exclude_graphdriver_btrfs exclude_graphdriver_devicemapper no_btrfs" \
  -ldflags "-s -w $version_flags" \
  "github.com/moby/moby/v2/cmd/dockerd@$MOBY_VERSION" "github.com/moby/moby/v2/cmd/docker-proxy@$MOBY_VERSION"

# The CLI's module has no go.mod (its vendor.mod pins what it is built with) and its zip carries no
# vendor directory: it is built from a writable copy of its module as the main module.
build_as_main() { # <module@version> <package> <output> <go build flags...>
  local src="$cache/src"
  rm -rf "$src"
  cp -r "$(module_dir "$1")" "$src"
  chmod -R u+w "$src"
  if [ -f "$src/vendor.mod" ]; then mv "$src/vendor.mod" "$src/go.mod"; mv "$src/vendor.sum" "$src/go.sum"; fi
  rm -rf "$src/vendor"
  (cd "$src" && GOFLAGS=-mod=mod go build -trimpath -o "$3" "${@:4}" "$2")
  rm -rf "$src"
}

log "building runc $RUNC_VERSION"
GOBIN="$bin" CGO_ENABLED=1 GOFLAGS=-mod=mod go install -trimpath -tags seccomp \
  -ldflags "-s -w -X main.version=$RUNC_VERSION" "github.com/opencontainers/runc@v$RUNC_VERSION"

log "building the docker CLI $DOCKER_CLI_VERSION"
CGO_ENABLED=0 build_as_main "github.com/docker/cli@v$DOCKER_CLI_VERSION+incompatible" ./cmd/docker "$bin/docker" \
  -ldflags "-s -w -X github.com/docker/cli/cli/version.Version=$DOCKER_CLI_VERSION -X github.com/docker/cli/cli/version.GitCommit=v$DOCKER_CLI_VERSION"

log "building buildx $BUILDX_VERSION (the CLI plugin docker-buildx)"
GOBIN="$cache/buildx" CGO_ENABLED=0 GOFLAGS=-mod=mod go install -trimpath \
  -ldflags "-s -w -X github.com/docker/buildx/version.Version=v$BUILDX_VERSION" "github.com/docker/buildx/cmd/buildx@v$BUILDX_VERSION"
mv "$cache/buildx/buildx" "$bin/docker-buildx"
rmdir "$cache/buildx"

built || { "$bin/dockerd" --version >&2 || true; "$bin/docker" --version >&2 || true; "$bin/runc" --version >&2 || true; log "a built program does not report its version"; exit 1; }
log "built in $(( $(date +%s) - started )) s: $bin"
echo "$bin"
