# Sourced by the deploy scripts. A deploy script run that was cut off (a killed CI job, a session
# that ended mid-run) leaves its example's containers running, and a fresh clone has no state that
# knows them: the next `cdktf deploy` then fails on the container name. This removes, before a
# deploy, the containers an example stack of that name creates, and nothing else.
# Usage: remove_example_leftovers <containerName>
remove_example_leftovers() {
  local name=$1 pattern leftovers
  # The stable name (the app's with STOP_FIRST, the network holder's with START_FIRST), the release
  # container's, each generation's app, release and reconcile containers
  # (<name>[-release|-reconcile]-<8 hex>) and the destroy guard (<name>-guard-<8 hex>).
  pattern="^${name//./\\.}(-release|-reconcile|-guard)?(-[0-9a-f]{8})?$"
  leftovers=$(docker ps -a --format '{{.Names}}' | grep -E "$pattern" || true)
  if [ -n "$leftovers" ]; then
    echo "removing leftovers of an earlier, interrupted run: $(echo "$leftovers" | tr '\n' ' ')"
    # App containers first: they share the holder's network namespace.
    echo "$leftovers" | sort -r | xargs docker rm -f -v >/dev/null
  fi
}
