#!/usr/bin/env bash
# Reduced reproduction of the Newton-losses paper's four-digit MNIST ranking table (Petersen et al., NeurIPS 2024,
# Table 2): n = 5 and 10; NeuralSort, SoftSort, logistic DSN, Cauchy DSN; baseline / Hessian / Fisher; several
# seeds; far fewer steps than the paper's 100,000. Each run is an ordinary `newtonloss train ranking` folder under
# $RUNS, so a killed script resumes where it stopped when started again. At the end it prints a Markdown table
# (mean ± std of the test exact match at the best validation step, and element-wise) and writes it to
# $RUNS/table.md.
#
#   benchmarks/ranking-table.sh                  # defaults below
#   STEPS=500 SEEDS="0 1 2" NS="5" benchmarks/ranking-table.sh
#   JOBS=2 nice -n 19 benchmarks/ranking-table.sh  # two runs at a time, one native thread each
#
# Knobs (environment): STEPS (default 2000), BATCH (sets per step, default 100 as the paper), SEEDS (default
# "0 1 2"), NS (default "5 10"), METHODS (default all four), CURVATURES (default "none hessian fisher"),
# EVAL_EVERY (default 250), EVAL_SETS (default 500), RUNS (default runs/ranking-table), JOBS (runs at a time,
# default 1; OMP_NUM_THREADS defaults to the cores divided by JOBS), and the damping per
# method and curvature: LAMBDA_HESSIAN_<method>, LAMBDA_FISHER_<method> (defaults below; the paper tuned λ per
# method, we did not).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
STEPS="${STEPS:-2000}"; BATCH="${BATCH:-100}"; SEEDS="${SEEDS:-0 1 2}"; NS="${NS:-5 10}"
METHODS="${METHODS:-neuralsort softsort dsn_logistic dsn_cauchy}"; CURVATURES="${CURVATURES:-none hessian fisher}"
EVAL_EVERY="${EVAL_EVERY:-250}"; EVAL_SETS="${EVAL_SETS:-500}"; RUNS="${RUNS:-$root/runs/ranking-table}"

spec() {
  case "$1" in
    neuralsort)   echo "neuralsort:tau=1" ;;
    softsort)     echo "softsort:tau=1,power=1" ;;
    dsn_logistic) echo "dsn:network=odd_even,sigmoid=logistic,steepness=10" ;;
    dsn_cauchy)   echo "dsn:network=odd_even,sigmoid=cauchy,steepness=10" ;;
    *) echo "unknown method $1" >&2; exit 2 ;;
  esac
}
lambda() { # $1 curvature, $2 method
  local var="LAMBDA_${1^^}_$2"
  if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
  case "$1" in hessian) echo 1 ;; fisher) echo 0.1 ;; *) echo 1 ;; esac
}

run_one() { # n method curvature seed
  local n="$1" m="$2" c="$3" s="$4" dir="$RUNS/n$1/$2/$3/seed$4"
  [ -f "$dir/summary.json" ] && return 0
  echo "== n=$n $m $c seed $s -> $dir" >&2
  "$root/newtonloss" train ranking --loss "$(spec "$m")" --curvature "$c" --lambda "$(lambda "$c" "$m")" \
    --safeguard spectral --n "$n" --steps "$STEPS" --batch "$BATCH" --seed "$s" --eval-every "$EVAL_EVERY" \
    --eval-sets "$EVAL_SETS" --out "$dir" --quiet
}
export -f run_one spec lambda
export root STEPS BATCH EVAL_EVERY EVAL_SETS RUNS
JOBS="${JOBS:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(( $(nproc) / JOBS > 0 ? $(nproc) / JOBS : 1 ))}"

mkdir -p "$RUNS"
"$root/newtonloss" --version >/dev/null # builds once, before parallel runs
for m in $METHODS; do spec "$m" >/dev/null; done # unknown method: exit 2 before any run
for n in $NS; do for m in $METHODS; do for c in $CURVATURES; do for s in $SEEDS; do
  echo "$n $m $c $s"
done; done; done; done | xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _ \
  || echo "ranking-table: some runs failed (see above); the table shows the completed ones" >&2

python3 - "$RUNS" <<'PY' | tee "$RUNS/table.md"
import json, pathlib, statistics, sys
runs = pathlib.Path(sys.argv[1])
rows = {}
for f in sorted(runs.glob("n*/*/*/seed*/summary.json")):
    n, method, curv = f.parts[-5], f.parts[-4], f.parts[-3]
    s = json.loads(f.read_text())
    rows.setdefault((n, method), {}).setdefault(curv, []).append(s)
def cell(runs):
    if not runs: return "–"
    em = [100 * r["testAtBest"]["exactMatch"] for r in runs]
    ew = [100 * r["testAtBest"]["elementWise"] for r in runs]
    sd = statistics.stdev(em) if len(em) > 1 else 0.0
    return f"{statistics.mean(em):.2f} ± {sd:.2f} ({statistics.mean(ew):.1f}) [{len(runs)}]"
curvs = ["none", "hessian", "fisher"]
print("| n | method | baseline | Hessian | Fisher |")
print("|---|---|---|---|---|")
for (n, method), byc in sorted(rows.items(), key=lambda kv: (int(kv[0][0][1:]), kv[0][1])):
    print(f"| {n[1:]} | {method} | " + " | ".join(cell(byc.get(c, [])) for c in curvs) + " |")
any_run = next(iter(next(iter(rows.values())).values()))[0] if rows else None
if any_run:
    c = any_run["config"]
    print(f"\nTest exact match % at the best validation step, mean ± std over seeds (element-wise %) [seeds]; "
          f"{c['steps']} steps × {c['batch']} sets, eval on {c['evalSets']} sets, data {any_run['dataSource']}.")
PY
