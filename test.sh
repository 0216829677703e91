#!/usr/bin/env bash
# Builds Rampart and runs every test: unit, integration (SQLite and PostgreSQL) and browser.
# As root it installs what is missing (Debian chromium, PostgreSQL server). It starts a throwaway
# PostgreSQL cluster on 127.0.0.1, removes it on exit, and ends with "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"
root_dir=$(pwd)

log() { printf '==> %s\n' "$*"; }

# The standards tests and benchmarks read the network's reference data (STIX schemas and examples, MISP
# events, warning lists, galaxies) from ../shared/data, beside this checkout.
if [ ! -f "$root_dir/../shared/data/README.md" ]; then
  echo "missing reference data: expected $(cd "$root_dir/.." && pwd)/shared/data (the shared/ folder beside this checkout;" >&2
  echo "see README.md, 'Tests'). Clone or copy it there and run ./test.sh again." >&2
  exit 1
fi

find_pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Georgian pages need a font with Georgian glyphs (the browser tests fail on tofu): Noto has them.
if command -v fc-list >/dev/null 2>&1; then
  [ -n "$(fc-list :lang=ka 2>/dev/null)" ] || missing+=(fonts-noto-core)
else
  missing+=(fontconfig fonts-noto-core)
fi
pgbin=$(find_pgbin || true)
{ [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] && [ -x "$pgbin/pg_ctl" ]; } || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    pgbin=$(find_pgbin)
  else
    echo "missing system packages: ${missing[*]} (run ./test.sh as root to install them)" >&2
    exit 1
  fi
fi

if ! fc-list :lang=ka 2>/dev/null | grep -q .; then
  echo "no font with Georgian glyphs (fc-list :lang=ka is empty): install fonts-noto-core" >&2
  exit 1
fi

# A throwaway PostgreSQL cluster on a free loopback port.
pgtmp=$(mktemp -d)
results=$(mktemp -d)
cleanup() {
  if [ -f "$pgtmp/data/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgtmp/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pgtmp" "$results"
}
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$pgtmp"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
chmod 755 "$pgtmp"

port=""
for _ in $(seq 1 50); do
  candidate=$(( 20000 + RANDOM % 40000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "no free port for PostgreSQL" >&2; exit 1; }

log "starting PostgreSQL ($pgbin) on 127.0.0.1:$port"
as_pg "$pgbin/initdb" -D "$pgtmp/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgtmp/initdb.log" 2>&1 \
  || { cat "$pgtmp/initdb.log" >&2; exit 1; }
as_pg "$pgbin/pg_ctl" -D "$pgtmp/data" -l "$pgtmp/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $pgtmp -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$pgtmp/server.log" >&2; exit 1; }
export RAMPART_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres"

log "building"
dotnet build Rampart.slnx -c Debug -nologo -v quiet

status=0
screenshots="$root_dir/artifacts/screenshots"
rm -rf "$screenshots"
for project in tests/*/; do
  name=$(basename "$project")
  log "testing $name"
  dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$results/$name.trx" || status=1
done

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  passed=$(( passed + ${p:-0} )); failed=$(( failed + ${f:-0} ))
  skipped=$(( skipped + ${total:-0} - ${executed:-0} ))
done

shots=$(find "$screenshots" -name '*.png' 2>/dev/null | wc -l)
echo "screenshots: $shots in $screenshots (kept after the run, ignored by git)"
[ "$shots" -eq 0 ] || find "$screenshots" -name '*.png' -printf '  %f\n' | sort
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ] || [ "$status" -ne 0 ]; then
  exit 1
fi
