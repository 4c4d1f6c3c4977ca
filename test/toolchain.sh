# Sourced by the deploy scripts: exports TF_CLI_CONFIG_FILE for the provider mirror that
# scripts/terraform-offline.sh builds or reuses, or says why not and ends the script with 0
# (a deploy check is skipped, not failed, where the provider cannot be had).
# Usage: source test/toolchain.sh "<what is skipped>"
tf_status=0
tf_config=$(bash scripts/terraform-offline.sh 2>/dev/null) || tf_status=$?
if [ "$tf_status" -ne 0 ]; then
  echo "$1: skipped (no provider mirror: scripts/terraform-offline.sh exited $tf_status)"
  exit 0
fi
eval "$tf_config"
export TF_CLI_CONFIG_FILE
