# Shared by the scripts that run real clients against the built jar (source it after setting $jar): a temporary
# directory $work removed on exit with every process whose pid is added to $pids, `entourage`, and lib.sh's helpers.
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

entourage() { java -jar "$jar" "$@"; }
# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
