//! What the processor's integration tests share: the stand-ins (started once per test binary),
//! the environment the processor binary runs with, and running it.

#![allow(dead_code)] // each test binary uses its own part

use footfall_tests::bigquery::{BigQuery, PROJECT};
use footfall_tests::kinesalite::Kinesalite;
use footfall_tests::moto::Moto;
use footfall_tests::tools::{geoip_city_test_db, processor_binary};
use std::process::Command;
use std::sync::OnceLock;

pub struct StandIns {
    pub moto: Moto,
    pub bigquery: BigQuery,
    pub kinesalite: Kinesalite,
}

pub fn stand_ins() -> &'static StandIns {
    static STAND_INS: OnceLock<StandIns> = OnceLock::new();
    STAND_INS.get_or_init(|| StandIns {
        moto: Moto::start(),
        bigquery: BigQuery::start(),
        kinesalite: Kinesalite::start(),
    })
}

/// Environment for the processor binary: every sink on the stand-ins, one dataset and bucket
/// per test so tests do not see each other's data.
pub fn env(name: &str, s3: &str, bigquery: &str) -> Vec<(String, String)> {
    [
        ("AWS_ENDPOINT_URL", s3),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        (
            "FOOTFALL_BUCKET",
            &format!("footfall-{}", name.replace('_', "-")),
        ),
        ("FOOTFALL_BIGQUERY_PROJECT", PROJECT),
        ("FOOTFALL_BIGQUERY_DATASET", name),
        ("FOOTFALL_BIGQUERY_ENDPOINT", bigquery),
        ("FOOTFALL_GEOIP_DB", geoip_city_test_db().to_str().unwrap()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

pub fn processor(env: &[(String, String)], args: &[&str]) -> std::process::Output {
    let output = Command::new(processor_binary())
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("the processor binary runs");
    assert!(
        output.status.success(),
        "footfall-processor {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs `setup` for a test's bucket and dataset and returns its environment.
pub fn set_up(name: &str) -> Vec<(String, String)> {
    let s = stand_ins();
    let env = env(name, &s.moto.endpoint(), &s.bigquery.endpoint());
    processor(&env, &["setup"]);
    processor(&env, &["setup"]); // idempotent
    env
}

pub fn value(env: &[(String, String)], key: &str) -> String {
    env.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap()
}
