#!/usr/bin/env bash
# The benchmark, in one command (see README.md, "Benchmarks"):
#
#   bench/run.sh [--quick] [--only wire,jvm,ingest,latency,fanout,e2e,hung,drain,heap,replicas,retention] [--keep]
#
# Installs Debian's nginx-light and wrk when they are missing (the receiver and the load generator, not code under
# test), builds the jars when they are missing, then runs io.consolecms.it.bench.Bench from integration-tests' test
# classes against cms-host/target/cms-host.jar with webhooks-plugin/target/webhooks-plugin.jar. Progress goes to
# stderr; stdout gets one JSON line with every figure beside its reference. Every stage is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
  echo "bench: installing ${missing[*]}" >&2
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}" >&2
fi

if [ ! -f cms-host/target/cms-host.jar ] || [ ! -f webhooks-plugin/target/webhooks-plugin.jar ]; then
  echo "bench: building the jars (mvn -B -q -DskipTests package)" >&2
  mvn -B -q -DskipTests package >&2
fi

echo "bench: compiling the benchmark" >&2
mvn -B -q -DskipTests test-compile dependency:build-classpath -pl integration-tests -am \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2

exec java -Xmx2g -Dslf4j.internal.verbosity=ERROR \
  -Dcms.host.jar="$PWD/cms-host/target/cms-host.jar" \
  -Dwebhooks.plugin.jar="$PWD/webhooks-plugin/target/webhooks-plugin.jar" \
  -cp "integration-tests/target/test-classes:$(cat integration-tests/target/bench-classpath.txt)" \
  io.consolecms.it.bench.Bench "$@"
