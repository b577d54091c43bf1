//! Where the unit tests find uap-core's test suites (in the `ua-parser` crate package); MaxMind's
//! test databases come from the harness (`footfall_tests::tools`).

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
