#!/usr/bin/env bash
# Evidence for docs/curvature.md: the loss in isolation and the synthetic small-network ranking task, for the four
# ranking relaxations of the paper, every curvature x safeguard x lambda. Writes Markdown + JSON under OUT.
#   benchmarks/curvature.sh [OUT] [isolate|synthetic|all] [extra synthetic options, e.g. --curvatures gauss-newton]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/docs/results/curvature}"
what="${2:-all}"
shift $(( $# > 2 ? 2 : $# )) || true
mkdir -p "$out"
losses=(
  "dsn_logistic dsn:network=odd_even,sigmoid=logistic,steepness=10"
  "dsn_cauchy dsn:network=odd_even,sigmoid=cauchy,steepness=10"
  "neuralsort neuralsort:tau=1"
  "softsort softsort:tau=1,power=1"
)
for entry in "${losses[@]}"; do
  name="${entry%% *}"; spec="${entry#* }"
  if [[ "$what" == all || "$what" == isolate ]]; then
    "$root/newtonloss" isolate --loss "$spec" --n 5 --seeds 100 --steps 100 \
      --markdown "$out/isolate_${name}_n5.md" --json "$out/isolate_${name}_n5.json" >/dev/null
  fi
  if [[ "$what" == all || "$what" == synthetic ]]; then
    suffix="${SUFFIX:-}"
    "$root/newtonloss" synthetic --loss "$spec" --n 5 --seeds 5 --steps 600 "$@" \
      --markdown "$out/synthetic_${name}_n5${suffix}.md" --json "$out/synthetic_${name}_n5${suffix}.json" >/dev/null
  fi
done
echo "wrote $out"
