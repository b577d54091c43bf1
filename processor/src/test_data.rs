//! Where the tests find real data that is not bundled: uap-core's test suites (in the
//! `ua-parser` crate package) and MaxMind's test databases (installed by `scripts/setup`).

use std::path::PathBuf;

/// uap-core's directory inside the `ua-parser` 0.2.2 crate package (`UAP_CORE_DIR` overrides).
pub fn uap_core_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("UAP_CORE_DIR") {
        return PathBuf::from(dir);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cargo"));
    let registries =
        std::fs::read_dir(cargo_home.join("registry/src")).expect("cargo's registry sources");
    registries
        .filter_map(Result::ok)
        .map(|registry| registry.path().join("ua-parser-0.2.2/uap-core"))
        .find(|dir| dir.join("tests/test_ua.yaml").exists())
        .expect(
            "uap-core test suites: the ua-parser 0.2.2 crate package (cargo fetch) or UAP_CORE_DIR",
        )
}

/// MaxMind's test data: `test-data/*.mmdb` and `source-data/*.json` (`GEOIP_TEST_DATA` overrides).
pub fn geoip_test_data() -> PathBuf {
    let dir = std::env::var_os("GEOIP_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = PathBuf::from(std::env::var_os("HOME").expect("HOME"));
            home.join(".cache/footfall/maxminddb-3.2.0-test-data")
        });
    assert!(
        dir.join("test-data/GeoIP2-City-Test.mmdb").exists(),
        "MaxMind test databases not found in {} — run scripts/setup",
        dir.display()
    );
    dir
}
