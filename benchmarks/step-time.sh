#!/usr/bin/env bash
# DL4J training-step time of the paper's CNN (JMH). Usage:
#   benchmarks/step-time.sh [nd4j classifier] [JMH args...]
# e.g. benchmarks/step-time.sh linux-x86_64-avx2 -p layout=NCHW,NHWC -p workspace=ENABLED,NONE
# Classifiers: linux-x86_64 (default), linux-x86_64-avx2, linux-x86_64-onednn, linux-x86_64-onednn-avx2.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/jdk.sh
classifier="${1:-linux-x86_64}"; shift || true
cp_file="target/bench-cp-$classifier.txt"
mvn -B -o -q test-compile dependency:build-classpath -Dnd4j.classifier="$classifier" -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" >&2
# run from a copy, so that builds in the work tree during the run do not disturb it
snap="target/bench-classes-$$"; rm -rf "$snap"; mkdir -p "$snap"; cp -r target/classes target/test-classes "$snap/"
trap 'rm -rf "$snap"' EXIT
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djmh.ignoreLock=true \
  -cp "$snap/test-classes:$snap/classes:$(cat "$cp_file")" org.openjdk.jmh.Main TrainStepBenchmark "$@"
