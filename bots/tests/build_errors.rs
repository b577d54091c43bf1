//! The build script's readers on malformed data: each refusal names the entry at fault and
//! why (the build prints it after the file's path and fails). The readers are the build
//! script's own files, compiled here as modules.

#[allow(dead_code)]
#[path = "../src/cidr.rs"]
mod cidr;
#[path = "../build/creation_time.rs"]
mod creation_time;
#[allow(dead_code)]
#[path = "../build/operators_file.rs"]
mod operators_file;
#[allow(dead_code)]
#[path = "../build/range_file.rs"]
mod range_file;

use creation_time::unix_seconds;
use operators_file::parse_operators;
use range_file::parse_range_list;

fn range_error(text: &str) -> String {
    parse_range_list(text).unwrap_err()
}

fn list(prefixes: &str) -> String {
    format!(r#"{{"creationTime": "2026-08-20T14:46:45.000000", "prefixes": [{prefixes}]}}"#)
}

#[test]
fn a_good_list_is_read_with_host_bits_masked() {
    let read = parse_range_list(&list(
        r#"{"ipv4Prefix": "66.249.64.7/27"}, {"ipv6Prefix": "2001:4860:4801:10::/64", "note": "ignored"}"#,
    ))
    .unwrap();
    assert_eq!(read.creation_time, "2026-08-20T14:46:45.000000");
    assert_eq!(read.created_unix_secs, 1_787_237_205);
    assert_eq!(read.ipv4, [(0x42f9_4000, 0x42f9_401f)]);
    assert_eq!(
        read.ipv6,
        [(
            0x2001_4860_4801_0010_u128 << 64,
            (0x2001_4860_4801_0010_u128 << 64) | u128::from(u64::MAX)
        )]
    );
}

#[test]
fn a_malformed_list_says_where_and_why() {
    assert!(
        range_error("{").starts_with("not JSON: EOF while parsing an object at line 1 column 1")
    );
    assert_eq!(
        range_error("[]"),
        "not a JSON object with `creationTime` and `prefixes`"
    );
    assert_eq!(range_error(r#"{"prefixes": []}"#), "no `creationTime`");
    assert_eq!(
        range_error(r#"{"creationTime": 5, "prefixes": []}"#),
        "`creationTime` is not a string"
    );
    assert_eq!(
        range_error(r#"{"creationTime": "2026-08-20T14:46:45", "prefixes": {}}"#),
        "`prefixes` is not an array"
    );
    assert_eq!(
        range_error(&list("")),
        "`prefixes` is empty: every crawler of this operator would look spoofed"
    );
    assert_eq!(
        range_error(&list(r#""1.2.3.0/24""#)),
        r#"prefixes[0]: "1.2.3.0/24" is not an object"#
    );
    assert_eq!(
        range_error(&list(
            r#"{"ipv4Prefix": "1.2.3.0/24"}, {"ipPrefix": "1.2.4.0/24"}"#
        )),
        "prefixes[1]: has neither `ipv4Prefix` nor `ipv6Prefix`"
    );
    assert_eq!(
        range_error(&list(
            r#"{"ipv4Prefix": "1.2.3.0/24", "ipv6Prefix": "::/0"}"#
        )),
        "prefixes[0]: has both `ipv4Prefix` and `ipv6Prefix`"
    );
    assert_eq!(
        range_error(&list(r#"{"ipv4Prefix": 7}"#)),
        "prefixes[0]: `ipv4Prefix` 7 is not a string"
    );
    assert_eq!(
        range_error(&list(r#"{"ipv4Prefix": "1.2.3.0/33"}"#)),
        r#"prefixes[0]: `ipv4Prefix` "1.2.3.0/33": prefix length 33 is longer than an IPv4 address (32 bits)"#
    );
    assert_eq!(
        range_error(&list(r#"{"ipv6Prefix": "2001:db8::/129"}"#)),
        r#"prefixes[0]: `ipv6Prefix` "2001:db8::/129": prefix length 129 is longer than an IPv6 address (128 bits)"#
    );
    assert_eq!(
        range_error(&list(r#"{"ipv4Prefix": "1.2.3/24"}"#)),
        r#"prefixes[0]: `ipv4Prefix` "1.2.3/24": not an IPv4 or IPv6 address before the `/`"#
    );
    assert_eq!(
        range_error(&list(r#"{"ipv4Prefix": "1.2.3.0"}"#)),
        r#"prefixes[0]: `ipv4Prefix` "1.2.3.0": no `/` and prefix length (write e.g. 192.0.2.0/24)"#
    );
    assert_eq!(
        range_error(&list(r#"{"ipv4Prefix": "2001:db8::/32"}"#)),
        r#"prefixes[0]: `ipv4Prefix` "2001:db8::/32" is an address of the other family"#
    );
}

#[test]
fn creation_times_are_read_as_utc_or_refused() {
    assert_eq!(unix_seconds("1970-01-01T00:00:00"), Ok(0));
    assert_eq!(
        unix_seconds("2026-08-20T14:46:45.000000"),
        Ok(1_787_237_205)
    );
    assert_eq!(unix_seconds("2026-08-20T14:46:45Z"), Ok(1_787_237_205));
    assert_eq!(
        unix_seconds("2026-08-20T14:46:45.5+00:00"),
        Ok(1_787_237_205)
    );
    assert_eq!(unix_seconds("2024-02-29T00:00:00"), Ok(1_709_164_800));
    assert_eq!(unix_seconds("1969-12-31T23:59:59"), Ok(-1));
    for (text, why) in [
        ("2026-08-20", "no `T` between date and time"),
        ("2026-8-20T14:46:45", "bad date"),
        ("2026-08-20T14:46", "bad time of day"),
        ("2026-08-20T14:46:45+02:00", "bad time of day"),
        (
            "2026-08-20T14:46:45.",
            "the fraction of a second is not digits",
        ),
        ("2025-02-29T00:00:00", "no such day"),
        ("2026-13-01T00:00:00", "no such day"),
        ("2026-08-20T24:00:00", "no such time of day"),
    ] {
        assert_eq!(
            unix_seconds(text),
            Err(format!(
                "creationTime {text:?} is not YYYY-MM-DDTHH:MM:SS[.fraction][Z|+00:00] ({why})"
            )),
            "{text}"
        );
    }
}

fn operators_error(text: &str) -> String {
    parse_operators(text).unwrap_err()
}

fn operators(entries: &str) -> String {
    format!(r#"{{"operators": [{entries}]}}"#)
}

#[test]
fn the_bundled_operators_file_is_read() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/operators.json"))
        .unwrap();
    let read = parse_operators(&text).unwrap();
    let google = &read[0];
    assert_eq!(google.name, "Google");
    let bundled: Vec<&str> = google
        .ranges
        .iter()
        .filter_map(|r| r.bundled.as_deref())
        .collect();
    assert_eq!(
        bundled,
        [
            "ranges/google-googlebot.json",
            "ranges/google-googlesc.json",
            "ranges/google-googleutf.json"
        ]
    );
    assert!(read[1..]
        .iter()
        .all(|operator| operator.ranges.iter().all(|r| r.bundled.is_none())));
}

#[test]
fn a_malformed_operators_file_says_where_and_why() {
    assert!(operators_error("").starts_with("not JSON: "));
    assert_eq!(
        operators_error(r#"{"operator": []}"#),
        r#"the file: unknown key "operator" (known: about, operators)"#
    );
    assert_eq!(operators_error("{}"), "no `operators` array");
    assert_eq!(operators_error(&operators("")), "`operators` is empty");
    assert_eq!(
        operators_error(&operators(
            r#"{"name": "A", "tokens": ["ABot"], "ranges": [], "token": []}"#
        )),
        r#"operators[0]: unknown key "token" (known: name, tokens, ranges, note)"#
    );
    assert_eq!(
        operators_error(&operators(r#"{"tokens": ["ABot"], "ranges": []}"#)),
        "operators[0]: `name` is missing or not a string"
    );
    assert_eq!(
        operators_error(&operators(
            r#"{"name": "A=B", "tokens": ["ABot"], "ranges": []}"#
        )),
        r#"operator "A=B": a name must be non-empty, without surrounding spaces, `=`, `;` or `,` (extra_bot_ranges names operators)"#
    );
    assert_eq!(
        operators_error(&operators(
            r#"{"name": "A", "tokens": ["ABot"], "ranges": []}, {"name": "a", "tokens": ["BBot"], "ranges": []}"#
        )),
        r#"operator "a": named twice (also "A")"#
    );
    assert_eq!(
        operators_error(&operators(r#"{"name": "A", "tokens": [], "ranges": []}"#)),
        r#"operator "A": no tokens"#
    );
    assert_eq!(
        operators_error(&operators(
            r#"{"name": "A", "tokens": ["A Bot"], "ranges": []}"#
        )),
        r#"operator "A": token "A Bot" is not 1 to 63 letters, digits, `-` or `_`"#
    );
    assert_eq!(
        operators_error(&operators(
            r#"{"name": "A", "tokens": ["ABot"], "ranges": []}, {"name": "B", "tokens": ["abot"], "ranges": []}"#
        )),
        r#"operator "B": token "abot" is also listed for "A""#
    );
    assert_eq!(
        operators_error(&operators(r#"{"name": "A", "tokens": ["ABot"]}"#)),
        r#"operator "A": no `ranges` array (write [] if it publishes none)"#
    );
    assert_eq!(
        operators_error(&operators(
            r#"{"name": "A", "tokens": ["ABot"], "ranges": [{"url": "http://a.example/a.json"}]}"#
        )),
        r#"operator "A": ranges[0]: url "http://a.example/a.json" is not https://"#
    );
    assert_eq!(
        operators_error(&operators(
            r#"{"name": "A", "tokens": ["ABot"], "ranges": [{"url": "https://a.example/a.json", "bundled": 1}]}"#
        )),
        r#"operator "A": ranges[0]: `bundled` is missing or not a string"#
    );
}
