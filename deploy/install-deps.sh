#!/usr/bin/env bash
# Installs every Debian 12 package pcnv needs to build, test and run its demo.
# Idempotent: installs only what is missing, and runs `apt-get update` at most once.
# Must run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libgeos-dev libgdal-dev gdal-bin libproj-dev
  libabsl-dev nlohmann-json3-dev libssl-dev libcli11-dev libcsv-dev
  # pcnv-server's HTTP listeners (server/http_gateway.h, its metrics) and metrics registry; the
  # tests call the HTTP/JSON API with curl too
  libcpp-httplib-dev prometheus-cpp-dev curl
  # the web page's map (clients/web), compiled into pcnv-server
  libjs-leaflet
  # pcnv-server and pcnv allocate through tcmalloc (CMakeLists.txt, pcnv_use_tcmalloc)
  libgoogle-perftools-dev
  libgtest-dev libgmock-dev
  # .ci/lint: formatting and the curated clang-tidy checks (Debian 12: version 14)
  clang-format clang-tidy
  # fuzz/: the fuzz preset compiles with clang-14; libFuzzer and the sanitizer runtimes
  clang-14 libclang-rt-14-dev
  libxml2-utils python3-jsonschema chromium
  # tests/server: TLS and mTLS tests make their certificates with the openssl command
  openssl
  # clients/python: the Python client and its tests (run with /usr/bin/python3), its package
  # installed by pip into a virtual environment, and its geometries as shapely objects
  python3-grpcio python3-protobuf python3-venv python3-pip python3-shapely
  # bench/: the national benchmark's peers (PostGIS, geopandas) and its timer
  postgresql-15 postgresql-15-postgis-3 python3-geopandas python3-rtree time libbenchmark-dev
  # (the geopandas peer reads the GeoPackages through GDAL's Arrow reader: python3-gdal)
  python3-gdal
  # bench/reliability: the soak run's plot (docs/RELIABILITY.md)
  python3-matplotlib
  # deploy/: the gRPC proxies of deploy/lb (run by deploy/fleet/run-local.sh and its test), and
  # what tests/deploy checks the deployment files with: systemd-analyze (the unit), promtool
  # (the alert rules), PyYAML, and Node.js for the Kubernetes schema check (its npm packages are
  # pinned in tests/deploy/k8s-schema/package-lock.json and installed by the test's setup)
  haproxy nginx-light systemd prometheus python3-yaml nodejs
  # bench/reliability/chaos.sh reads the server's metrics endpoint
  curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# npm: Debian's package, unless an npm is already there (NodeSource's nodejs carries its own and
# conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
