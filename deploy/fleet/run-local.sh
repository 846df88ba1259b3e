#!/usr/bin/env bash
# A local pcnv fleet: N pcnv-server replicas on free loopback ports behind a real gRPC proxy
# (HAProxy or nginx from Debian, configured by deploy/lb/), for trying a fleet out and for its test
# (tests/fleet). Prints the proxy's port on stdout (that line only; everything else goes to stderr
# and to log files), runs until interrupted (Ctrl-C, SIGTERM) and then stops everything it started.
#
#   deploy/fleet/run-local.sh --replicas 3 --reference STORE [--lb haproxy|nginx]
#                             [--build build/default] [--state DIR] [-- PCNV-SERVER FLAGS...]
#
#   STORE        a reference store (pcnv reference build), or a published one:
#                /vsicurl/http://HOST/PATH/ref.gpkg (docs/DEPLOY.md)
#   --state DIR  where logs, generated proxy configuration and the replicas' facts go (default: a
#                temporary folder, removed at the end unless PCNV_FLEET_KEEP=1). One file per
#                replica i: replica-i.pid, replica-i.ports ("GRPC_PORT METRICS_PORT"),
#                replica-i.log (stderr: call log); fleet.env (PROXY_PORT, STATS_PORT, LB).
#   after --      flags for every pcnv-server (e.g. --drain-seconds 2 --tokens-file F).
#
# Like a Kubernetes ReplicaSet, a replica that exits is started again on the same ports: a rolling
# restart is "SIGTERM replica i, wait until it is ready again, next" (tests/fleet does exactly
# that), and a reference roll-out is "publish the new store, SIGHUP replica by replica".
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
replicas=3
reference=""
lb=haproxy
build="$root/build/default"
state=""
server_flags=()

die() { echo "run-local: $*" >&2; exit 2; }
log() { echo "run-local: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) replicas=${2:?--replicas N}; shift 2 ;;
    --reference) reference=${2:?--reference STORE}; shift 2 ;;
    --lb) lb=${2:?--lb haproxy|nginx}; shift 2 ;;
    --build) build=${2:?--build DIR}; shift 2 ;;
    --state) state=${2:?--state DIR}; shift 2 ;;
    --) shift; server_flags=("$@"); break ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$reference" ] || die "--reference STORE is required (a file or /vsicurl/URL)"
[[ "$replicas" =~ ^[1-9][0-9]*$ ]] || die "--replicas: '$replicas' is not a whole number >= 1"
case "$lb" in haproxy|nginx) ;; *) die "--lb: '$lb' is not haproxy or nginx" ;; esac
server="$build/server/pcnv-server"
[ -x "$server" ] || die "no $server: build first (bash deploy/build.sh)"
command -v "$lb" >/dev/null 2>&1 || command -v "/usr/sbin/$lb" >/dev/null 2>&1 \
  || die "$lb is not installed: bash deploy/install-deps.sh"
lb_bin=$(command -v "$lb" || echo "/usr/sbin/$lb")
if [[ "$reference" != /vsi* ]]; then
  [ -f "$reference" ] || die "--reference: $reference: no such file"
  reference=$(cd "$(dirname "$reference")" && pwd)/$(basename "$reference")
fi

remove_state=0
if [ -z "$state" ]; then
  state=$(mktemp -d -t pcnv-fleet.XXXXXX)
  [ "${PCNV_FLEET_KEEP:-0}" = 1 ] || remove_state=1
fi
mkdir -p "$state"
state=$(cd "$state" && pwd)
rm -f "$state/stopping" "$state"/replica-*.{pid,ports,out}
log "state and logs in $state"

# A TCP port nothing listens on or uses now (from /proc/net/tcp{,6}), in the range Linux does
# not hand out as ephemeral ports by default.
free_port() {
  local port hex
  while :; do
    port=$((20000 + RANDOM % 12000))
    hex=$(printf '%04X' "$port")
    awk -v p=":$hex" 'NR > 1 && (substr($2, length($2) - 4) == p || substr($3, length($3) - 4) == p) {found = 1}
                      END {exit !found}' /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
  done
  echo "$port"
}

# GET http://127.0.0.1:PORT/PATH over bash's /dev/tcp; prints the status line's code, or nothing.
http_status() {
  local port=$1 path=$2 line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.0\r\n\r\n' "$path" >&3
  IFS= read -r -t 5 line <&3 || true
  exec 3<&- 3>&-
  echo "$line" | awk '{print $2}'
}

