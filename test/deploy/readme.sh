#!/usr/bin/env bash
# The README's "Deploying" commands, verbatim, on the leaves example: deploy, call it, a diff that
# plans nothing, destroy. Needs a Docker daemon and Terraform; the provider comes from the mirror
# scripts/terraform-offline.sh builds or reuses (skipped, saying why, where it cannot).
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/toolchain.sh "README deploy"
export CHECKPOINT_DISABLE=1
source test/example-leftovers.sh
rm -f terraform.leaves.tfstate terraform.leaves.tfstate.backup
remove_example_leftovers leaves-web
cleanup() { npx cdktf destroy leaves --auto-approve --skip-provider-lock >/dev/null 2>&1 || true; }
trap cleanup EXIT
npx cdktf deploy leaves --auto-approve --skip-provider-lock --no-color > /tmp/cdktf-wsgi-readme-deploy.log 2>&1 || { cat /tmp/cdktf-wsgi-readme-deploy.log; exit 1; }
answer=$(curl -s --max-time 10 http://127.0.0.1:8123/api/leaves)
[ "$answer" = "This tree has leaves" ] || { echo "README deploy: unexpected answer '$answer'"; exit 1; }
echo "README deploy: curl http://127.0.0.1:8123/api/leaves -> $answer"
npx cdktf diff leaves --skip-provider-lock --no-color > /tmp/cdktf-wsgi-readme-diff.log 2>&1
grep -q "No changes. Your infrastructure matches the configuration." /tmp/cdktf-wsgi-readme-diff.log || { cat /tmp/cdktf-wsgi-readme-diff.log; exit 1; }
echo "README deploy: cdktf diff -> No changes"
trap - EXIT
npx cdktf destroy leaves --auto-approve --skip-provider-lock --no-color > /tmp/cdktf-wsgi-readme-destroy.log 2>&1 || { cat /tmp/cdktf-wsgi-readme-destroy.log; exit 1; }
left=$(docker ps -a --format '{{.Names}}' | grep -E '^leaves-web(-|$)' || true)
if [ -n "$left" ]; then echo "README deploy: the destroy left $(echo "$left" | tr '\n' ' ')"; exit 1; fi
echo "README deploy: cdktf destroy -> gone"
