#!/usr/bin/env bash
# Builds the kreuzwerker/docker Terraform provider from source through the Go module proxy and
# installs it as a Terraform filesystem mirror, then writes a CLI config that makes `terraform init`
# (and so `cdktf deploy`) take it from there; `tofu init` (`cdktn deploy` with
# TERRAFORM_BINARY_NAME=tofu) reads the same config and finds it under registry.opentofu.org. For
# machines that reach a Go module proxy but not the Terraform registry: air-gapped CI,
# registry-less teams.
#
# Usage: scripts/terraform-offline.sh [CACHE_DIR]       (default: ~/.cache/cdktf-wsgi/terraform)
# Prints the `export TF_CLI_CONFIG_FILE=...` line to use. A second run for the same version reuses
# the built binary and returns at once. The mirror holds every version built into it, so one CLI
# config serves stacks pinned to either provider line.
#
# Environment:
#   PROVIDER_VERSION         the release to build: 4.6.0 (the default) or 3.6.2
#   PROVIDER_MODULE_VERSION  the Go version of that release's commit; known for both releases above
#   PROVIDER_MIRRORS         directories, separated by ':', that hold prebuilt providers in
#                            Terraform's filesystem-mirror layout with a SHA256SUMS file at their top
#                            (paths relative to it): a binary found there is checked against it and
#                            copied in instead of built. The way to get 3.6.2, whose commit the proxy
#                            refuses; a binary that fails its check stops the script
#   PROVIDER_SOURCE          a local checkout of the provider at that release, built instead of the
#                            proxy's copy (its dependencies still come from the proxy)
#   GOPROXY                  as usual
# Exits 2 when neither PROVIDER_MIRRORS, the proxy nor PROVIDER_SOURCE has the provider.
set -euo pipefail

PROVIDER_VERSION="${PROVIDER_VERSION:-4.6.0}"
if [ -z "${PROVIDER_MODULE_VERSION:-}" ]; then
  case "$PROVIDER_VERSION" in
    # The 4.6.0-era commit 96d331c98ff4 (2026-09-16 20:14:41 UTC), which the proxy serves.
    4.6.0) PROVIDER_MODULE_VERSION=v0.0.0-20260916201441-96d331c98ff4 ;;
    # Tag v3.6.2, commit 2f20f8c3ce8290fcd03d96e69c7bc6338897a479 (2025-06-13 21:46:48 UTC).
    3.6.2) PROVIDER_MODULE_VERSION=v0.0.0-20250613214648-2f20f8c3ce82 ;;
    *) echo "terraform-offline: no known commit for provider $PROVIDER_VERSION: set PROVIDER_MODULE_VERSION too" >&2; exit 1 ;;
  esac
fi
CACHE_DIR="${1:-${CDKTF_WSGI_TF_CACHE:-$HOME/.cache/cdktf-wsgi/terraform}}"

log() { echo "terraform-offline: $*" >&2; }

command -v go >/dev/null 2>&1 || { log "Go is required (https://go.dev/dl); none on PATH"; exit 1; }

case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) log "unsupported machine $(uname -m)"; exit 1 ;;
esac
os="$(uname -s | tr '[:upper:]' '[:lower:]')"

mirror="$CACHE_DIR/mirror"
build_dir="$CACHE_DIR/build-$PROVIDER_VERSION-$PROVIDER_MODULE_VERSION"
target_dir="$mirror/registry.terraform.io/kreuzwerker/docker/$PROVIDER_VERSION/${os}_$arch"
target="$target_dir/terraform-provider-docker_v$PROVIDER_VERSION"
cli_config="$CACHE_DIR/terraform.rc"

# Prints a line every 30 s while a long step runs: the first build compiles about 1,000 packages.
progress() {
  local what=$1 count_file=$2 started=$3
  while sleep 30; do
    log "  $what: $(( $(date +%s) - started )) s, $(wc -l <"$count_file" 2>/dev/null || echo 0) packages so far"
  done
}

# Copies the provider from the first of PROVIDER_MIRRORS that holds it, once its checksum matches
# that mirror's SHA256SUMS. Returns 1 when none holds it.
copy_from_prebuilt_mirror() {
  local relative="registry.terraform.io/kreuzwerker/docker/$PROVIDER_VERSION/${os}_$arch/${target##*/}"
  local dir
  local -a dirs
  IFS=: read -r -a dirs <<<"${PROVIDER_MIRRORS:-}"
  for dir in "${dirs[@]}"; do
    [ -n "$dir" ] && [ -f "$dir/$relative" ] || continue
    [ -f "$dir/SHA256SUMS" ] || { log "$dir holds $relative but no SHA256SUMS to check it against"; exit 1; }
    local expected actual
    expected=$(awk -v f="$relative" '$2 == f || $2 == "*" f { print $1 }' "$dir/SHA256SUMS")
    [ -n "$expected" ] || { log "$dir/SHA256SUMS has no line for $relative"; exit 1; }
    actual=$(sha256sum "$dir/$relative" | cut -d' ' -f1)
    [ "$actual" = "$expected" ] || { log "$dir/$relative: sha256 $actual, but SHA256SUMS says $expected"; exit 1; }
    if cmp -s "$dir/$relative" "$target"; then
      log "provider $PROVIDER_VERSION already in the mirror, the same as $dir's (sha256 checked): $target"
      return 0
    fi
    mkdir -p "$target_dir"
    cp "$dir/$relative" "$target.tmp"
    chmod 0755 "$target.tmp"
    mv "$target.tmp" "$target"
    log "provider $PROVIDER_VERSION copied from $dir (sha256 checked): $target"
    return 0
  done
  return 1
}

