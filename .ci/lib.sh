# Sourced by the .ci scripts: Java where it is missing, and cached tool virtualenvs.

# Install Java 17 (apt) unless `java` is on PATH.
need_java() {
  if ! command -v java >/dev/null; then
    echo "== installing Java 17"
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  fi
}

# cached_venv DIR PACKAGE...: make DIR a virtualenv holding PACKAGE..., unless it already
# was made with that same list (kept in DIR/.packages); a changed list rebuilds it.
cached_venv() {
  local dir=$1
  shift
  if [ "$(cat "$dir/.packages" 2>/dev/null)" != "$*" ]; then
    echo "== installing $* into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q --no-cache-dir "$@"
    echo "$*" > "$dir/.packages"
  fi
}
