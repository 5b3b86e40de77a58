#!/usr/bin/env bash
# Prepares this checkout on a Debian-like machine (Node 20, npm, apt): pnpm, Chromium (for the
# browser and end-to-end tests), a running PostgreSQL and Redis if they are installed (the tests
# use them) and the workspace's dependencies. Safe to run again: it only installs or starts what is missing.
#
#   ./scripts/setup.sh                    # as root: installs whatever is missing
#   SKIP_CHROMIUM=1 ./scripts/setup.sh    # skip the Chromium check (`pnpm start` does not need it)
#   CHROMIUM_PATH=/path/to/chrome ./scripts/setup.sh   # use a browser you already have
#   SKIP_POSTGRES=1 ./scripts/setup.sh    # do not start PostgreSQL (only the tests need it)
#   SKIP_REDIS=1 ./scripts/setup.sh       # do not start Redis (only the tests need it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=10.34.8
NODE_MIN=20.19.0
say() { printf '[setup] %s\n' "$*"; }
missing=()

is_root() { [ "$(id -u)" -eq 0 ]; }

# --- Node.js -------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1; then
  say "Node.js is missing. Install Node.js ${NODE_MIN} or newer (Node 20 LTS: https://nodejs.org/ or"
  say "Debian: apt-get install -y nodejs npm, if your release ships Node >= 20.19), then run this again."
  exit 1
fi
if ! node -e "
  const [a, b] = process.versions.node.split('.').map(Number);
  const [x, y] = '${NODE_MIN}'.split('.').map(Number);
  process.exit(a > x || (a === x && b >= y) ? 0 : 1);
"; then
  say "Node.js $(node --version) is too old: this project needs ${NODE_MIN} or newer."
  exit 1
fi
say "node $(node --version)"

# --- pnpm (pnpm 11+ refuses Node 20, so pin 10.34.8) -----------------------------------------
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  say "pnpm ${PNPM_VERSION}"
else
  if ! command -v npm >/dev/null 2>&1; then
    say "npm is missing, so pnpm cannot be installed. Install npm (Debian: apt-get install -y npm)"
    say "and run this again, or install pnpm ${PNPM_VERSION} yourself."
    exit 1
  fi
  say "installing pnpm@${PNPM_VERSION} with npm"
  if ! npm install --global --no-fund --no-audit "pnpm@${PNPM_VERSION}"; then
    say "could not install pnpm globally (no write access to $(npm config get prefix 2>/dev/null)?)."
    say "Run as root, or: npm install --global --prefix \"\$HOME/.local\" pnpm@${PNPM_VERSION}"
    say "and put \$HOME/.local/bin on your PATH."
    exit 1
  fi
  hash -r
  say "pnpm $(pnpm --version)"
fi

# --- Chromium (Playwright cannot download browsers here; tests use the system's) -------------
find_chromium() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] && echo "$CHROMIUM_PATH"
    return 0
  fi
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
}

if [ "${SKIP_CHROMIUM:-}" = "1" ]; then
  say "Chromium check skipped (SKIP_CHROMIUM=1)"
else
  chromium_path="$(find_chromium)"
  if [ -n "$chromium_path" ]; then
    say "chromium ${chromium_path}"
  elif [ -n "${CHROMIUM_PATH:-}" ]; then
    missing+=("CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable file. Point it at a Chromium or Chrome binary.")
  elif is_root && command -v apt-get >/dev/null 2>&1; then
    say "installing Chromium with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-liberation >/dev/null
    say "chromium $(find_chromium)"
  elif command -v apt-get >/dev/null 2>&1; then
    missing+=("Chromium: run as root, or: sudo apt-get update && sudo apt-get install -y chromium fonts-liberation")
  else
    missing+=("Chromium (or Chrome): install it with your system's package manager and set CHROMIUM_PATH to its binary (e.g. CHROMIUM_PATH=/usr/bin/chromium).")
  fi
fi

# --- PostgreSQL (the tests run the server on it too; `pnpm start` uses SQLite) ---------------
# Tests reach it at PG_TEST_URL (default postgres://postgres@127.0.0.1:5432/test) and fail, not
# skip, when it is down: start it if it is installed but not running. SKIP_POSTGRES=1 skips this.
if [ -z "${SKIP_POSTGRES:-}" ]; then
  if ! command -v pg_isready >/dev/null 2>&1; then
    say "PostgreSQL client tools not found: the tests that run on PostgreSQL will fail until a server"
    say "  answers at PG_TEST_URL (default postgres://postgres@127.0.0.1:5432/test). \`pnpm start\` does not need it."
  elif pg_isready -q -h 127.0.0.1 -p 5432; then
    say "PostgreSQL is up on 127.0.0.1:5432"
  else
    say "PostgreSQL is not accepting connections on 127.0.0.1:5432; starting it"
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      for version in /etc/postgresql/*/; do
        pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
      done
    elif command -v service >/dev/null 2>&1; then
      service postgresql start || true
    fi
    for _ in $(seq 1 30); do
      pg_isready -q -h 127.0.0.1 -p 5432 && break
      sleep 1
    done
    if pg_isready -q -h 127.0.0.1 -p 5432; then say "PostgreSQL is up"
    else say "PostgreSQL did not come up: the tests that run on it will fail (start it, or set PG_TEST_URL)"; fi
  fi
fi

# --- Redis (the multi-instance test connects two servers through it; `pnpm start` does not) ---
# Tests reach it at REDIS_TEST_URL (default redis://127.0.0.1:6379). SKIP_REDIS=1 skips this.
if [ -z "${SKIP_REDIS:-}" ]; then
  if ! command -v redis-cli >/dev/null 2>&1; then
    say "Redis not found: the multi-instance test will fail until a server answers at"
    say "  REDIS_TEST_URL (default redis://127.0.0.1:6379). \`pnpm start\` does not need it."
  elif [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; then
    say "Redis is up on 127.0.0.1:6379"
  else
    say "Redis is not answering on 127.0.0.1:6379; starting it (keeping nothing on disk)"
    # Not the distribution's service: its configuration saves snapshots, and a Redis that cannot
    # write them refuses every write. This is how the project's machines start it.
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 ||
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
        >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do
      [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ] && break
      sleep 0.5
    done
    if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; then say "Redis is up"
    else say "Redis did not come up: the multi-instance test will fail (start it, or set REDIS_TEST_URL)"; fi
  fi
fi

# --- Dependencies ---------------------------------------------------------------------------
# better-sqlite3 compiles from source; node-gyp finds Node's headers here instead of downloading.
if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then
  export npm_config_nodedir=/usr
fi
say "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile

if [ "${#missing[@]}" -gt 0 ]; then
  say "Dependencies are installed, but something is still missing:"
  for item in "${missing[@]}"; do say "  - ${item}"; done
  say "The browser and end-to-end tests need it; \`pnpm start\` alone does not (SKIP_CHROMIUM=1 skips this check)."
  exit 1
fi
say "done"
