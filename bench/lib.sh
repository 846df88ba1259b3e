# Shell helpers shared by the bench scripts that run pcnv-server under load (fleet.sh,
# reliability/soak.sh, reliability/chaos.sh). Sourced, not run.

# ensure_workload WORK DATA BUILD [REGION]: the national workload (or one STP's, REGION a code
# such as QHM) and its reference store, as bench/run.sh makes them: WORK/input (pcnv-bench-workload
# from DATA) and WORK/reference.gpkg (pcnv-bench-national). Kept when both are already there.
# Returns 77 (a skip for CTest) without the shared data.
ensure_workload() {
  local work=$1 data=$2 build=$3 region=${4:-}
  if [ -f "$work/reference.gpkg" ] && [ -f "$work/input/practices.csv" ]; then return 0; fi
  if [ ! -d "$data/ons" ]; then
    echo "SKIP: no shared data at $data" >&2
    return 77
  fi
  echo "making the ${region:-national} workload and reference store in $work" >&2
  mkdir -p "$work"
  "$build/bench/pcnv-bench-workload" --data "$data" --out "$work/input" \
    ${region:+--region "$region"} >"$work/workload.log" || return 1
  "$build/bench/pcnv-bench-national" --workload "$work/input" \
    --build-reference "$work/reference.gpkg" 2>"$work/reference.log" || return 1
}

# start_server OUT_PREFIX SERVER_BINARY ARGS...: starts pcnv-server on a free port (--port 0)
# with its stdout in OUT_PREFIX.out and its log in OUT_PREFIX.log, and waits (up to 60 s) until it
# listens and has loaded its reference. Sets server_pid and server_port; returns 1 if it did not
# start.
start_server() {
  local prefix=$1 binary=$2
  shift 2
  "$binary" --port 0 "$@" >"$prefix.out" 2>"$prefix.log" &
  server_pid=$!
  server_port=""
  for _ in $(seq 1 600); do
    server_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$prefix.out")
    if [ -n "$server_port" ] && grep -q "loaded" "$prefix.log"; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "pcnv-server did not start; the end of $prefix.log:" >&2
  tail -n 5 "$prefix.log" >&2
  return 1
}

# rss_kib PID: the resident set of a process in KiB (empty once it is gone).
rss_kib() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }

# load_field LINE NAME: a field of pcnv-bench-load's machine-readable `load N=...` line.
load_field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