# A prebuilt mirror that holds the version is authoritative: its checked binary replaces another.
if copy_from_prebuilt_mirror; then
  :
elif [ -x "$target" ]; then
  # Whatever put it there (an earlier run, or a binary built elsewhere and copied in), it is reused.
  log "provider $PROVIDER_VERSION already in the mirror: $target"
else
  mkdir -p "$build_dir" "$target_dir"
  started=$(date +%s)
  source_ref="github.com/kreuzwerker/terraform-provider-docker@$PROVIDER_MODULE_VERSION"
  [ -n "${PROVIDER_SOURCE:-}" ] && source_ref="$(cd "$PROVIDER_SOURCE" && pwd)"
  log "building kreuzwerker/docker $PROVIDER_VERSION from $source_ref; the first build takes minutes (about 8 on 2 cores), a warm Go cache seconds"
  # The provider's go.mod still declares its historical module path, so the proxy only serves it
  # under that path through a replace directive pointing at the kreuzwerker repository's commit.
  cd "$build_dir"
  if [ ! -f go.mod ]; then
    cat > go.mod <<MOD
module cdktf-wsgi/provider-build

go 1.23
MOD
    cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/terraform-providers/terraform-provider-docker"
GO
    go mod edit -require="github.com/terraform-providers/terraform-provider-docker@v0.0.0-00010101000000-000000000000" \
      -replace="github.com/terraform-providers/terraform-provider-docker=$source_ref"
    log "  resolving modules through the proxy"
    if ! GOFLAGS=-mod=mod go mod tidy 2>"$build_dir/tidy.log"; then
      cat "$build_dir/tidy.log" >&2
      rm -f go.mod go.sum tools.go
      log "the Go module proxy did not serve kreuzwerker/docker $PROVIDER_MODULE_VERSION (error above); for 3.6.2 set PROVIDER_SOURCE to a checkout of tag v3.6.2"
      exit 2
    fi
  fi
  : >"$build_dir/packages.log"
  progress "compiling" "$build_dir/packages.log" "$started" &
  ticker=$!
  trap 'kill $ticker 2>/dev/null || true' EXIT
  # -v names each package as it is compiled: the ticker counts them.
  if ! CGO_ENABLED=0 GOFLAGS=-mod=mod go build -v -trimpath \
    -ldflags "-s -w -X main.version=$PROVIDER_VERSION" \
    -o "$target.tmp" github.com/terraform-providers/terraform-provider-docker 2>>"$build_dir/packages.log"; then
    grep -v '^[a-zA-Z0-9._/~-]*$' "$build_dir/packages.log" >&2 || true
    log "the build of kreuzwerker/docker $PROVIDER_VERSION failed (above)"
    exit 1
  fi
  kill "$ticker" 2>/dev/null || true
  mv "$target.tmp" "$target"
  log "built in $(( $(date +%s) - started )) s: $target"
fi

# OpenTofu looks providers up under its own registry's hostname: the mirror holds the binary there
# too (a file of its own, hard-linked where it can be; a symlinked hostname directory is not found).
tofu_dir="$mirror/registry.opentofu.org/kreuzwerker/docker/$PROVIDER_VERSION/${os}_$arch"
if ! cmp -s "$target" "$tofu_dir/${target##*/}"; then
  mkdir -p "$tofu_dir"
  rm -f "$tofu_dir/${target##*/}"
  ln "$target" "$tofu_dir/${target##*/}" 2>/dev/null || cp "$target" "$tofu_dir/${target##*/}"
fi
cat > "$cli_config.tmp" <<RC
# Written by cdktf-wsgi scripts/terraform-offline.sh: kreuzwerker/docker comes from the local
# mirror; every other provider is fetched as usual. Terraform and OpenTofu both read this file.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/kreuzwerker/docker", "registry.opentofu.org/kreuzwerker/docker"]
  }
  direct {
    exclude = ["registry.terraform.io/kreuzwerker/docker", "registry.opentofu.org/kreuzwerker/docker"]
  }
}
RC
mv "$cli_config.tmp" "$cli_config"
echo "export TF_CLI_CONFIG_FILE=$cli_config"
