//! Where the unit tests find MaxMind's test databases, which `scripts/setup` caches where
//! `scripts/lib.sh` says. (uap-core's suites are vendored: `enrich::uap_suites`.)

use std::path::PathBuf;

/// `scripts/lib.sh` read from Rust, shared with the end-to-end harness (`footfall_tests::tools`)
/// without depending on it.
#[path = "../../tests/src/tools/lib_sh.rs"]
#[allow(dead_code)]
mod lib_sh;

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
