#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy (its releases are not reachable here) and prints the
# path of the `tofu` binary. `go install …/cmd/tofu@<version>` is refused because OpenTofu's go.mod
# has replace directives, so its module is downloaded and built as the main module, with the
# release's version stamped in (without it the binary calls itself <version>-dev). A second run
# returns the binary at once.
#
# Usage: scripts/opentofu.sh   (cache: ~/.cache/cdktf-wsgi/opentofu, or CDKTF_WSGI_TOFU_CACHE)
# Environment: OPENTOFU_VERSION (default 1.12.6), GOPROXY as usual.
set -euo pipefail
OPENTOFU_VERSION="${OPENTOFU_VERSION:-1.12.6}"
cache="${CDKTF_WSGI_TOFU_CACHE:-$HOME/.cache/cdktf-wsgi/opentofu}/$OPENTOFU_VERSION"
bin="$cache/tofu"
log() { echo "opentofu: $*" >&2; }
if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -qx "OpenTofu v$OPENTOFU_VERSION"; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "Go is required; none on PATH"; exit 1; }
started=$(date +%s)
log "building OpenTofu $OPENTOFU_VERSION from the Go module proxy (minutes the first time, seconds with a warm Go cache)"
dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$OPENTOFU_VERSION" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
src="$cache/src"
rm -rf "$src"
mkdir -p "$cache"
# The module cache is read-only; the build needs a writable copy of the module as main module.
cp -r "$dir" "$src"
chmod -R u+w "$src"
(cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$bin.tmp" ./cmd/tofu)
rm -rf "$src"
mv "$bin.tmp" "$bin"
"$bin" version 2>/dev/null | grep -qx "OpenTofu v$OPENTOFU_VERSION" || { "$bin" version >&2; log "the built binary does not report v$OPENTOFU_VERSION"; exit 1; }
log "built in $(( $(date +%s) - started )) s: $bin"
echo "$bin"
