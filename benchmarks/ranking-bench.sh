#!/usr/bin/env bash
# Issue 2's performance table: samples/s of loss+gradient, +exact Hessian, and the full per-sample Newton step
# (Hessian + solve), float, B = 256, all cores, for odd-even Cauchy DSN and NeuralSort/SoftSort at several n.
# Prints one Markdown row per run; JSON per run under OUT (default out/bench).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/out/bench}"
seconds="${SECONDS_PER_OP:-2}"
mkdir -p "$out"
run() {
  local name="$1" spec="$2" n="$3"
  "$root/newtonloss" bench --loss "$spec" --n "$n" --batch 256 --precision float --curvature hessian \
      --safeguard escalate --lambda 1 --seconds "$seconds" --json "$out/$name-n$n.json" >/dev/null
  python3 - "$out/$name-n$n.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["samples_per_second"]
print(f"| {d['loss']} | {d['n']} | {s['loss_gradient']:,.0f} | {s['hessian']:,.0f} | {s['newton']:,.0f} |")
PY
}
echo "| loss | n | loss+gradient /s | +Hessian /s | Newton step /s |"
echo "|---|---|---|---|---|"
for n in 5 10 16 32 64; do run dsn-oe-cauchy "dsn:network=odd_even,sigmoid=cauchy,steepness=10" "$n"; done
for n in 5 16 32 64; do run neuralsort "neuralsort:tau=1" "$n"; done
for n in 5 16 32 64; do run softsort "softsort:tau=1,power=1" "$n"; done
