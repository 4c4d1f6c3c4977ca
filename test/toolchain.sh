# Sourced by the deploy scripts: exports TF_CLI_CONFIG_FILE for the provider mirror that
# scripts/terraform-offline.sh builds or reuses, at DOCKER_PROVIDER_VERSION (4.6.0 unless told; the
# examples pin the same variable). Where the provider cannot be had it says why and ends the
# script: with 0 (skipped) on a developer's machine, with 1 under CI=true, where no deploy may skip.
# Usage: source test/toolchain.sh "<what is skipped>"
export DOCKER_PROVIDER_VERSION="${DOCKER_PROVIDER_VERSION:-4.6.0}"
tf_status=0
tf_config=$(env -u PROVIDER_MODULE_VERSION PROVIDER_VERSION="$DOCKER_PROVIDER_VERSION" bash scripts/terraform-offline.sh 2>/dev/null) || tf_status=$?
if [ "$tf_status" -ne 0 ]; then
  if [ -n "${CI:-}" ]; then
    echo "$1: FAILED: CI=true, but kreuzwerker/docker $DOCKER_PROVIDER_VERSION is not in the mirror (scripts/terraform-offline.sh exited $tf_status)"
    exit 1
  fi
  echo "$1: skipped (kreuzwerker/docker $DOCKER_PROVIDER_VERSION not in the mirror: scripts/terraform-offline.sh exited $tf_status)"
  exit 0
fi
eval "$tf_config"
export TF_CLI_CONFIG_FILE
