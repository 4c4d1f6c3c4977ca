#!/usr/bin/env bash
# Builds the kreuzwerker/docker Terraform provider (the version @cdktf/provider-docker pins) from
# source through the Go module proxy and installs it as a Terraform filesystem mirror, then writes
# a CLI config that makes `terraform init` (and so `cdktf deploy`) take it from there. For machines
# that reach a Go module proxy but not the Terraform registry: air-gapped CI, registry-less teams.
#
# Usage: scripts/terraform-offline.sh [CACHE_DIR]       (default: ~/.cache/cdktf-wsgi/terraform)
# Prints the `export TF_CLI_CONFIG_FILE=...` line to use. A second run with the same commit reuses
# the built binary and returns at once.
#
# Environment: PROVIDER_VERSION and PROVIDER_MODULE_VERSION (the Go version of that release's
# commit; change both together), GOPROXY as usual. Exits 2 when the proxy does not serve the module.
set -euo pipefail

PROVIDER_VERSION="${PROVIDER_VERSION:-3.6.2}"
# v3.6.2 of github.com/kreuzwerker/terraform-provider-docker, as the Go pseudo-version of its
# commit (2f20f8c3ce8290fcd03d96e69c7bc6338897a479, committed 2025-06-13 21:46:48 UTC).
PROVIDER_MODULE_VERSION="${PROVIDER_MODULE_VERSION:-v0.0.0-20250613214648-2f20f8c3ce82}"
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
build_dir="$CACHE_DIR/build-$PROVIDER_MODULE_VERSION"
target_dir="$mirror/registry.terraform.io/kreuzwerker/docker/$PROVIDER_VERSION/${os}_$arch"
target="$target_dir/terraform-provider-docker_v$PROVIDER_VERSION"
cli_config="$CACHE_DIR/terraform.rc"

if [ -x "$target" ]; then
  # Whatever put it there (an earlier run, or a binary built elsewhere and copied in), it is reused.
  log "provider $PROVIDER_VERSION already in the mirror: $target"
else
  mkdir -p "$build_dir" "$target_dir"
  started=$(date +%s)
  log "building kreuzwerker/docker $PROVIDER_VERSION ($PROVIDER_MODULE_VERSION) through the Go module proxy"
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
      -replace="github.com/terraform-providers/terraform-provider-docker=github.com/kreuzwerker/terraform-provider-docker@$PROVIDER_MODULE_VERSION"
    if ! GOFLAGS=-mod=mod go mod tidy 2>"$build_dir/tidy.log"; then
      cat "$build_dir/tidy.log" >&2
      rm -f go.mod go.sum tools.go
      log "the Go module proxy did not serve kreuzwerker/docker $PROVIDER_MODULE_VERSION (error above)"
      exit 2
    fi
  fi
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X main.version=$PROVIDER_VERSION" \
    -o "$target.tmp" github.com/terraform-providers/terraform-provider-docker
  mv "$target.tmp" "$target"
  log "built in $(( $(date +%s) - started )) s: $target"
fi

cat > "$cli_config.tmp" <<RC
# Written by cdktf-wsgi scripts/terraform-offline.sh: kreuzwerker/docker comes from the local
# mirror; every other provider is fetched as usual.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/kreuzwerker/docker"]
  }
  direct {
    exclude = ["registry.terraform.io/kreuzwerker/docker"]
  }
}
RC
mv "$cli_config.tmp" "$cli_config"
echo "export TF_CLI_CONFIG_FILE=$cli_config"
