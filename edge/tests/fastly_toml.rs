//! fastly.toml against the code: `fastly compute publish` ([setup]) and `fastly compute serve`
//! ([local_server]) must create every config store key the edge reads, with the defaults the
//! code would use anyway, so a new service starts complete and a local run matches it.

use footfall_edge::config::{Config, CONFIG_STORE, KEYS};
use std::collections::BTreeMap;

/// Read on Fastly never: local runs only (see `clock`).
const LOCAL_ONLY: &[&str] = &["simulated_clock"];
/// What only the operator knows; everything else in [setup] is the code's default.
const OPERATORS: &[&str] = &["kinesis_stream", "kinesis_region"];
/// Unset by default. Not in [setup]: the Fastly CLI stores an item with an empty value as the
/// word "example" (a cookie domain of "example", tracking only the host "example", ...).
const UNSET_BY_DEFAULT: &[&str] = &[
    "kinesis_host",
    "consent_cookie",
    "consent_value",
    "cookie_domain",
    "track_hosts",
    "exclude_paths",
    "asset_extensions",
    "extra_bot_ranges",
];

fn manifest() -> toml::Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fastly.toml");
    std::fs::read_to_string(path).unwrap().parse().unwrap()
}

fn table<'a>(value: &'a toml::Table, path: &[&str]) -> &'a toml::Table {
    path.iter().fold(value, |table, key| {
        table[*key]
            .as_table()
            .unwrap_or_else(|| panic!("fastly.toml has no [{}]", path.join(".")))
    })
}

/// The config store's entries under `path`, key → value, each value read by `value`.
fn entries(path: &[&str], value: fn(&toml::Value) -> Option<&str>) -> BTreeMap<String, String> {
    let manifest = manifest();
    table(&manifest, path)
        .iter()
        .map(|(key, entry)| {
            let text = value(entry).unwrap_or_else(|| panic!("{key} has no text value"));
            (key.clone(), text.to_string())
        })
        .collect()
}

/// The [setup] config store items (each a table with a `value`), key → value.
fn setup_items() -> BTreeMap<String, String> {
    entries(&["setup", "config_stores", CONFIG_STORE, "items"], |item| {
        item.get("value")?.as_str()
    })
}

/// The [local_server] config store contents, key → value.
fn local_items() -> BTreeMap<String, String> {
    entries(
        &["local_server", "config_stores", CONFIG_STORE, "contents"],
        toml::Value::as_str,
    )
}

fn keys_except(skip: &[&str]) -> Vec<String> {
    KEYS.iter()
        .filter(|k| !skip.contains(k))
        .map(|k| k.to_string())
        .collect()
}

#[test]
fn setup_creates_every_key_that_has_a_value_by_default() {
    let setup = setup_items();
    let mut expected = keys_except(&[LOCAL_ONLY, UNSET_BY_DEFAULT].concat());
    expected.sort();
    assert_eq!(setup.keys().cloned().collect::<Vec<_>>(), expected);
    for (key, value) in &setup {
        assert!(!value.is_empty(), "{key}: the CLI would store \"example\"");
    }
}

#[test]
fn keys_left_out_of_setup_really_are_unset_by_default() {
    let (defaults, _) = Config::load(|_| None);
    let (empty, _) = Config::load(|key| UNSET_BY_DEFAULT.contains(&key).then(String::new));
    assert_eq!(empty, defaults, "an empty value means the default");
}

#[test]
fn setup_values_are_the_codes_defaults_except_the_operators_own() {
    let setup = setup_items();
    let (from_setup, problems) = Config::load(|key| setup.get(key).cloned());
    assert_eq!(problems, vec![], "[setup] loads without a problem");
    let (defaults, _) = Config::load(|key| OPERATORS.contains(&key).then(|| setup[key].clone()));
    assert_eq!(from_setup, defaults);
}

#[test]
fn local_server_sets_every_key_and_loads_without_problems() {
    let local = local_items();
    let mut expected = keys_except(&[]);
    expected.sort();
    assert_eq!(local.keys().cloned().collect::<Vec<_>>(), expected);
    let (config, problems) = Config::load(|key| local.get(key).cloned());
    assert_eq!(problems, vec![]);
    assert!(
        config.simulated_clock,
        "local runs may replay days of visits"
    );
}

#[test]
fn both_sides_have_the_secrets_and_backends_the_edge_uses() {
    use footfall_edge::config::{KINESIS_BACKEND, ORIGIN_BACKEND, SECRET_STORE};
    use footfall_edge::kinesis::{ACCESS_KEY_ID, SECRET_ACCESS_KEY};
    let manifest = manifest();
    let setup_secrets: Vec<&String> = table(
        &manifest,
        &["setup", "secret_stores", SECRET_STORE, "entries"],
    )
    .keys()
    .collect();
    assert_eq!(setup_secrets, [ACCESS_KEY_ID, SECRET_ACCESS_KEY]);
    let local_secrets: Vec<&str> = manifest["local_server"]["secret_stores"][SECRET_STORE]
        .as_array()
        .expect("[[local_server.secret_stores.footfall_secrets]]")
        .iter()
        .map(|entry| entry["key"].as_str().unwrap())
        .collect();
    assert_eq!(local_secrets, [ACCESS_KEY_ID, SECRET_ACCESS_KEY]);
    for side in ["setup", "local_server"] {
        let backends = table(&manifest, &[side, "backends"]);
        for backend in [ORIGIN_BACKEND, KINESIS_BACKEND] {
            assert!(
                backends.contains_key(backend),
                "[{side}.backends.{backend}]"
            );
        }
    }
}
