#!/usr/bin/env bash
# DL4J training-step time of the paper's CNN (JMH). Usage:
#   benchmarks/step-time.sh [nd4j classifier] [benchmark regex] [JMH args...]
# e.g. benchmarks/step-time.sh linux-x86_64-avx2 -p layout=NCHW,NHWC -p workspace=ENABLED,NONE
#      benchmarks/step-time.sh linux-x86_64-onednn-avx2 'lossAndNewtonStep|composeBatch' -p curvature=none,hessian,fisher
#      benchmarks/step-time.sh linux-x86_64-onednn-avx2 --probe 8 NATIVE/NHWC/ENABLED/none NATIVE/NCHW/ENABLED/none
#        (TrainStepProbe: forward / backward / step with wall and CPU time, for a loaded machine)
# Classifiers: linux-x86_64-onednn-avx2 (default, the pom's), linux-x86_64, linux-x86_64-avx2, linux-x86_64-onednn.
# Environment such as OMP_NUM_THREADS reaches the benchmark JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk.sh
classifier="${1:-linux-x86_64-onednn-avx2}"; shift || true
cp_file="target/bench-cp-$classifier.txt"
mvn -B -o -q test-compile dependency:build-classpath -Dnd4j.classifier="$classifier" -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" >&2
# run from a copy, so that builds in the work tree during the run do not disturb it
snap="target/bench-classes-$$"; rm -rf "$snap"; mkdir -p "$snap"; cp -r target/classes target/test-classes "$snap/"
trap 'rm -rf "$snap"' EXIT
# glibc hands blocks above 32 MB (ND4J's 40 MB convolution activations) back to the OS on free, so every training
# step page-faults them in again; keeping them in the heap saves 1–15 % of a DL4J step (benchmarks/RESULTS.md).
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1073741824}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
main=(org.openjdk.jmh.Main); pattern="TrainStepBenchmark"
if [ "${1:-}" = "--probe" ]; then shift; main=(org.newtonloss.bench.TrainStepProbe); pattern=""
elif [ -n "${1:-}" ] && [[ "$1" != -* ]]; then pattern="TrainStepBenchmark.($1)"; shift; fi
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djmh.ignoreLock=true \
  -cp "$snap/test-classes:$snap/classes:$(cat "$cp_file")" "${main[@]}" ${pattern:+"$pattern"} "$@"
