#!/usr/bin/env bash
# Runs the ingest benchmark: builds if needed, then bench.BenchMain runs every scenario in its own
# JVMs on loopback and prints the table, the ratios and pass/fail. Extra arguments go to BenchMain
# (e.g. --duration 30s, --post-connections 256, --profile true). SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f bench/target/classpath.txt ]]; then
  echo "build: mvn -B -q -ntp package -DskipTests"
  mvn -B -q -ntp package -DskipTests
fi

CP="bench/target/classes:$(cat bench/target/classpath.txt)"
exec java -Xms64m -Xmx256m -cp "$CP" dev.tripline.bench.BenchMain \
  --classpath "$CP" --gateway-jar gateway/target/tripline.jar "$@"
