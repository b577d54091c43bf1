//! Where the unit tests find their data: uap-core's test suites, vendored next to the bundled
//! rules, and MaxMind's test databases, which `scripts/setup` caches where `scripts/lib.sh` says.

use std::path::PathBuf;

/// `scripts/lib.sh` read from Rust, shared with the end-to-end harness (`footfall_tests::tools`)
/// without depending on it.
#[path = "../../tests/src/tools/lib_sh.rs"]
#[allow(dead_code)]
mod lib_sh;

/// uap-core's test suites (`tests/test_{ua,os,device}.yaml`), from the same uap-core snapshot as
/// the bundled rules (`data/uap-core-regexes.yaml`); see `data/uap-core/README.md`. Replace both
/// together.
pub const UAP_CORE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/uap-core");

/// The directory that holds uap-core's `tests/`.
pub fn uap_core_dir() -> PathBuf {
    PathBuf::from(UAP_CORE_DIR)
}

/// MaxMind's GeoIP2 City test database (its `source-data/GeoIP2-City-Test.json` says what each
/// address holds): under `GEOIP_TEST_DATA` as `. scripts/lib.sh` exports it, or else where
/// `scripts/lib.sh` puts it for this environment.
pub fn geoip_city_test_db() -> PathBuf {
    let path = lib_sh::path("GEOIP_TEST_DATA").join("test-data/GeoIP2-City-Test.mmdb");
    assert!(
        path.exists(),
        "MaxMind's test database not found at {} — run scripts/setup, which caches it \
         (GEOIP_TEST_DATA, as `. scripts/lib.sh` exports it, says where to look instead)",
        path.display()
    );
    path
}
