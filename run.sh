#!/usr/bin/env bash
# Builds the jars when they are missing, installs the webhooks plugin into ./plugins and starts the host on the
# embedded H2 database in ./data. Any CMS_* variable set in the environment is passed on (see README.md).
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -f cms-host/target/cms-host.jar ] || [ ! -f webhooks-plugin/target/webhooks-plugin.jar ]; then
  mvn -B -q -DskipTests package
fi

plugins_dir="${CMS_PLUGINS_DIR:-./plugins}"
mkdir -p "$plugins_dir"
cp webhooks-plugin/target/webhooks-plugin.jar "$plugins_dir/"

exec java -jar cms-host/target/cms-host.jar
