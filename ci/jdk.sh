# Sourced by ci/* and ./newtonloss: points JAVA_HOME at a JDK 25, installing one from Debian if none is found.
nl_is_jdk25() { [ -x "$1/bin/javac" ] && "$1/bin/java" -version 2>&1 | head -n 1 | grep -qE 'version "25'; }
nl_find_jdk25() {
  local c
  for c in "${NEWTONLOSS_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/*25*; do
    [ -n "$c" ] && nl_is_jdk25 "$c" && { echo "$c"; return 0; }
  done
  return 1
}
if ! JAVA_HOME=$(nl_find_jdk25); then
  echo "JDK 25 not found; installing openjdk-25-jdk-headless with apt-get" >&2
  (apt-get update -qq && apt-get install -y -qq openjdk-25-jdk-headless) >&2 || true
  JAVA_HOME=$(nl_find_jdk25) || { echo "error: JDK 25 is required (set NEWTONLOSS_JAVA_HOME)" >&2; exit 1; }
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
if ! command -v mvn >/dev/null 2>&1; then
  echo "Maven not found; installing it with apt-get" >&2
  (apt-get update -qq && apt-get install -y -qq maven) >&2
fi
