//! Where the tools and build outputs the tests run are found. `scripts/test` installs and builds
//! them and exports these variables; the defaults match `scripts/tools.env`.

use std::path::PathBuf;

fn cache() -> PathBuf {
    std::env::var_os("FOOTFALL_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME or FOOTFALL_CACHE must be set");
            PathBuf::from(home).join(".cache/footfall")
        })
}

fn existing(path: PathBuf, what: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{what} not found at {} — run scripts/setup (or scripts/test)",
        path.display()
    );
    path
}

/// The path in environment variable `var` (as `scripts/tools.env` exports it), or else where
/// `scripts/setup` caches it; it must exist.
fn tool(var: &str, in_cache: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| cache().join(in_cache));
    existing(path, what)
}

/// The npm packages `scripts/setup` installs (pinned in `scripts/tools.env`).
const NPM: &str = "npm-fastly-16.1.0-kinesalite-3.3.3/node_modules";

/// The Viceroy binary.
pub fn viceroy() -> PathBuf {
    tool("VICEROY", "viceroy-0.22.0/bin/viceroy", "Viceroy")
}

/// The Fastly CLI (`fastly`), from the npm package `@fastly/cli`.
pub fn fastly_cli() -> PathBuf {
    tool("FASTLY", &format!("{NPM}/.bin/fastly"), "the Fastly CLI")
}

/// Where the Fastly CLI keeps its state (out of `$HOME`).
pub fn fastly_config_home() -> PathBuf {
    cache().join("fastly-config")
}

/// The kinesalite package directory.
pub fn kinesalite_dir() -> PathBuf {
    tool("KINESALITE_DIR", &format!("{NPM}/kinesalite"), "kinesalite")
}

/// moto's S3 server, from the venv `scripts/setup` makes.
pub fn moto_server() -> PathBuf {
    tool(
        "MOTO_SERVER",
        "venv-moto-5.2.5-bqemulator-1.4.0/bin/moto_server",
        "moto_server",
    )
}

/// The Python that has bqemulator installed.
pub fn bqemulator_python() -> PathBuf {
    tool(
        "BQEMULATOR_PYTHON",
        "venv-moto-5.2.5-bqemulator-1.4.0/bin/python",
        "bqemulator's Python",
    )
}

/// MaxMind's GeoIP2 City test database, from the data `scripts/setup` caches (its
/// `source-data/GeoIP2-City-Test.json` says what each address holds).
pub fn geoip_city_test_db() -> PathBuf {
    let dir = tool(
        "GEOIP_TEST_DATA",
        "maxminddb-3.2.0-test-data",
        "MaxMind's test databases",
    );
    existing(
        dir.join("test-data/GeoIP2-City-Test.mmdb"),
        "GeoIP2-City-Test.mmdb",
    )
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The edge's release wasm, as `fastly compute build` (or `scripts/test`) builds it.
pub fn edge_wasm() -> PathBuf {
    let path = std::env::var_os("FOOTFALL_EDGE_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace().join("target"));
            target.join("wasm32-wasip1/release/footfall-edge.wasm")
        });
    existing(
        path,
        "the edge wasm (cargo build -p footfall-edge --release --target wasm32-wasip1)",
    )
}
