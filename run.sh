#!/usr/bin/env bash
# Builds the jars when they are missing or older than any source or pom.xml (e.g. after a git pull), installs the
# webhooks plugin into ./plugins and starts the host on the embedded H2 database in ./data. Any CMS_* variable set in
# the environment is passed on (see README.md).
set -euo pipefail
cd "$(dirname "$0")"

host_jar=cms-host/target/cms-host.jar
plugin_jar=webhooks-plugin/target/webhooks-plugin.jar

# what the two jars are built from: every module but the integration tests
newer_source() {
  find pom.xml plugin-api webhooks-plugin admin-ui cms-host -newer "$1" -type f \
    \( -name pom.xml -o -path '*/src/*' \) -not -path '*/target/*' -print -quit
}

why=""
if [ ! -f "$host_jar" ] || [ ! -f "$plugin_jar" ]; then
  why="the jars are missing"
else
  oldest="$host_jar"
  [ "$plugin_jar" -ot "$oldest" ] && oldest="$plugin_jar"
  changed="$(newer_source "$oldest")"
  [ -n "$changed" ] && why="$changed is newer than $oldest"
fi
if [ -n "$why" ]; then
  echo "run.sh: building ($why): mvn -B -q -DskipTests package -pl cms-host,webhooks-plugin -am" >&2
  mvn -B -q -DskipTests package -pl cms-host,webhooks-plugin -am
  touch "$host_jar" "$plugin_jar" # Maven leaves a jar alone when its content did not change: it is up to date now
fi

plugins_dir="${CMS_PLUGINS_DIR:-./plugins}"
mkdir -p "$plugins_dir"
cp "$plugin_jar" "$plugins_dir/"

built() { date -r "$1" '+%Y-%m-%d %H:%M:%S'; }
echo "run.sh: starting $host_jar (built $(built "$host_jar")) with $plugin_jar (built $(built "$plugin_jar")) in $plugins_dir" >&2
exec java -jar "$host_jar"