# One replica, kept running: started, and started again on the same ports whenever it exits,
# until the fleet stops. Runs in the background.
supervise() {
  local i=$1 port=0 metrics=0 pid rc line
  while [ ! -e "$state/stopping" ]; do
    : >"$state/replica-$i.out"
    "$server" --reference "$reference" --host 127.0.0.1 --port "$port" \
      --metrics-host 127.0.0.1 --metrics-port "$metrics" "${server_flags[@]}" \
      >"$state/replica-$i.out" 2>>"$state/replica-$i.log" &
    pid=$!
    echo "$pid" >"$state/replica-$i.pid"
    if [ "$port" = 0 ]; then
      # First start: the ports the server picked are this replica's for good (the proxy's
      # configuration names them).
      for _ in $(seq 1 300); do
        line=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$state/replica-$i.out")
        [ -n "$line" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      port=$line
      metrics=$(sed -n 's/.*metrics on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$state/replica-$i.out")
      if [ -z "$port" ] || [ -z "$metrics" ]; then
        log "replica $i did not start; its log:"
        tail -n 20 "$state/replica-$i.log" >&2
        touch "$state/replica-$i.failed"
        return 1
      fi
      echo "$port $metrics" >"$state/replica-$i.ports"
    fi
    rc=0
    wait "$pid" || rc=$?
    [ -e "$state/stopping" ] && break
    log "replica $i (pid $pid) exited with status $rc; starting it again on port $port"
  done
}

proxy_pid=""
cleanup() {
  trap - EXIT INT TERM
  touch "$state/stopping"
  [ -n "$proxy_pid" ] && kill -TERM "$proxy_pid" 2>/dev/null || true
  local pids=()
  for f in "$state"/replica-*.pid; do
    [ -e "$f" ] && pids+=("$(cat "$f")")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    sleep 0.3
    kill -TERM "${pids[@]}" 2>/dev/null || true  # a second SIGTERM ends the drain period
  fi
  wait 2>/dev/null || true
  if [ "$remove_state" = 1 ]; then rm -rf "$state"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for i in $(seq 1 "$replicas"); do
  supervise "$i" &
done

# Every replica bound its ports and reports SERVING (/ready) before the proxy starts.
for i in $(seq 1 "$replicas"); do
  ready=""
  for _ in $(seq 1 600); do
    [ -e "$state/replica-$i.failed" ] && die "replica $i failed to start (log: $state/replica-$i.log)"
    if [ -s "$state/replica-$i.ports" ]; then
      read -r _ metrics <"$state/replica-$i.ports"
      [ "$(http_status "$metrics" /ready)" = 200 ] && { ready=1; break; }
    fi
    sleep 0.1
  done
  [ -n "$ready" ] || die "replica $i is not SERVING after 60 s (log: $state/replica-$i.log)"
done
log "$replicas replicas SERVING"

# The proxy, from the checked-in configuration with only the marked lines replaced.
proxy_port=$(free_port)
stats_port=""
servers=""
for i in $(seq 1 "$replicas"); do
  read -r port metrics <"$state/replica-$i.ports"
  if [ "$lb" = haproxy ]; then
    servers+="    server r$i 127.0.0.1:$port check port $metrics"$'\n'
  else
    servers+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
  fi
done
# Replaces the lines between "# BEGIN name" and "# END name" with $2.
render() {
  awk -v name="$1" -v text="$2" '
    $0 ~ "# BEGIN " name "$" { print; printf "%s", text; skip = 1; next }
    $0 ~ "# END " name "$" { skip = 0 }
    !skip { print }'
}
if [ "$lb" = haproxy ]; then
  stats_port=$(free_port)
  render servers "$servers" <"$root/deploy/lb/haproxy.cfg" >"$state/haproxy.cfg"
  PCNV_LB_BIND="127.0.0.1:$proxy_port" PCNV_LB_STATS_BIND="127.0.0.1:$stats_port" \
    "$lb_bin" -db -f "$state/haproxy.cfg" >>"$state/haproxy.log" 2>&1 &
  proxy_pid=$!
else
  mkdir -p "$state/nginx"
  render servers "$servers" <"$root/deploy/lb/nginx.conf" \
    | render listen "        listen 127.0.0.1:$proxy_port http2;"$'\n' >"$state/nginx/nginx.conf"
  nginx_globals="daemon off;"
  [ "$(id -u)" -eq 0 ] && nginx_globals+=" user root;"  # workers must reach the state folder
  "$lb_bin" -p "$state/nginx" -c "$state/nginx/nginx.conf" -e stderr -g "$nginx_globals" \
    >>"$state/nginx.log" 2>&1 &
  proxy_pid=$!
fi
{
  echo "PROXY_PORT=$proxy_port"
  echo "STATS_PORT=$stats_port"
  echo "LB=$lb"
} >"$state/fleet.env"

# The proxy is up when its port accepts connections (and, for HAProxy, sees every replica UP).
up=""
for _ in $(seq 1 100); do
  kill -0 "$proxy_pid" 2>/dev/null || die "$lb exited at start (log: $state/$lb.log): $(tail -n 5 "$state/$lb.log")"
  if { exec 3<>"/dev/tcp/127.0.0.1/$proxy_port"; } 2>/dev/null; then
    exec 3<&- 3>&-
    if [ "$lb" != haproxy ]; then up=1; break; fi
    csv=$({ exec 3<>"/dev/tcp/127.0.0.1/$stats_port" && printf 'GET /stats;csv HTTP/1.0\r\n\r\n' >&3 \
      && cat <&3; exec 3<&-; } 2>/dev/null || true)
    [ "$(echo "$csv" | awk -F, '$1 == "pcnv" && $2 ~ /^r[0-9]+$/ && $18 == "UP"' | wc -l)" \
      -eq "$replicas" ] && { up=1; break; }
  fi
  sleep 0.1
done
[ -n "$up" ] || die "$lb did not come up on port $proxy_port (log: $state/$lb.log)"
log "$lb on 127.0.0.1:$proxy_port in front of $replicas replicas${stats_port:+ (stats: http://127.0.0.1:$stats_port/stats)}"
echo "$proxy_port"

# Until interrupted, or until the proxy dies.
wait "$proxy_pid" || true
log "$lb exited; stopping the fleet"
exit 1
