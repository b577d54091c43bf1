//! `scripts/update-ranges` on a copy of `data/`, fetching from a mirror this test serves on
//! 127.0.0.1 (`--mirror`: `https://host/path` is fetched as `MIRROR/host/path`): what it reports
//! per list, what it writes, that a second run writes nothing, and that what it writes is what the
//! build accepts (the build script's own readers, compiled here as modules as in
//! `build_errors.rs`).

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

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/update-ranges");
const WRITER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../scripts/local/bot_ranges.py"
);

const GOOGLE_COMMON: &str =
    "https://developers.google.com/static/crawling/ipranges/common-crawlers.json";
const GOOGLE_SPECIAL: &str =
    "https://developers.google.com/static/crawling/ipranges/special-crawlers.json";
const GOOGLE_FETCHERS: &str =
    "https://developers.google.com/static/crawling/ipranges/user-triggered-fetchers-google.json";
const BING: &str = "https://www.bing.com/toolbox/bingbot.json";
const GPTBOT: &str = "https://openai.com/gptbot.json";
const ANTHROPIC: &str = "https://claude.com/crawling/bots.json";
/// Every list operators.json names that has no bundled copy, with the file a refresh writes.
const UNBUNDLED: [(&str, &str); 7] = [
    (BING, "ranges/bing-bingbot.json"),
    (GPTBOT, "ranges/openai-gptbot.json"),
    (
        "https://openai.com/searchbot.json",
        "ranges/openai-searchbot.json",
    ),
    (
        "https://openai.com/chatgpt-user.json",
        "ranges/openai-chatgpt-user.json",
    ),
    (
        "https://www.perplexity.com/perplexitybot.json",
        "ranges/perplexity-perplexitybot.json",
    ),
    (
        "https://www.perplexity.com/perplexity-user.json",
        "ranges/perplexity-perplexity-user.json",
    ),
    (ANTHROPIC, "ranges/anthropic-bots.json"),
];

/// Serves `files` (by URL; fetched as `/host/path`) on 127.0.0.1, 404 for anything else, until
/// the test process ends. Returns the mirror's base URL.
fn serve(files: HashMap<&str, Vec<u8>>) -> String {
    let files: HashMap<String, Vec<u8>> = files
        .into_iter()
        .map(|(url, body)| (mirror_path(url), body))
        .collect();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            // One request per connection (urllib sends `Connection: close`); a broken one is
            // the client's problem, reported by the script.
            let _ = answer(stream, &files);
        }
    });
    base
}

fn mirror_path(url: &str) -> String {
    format!("/{}", url.strip_prefix("https://").unwrap())
}

fn answer(mut stream: TcpStream, files: &HashMap<String, Vec<u8>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("");
    let (status, body) = match files.get(path) {
        Some(body) => ("200 OK", body.as_slice()),
        None => ("404 Not Found", b"not found\n".as_slice()),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` (relative path, bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path.strip_prefix(root).unwrap().to_owned(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A copy of `data/` in a temporary directory.
fn data_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(DATA), dir.path());
    dir
}

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The report's lines for `url`: its `Operator  URL` line and the indented lines under it.
    fn block(&self, url: &str) -> String {
        let mut lines = self.stdout.lines();
        let header = lines
            .by_ref()
            .find(|line| !line.starts_with(' ') && line.ends_with(&format!("  {url}")))
            .unwrap_or_else(|| panic!("no report for {url}:\n{}", self.stdout));
        let mut block = header.to_owned();
        for line in lines.take_while(|line| line.starts_with(' ')) {
            block.push('\n');
            block.push_str(line);
        }
        block
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "success: {}\n--- stdout\n{}--- stderr\n{}",
            self.success, self.stdout, self.stderr
        )
    }
}

fn update_ranges(data: &Path, mirror: &str, extra: &[&str]) -> Run {
    let output = Command::new(SCRIPT)
        .arg("--data")
        .arg(data)
        .args(["--mirror", mirror])
        .args(extra)
        // The mirror is local: no proxy in between.
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .env("no_proxy", "127.0.0.1")
        .output()
        .unwrap();
    Run {
        success: output.status.success(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn bundled(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DATA).join("ranges").join(name)).unwrap()
}

/// `operators.json` read as the build reads it, and each bundled list it names read as the build
/// reads it: the build would accept the data.
fn build_accepts(data: &Path) -> Vec<(String, range_file::RangeList)> {
    let text = std::fs::read_to_string(data.join("operators.json")).unwrap();
    let operators = operators_file::parse_operators(&text).unwrap();
    operators
        .iter()
        .flat_map(|operator| &operator.ranges)
        .filter_map(|range| range.bundled.clone())
        .map(|file| {
            let text = std::fs::read_to_string(data.join(&file)).unwrap();
            let list = range_file::parse_range_list(&text)
                .unwrap_or_else(|why| panic!("{file}: the build would refuse it: {why}"));
            (file, list)
        })
        .collect()
}

fn operator<'a>(operators: &'a Value, name: &str) -> &'a Value {
    operators["operators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|operator| operator["name"] == name)
        .unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_refresh_reports_what_changed_keeps_failed_lists_and_a_second_run_writes_nothing() {
    // Google's special crawlers: one IPv4 prefix gone, one added, a newer creationTime.
    let mut special: Value = serde_json::from_slice(&bundled("google-googlesc.json")).unwrap();
    let prefixes = special["prefixes"].as_array_mut().unwrap();
    let at = prefixes
        .iter()
        .position(|p| p.get("ipv4Prefix").is_some())
        .unwrap();
    let removed = prefixes.remove(at)["ipv4Prefix"]
        .as_str()
        .unwrap()
        .to_owned();
    prefixes.push(json!({"ipv4Prefix": "192.0.2.0/24"}));
    special["creationTime"] = json!("2026-12-01T10:00:00.000000");
    let special = serde_json::to_vec_pretty(&special).unwrap();
    // OpenAI's GPTBot list, far older than 180 days.
    let gptbot = br#"{"creationTime": "2024-01-01T00:00:00.000000", "prefixes": [{"ipv4Prefix": "192.0.2.0/28"}, {"ipv6Prefix": "2001:db8::/64"}]}"#.to_vec();
    // Bing's, with a prefix the build refuses.
    let bing = br#"{"creationTime": "2026-08-20T14:46:45.000000", "prefixes": [{"ipv4Prefix": "157.55.39.0/24"}, {"ipv4Prefix": "157.55.39.0/33"}]}"#;
    let bing_reason = range_file::parse_range_list(std::str::from_utf8(bing).unwrap()).unwrap_err();
    let mirror = serve(HashMap::from([
        (GOOGLE_COMMON, bundled("google-googlebot.json")),
        (GOOGLE_SPECIAL, special.clone()),
        (GOOGLE_FETCHERS, bundled("google-googleutf.json")),
        (GPTBOT, gptbot.clone()),
        (BING, bing.to_vec()),
    ]));

    let data = data_copy();
    let before = snapshot(data.path());
    let first = update_ranges(data.path(), &mirror, &[]);

    // Bing failed, so the run did; the message names the URL and says what the build would.
    assert!(!first.success, "{first}");
    assert!(
        first.stderr.contains(&format!("{BING}: {bing_reason}")),
        "{bing_reason:?}\n{first}"
    );
    assert!(
        first.block(BING).contains(&format!(
            "error: {bing_reason}; not bundled, left as it was"
        )),
        "{first}"
    );
    // So did the lists the mirror has not got, by name.
    for (url, _) in &UNBUNDLED[2..] {
        assert!(
            first.stderr.contains(&format!("{url}: HTTP 404")),
            "{url}\n{first}"
        );
    }

    // The Google lists: two as before, one with exactly that prefix added and that one removed.
    assert!(first
        .block(GOOGLE_COMMON)
        .contains("unchanged: ranges/google-googlebot.json"));
    assert!(first
        .block(GOOGLE_FETCHERS)
        .contains("unchanged: ranges/google-googleutf.json"));
    let google = first.block(GOOGLE_SPECIAL);
    assert!(
        google.contains("changed: ranges/google-googlesc.json, +1 / -1 prefixes"),
        "{first}"
    );
    assert!(
        google.contains("creationTime 2026-08-20T14:46:21.000000 -> 2026-12-01T10:00:00.000000"),
        "{first}"
    );
    assert!(google.contains("\n  added: 192.0.2.0/24\n"), "{first}");
    assert!(
        google.contains(&format!("\n  removed: {removed}\n")),
        "{first}"
    );

    // OpenAI's list is new, stale, written as served and bundled.
    let openai = first.block(GPTBOT);
    assert!(
        openai.contains("new: ranges/openai-gptbot.json (creationTime 2024-01-01T00:00:00.000000, 1 IPv4 + 1 IPv6 prefixes)"),
        "{first}"
    );
    assert!(
        openai.contains("warning: creationTime 2024-01-01T00:00:00.000000 is ")
            && openai.contains(" days old, more than 180 (MAX_RANGE_AGE_DAYS)"),
        "{first}"
    );
    assert!(first.stderr.contains("3 file(s) written to"), "{first}");
    assert!(first.stderr.contains("fastly compute publish"), "{first}");
    assert!(first.stderr.contains("extra_bot_ranges"), "{first}");

    // On disk: exactly those three files differ, and operators.json by one line.
    let after = snapshot(data.path());
    let changed: Vec<&Path> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.as_path())
        .collect();
    assert_eq!(
        changed,
        [
            Path::new("operators.json"),
            Path::new("ranges/google-googlesc.json"),
            Path::new("ranges/openai-gptbot.json"),
        ]
    );
    assert_eq!(after[Path::new("ranges/google-googlesc.json")], special);
    assert_eq!(after[Path::new("ranges/openai-gptbot.json")], gptbot);
    let original = String::from_utf8(before[Path::new("operators.json")].clone()).unwrap();
    let written = String::from_utf8(after[Path::new("operators.json")].clone()).unwrap();
    assert_eq!(
        written,
        original.replacen(
            r#"{ "url": "https://openai.com/gptbot.json" },"#,
            r#"{ "url": "https://openai.com/gptbot.json", "bundled": "ranges/openai-gptbot.json" },"#,
            1
        )
    );
    let operators = read_json(&data.path().join("operators.json"));
    let original: Value = serde_json::from_str(&original).unwrap();
    assert_eq!(
        operator(&operators, "OpenAI")["ranges"][0]["bundled"],
        "ranges/openai-gptbot.json"
    );
    assert_eq!(operator(&operators, "Bing"), operator(&original, "Bing"));

    // The build takes it: the written list reads as served.
    let lists = build_accepts(data.path());
    let (_, gptbot_list) = lists
        .iter()
        .find(|(file, _)| file == "ranges/openai-gptbot.json")
        .unwrap();
    assert_eq!(gptbot_list.creation_time, "2024-01-01T00:00:00.000000");
    assert_eq!(gptbot_list.ipv4, [(0xc000_0200, 0xc000_020f)]);
    assert_eq!(gptbot_list.ipv6.len(), 1);
    assert_eq!(lists.len(), 4);

    // The same upstream again: every list that was written is unchanged, nothing is written.
    let second = update_ranges(data.path(), &mirror, &[]);
    assert!(!second.success, "{second}");
    for (url, file) in [
        (GOOGLE_COMMON, "google-googlebot.json"),
        (GOOGLE_SPECIAL, "google-googlesc.json"),
        (GOOGLE_FETCHERS, "google-googleutf.json"),
        (GPTBOT, "openai-gptbot.json"),
    ] {
        assert!(
            second
                .block(url)
                .contains(&format!("unchanged: ranges/{file} ")),
            "{url}\n{second}"
        );
    }
    assert!(second.block(GPTBOT).contains("warning: creationTime"));
    assert!(!second.stdout.contains("written"), "{second}");
    assert!(second.stderr.contains("nothing changed"), "{second}");
    assert!(
        snapshot(data.path()) == after,
        "the second run wrote\n{second}"
    );
}

#[test]
fn the_bundled_operators_file_is_written_back_byte_for_byte() {
    // The writer itself, on the file as committed.
    let output = Command::new("python3")
        .args([
            WRITER,
            "format-operators",
            &format!("{DATA}/operators.json"),
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let committed = std::fs::read(format!("{DATA}/operators.json")).unwrap();
    assert!(
        output.stdout == committed,
        "scripts/local/bot_ranges.py would reformat bots/data/operators.json:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // And a refresh from lists equal to the bundled ones changes nothing and would write nothing.
    let mirror = serve(HashMap::from([
        (GOOGLE_COMMON, bundled("google-googlebot.json")),
        (GOOGLE_SPECIAL, bundled("google-googlesc.json")),
        (GOOGLE_FETCHERS, bundled("google-googleutf.json")),
    ]));
    let data = data_copy();
    let before = snapshot(data.path());
    let run = update_ranges(data.path(), &mirror, &["--check"]);
    for url in [GOOGLE_COMMON, GOOGLE_SPECIAL, GOOGLE_FETCHERS] {
        assert!(run.block(url).contains("  unchanged: "), "{url}\n{run}");
    }
    assert!(!run.stdout.contains("would be"), "{run}");
    assert!(
        run.stderr
            .contains("--check: nothing written (0 file(s) would be)"),
        "{run}"
    );
    assert!(snapshot(data.path()) == before);
}

#[test]
fn check_writes_nothing_and_an_anthropic_list_in_another_format_is_skipped() {
    let list = |v4: &str, v6: &str| {
        format!(r#"{{"creationTime": "2026-12-01T00:00:00.000000", "prefixes": [{{"ipv4Prefix": "{v4}"}}, {{"ipv6Prefix": "{v6}"}}]}}"#).into_bytes()
    };
    let mut files = HashMap::from([
        (GOOGLE_COMMON, bundled("google-googlebot.json")),
        (GOOGLE_SPECIAL, bundled("google-googlesc.json")),
        (GOOGLE_FETCHERS, bundled("google-googleutf.json")),
        (
            ANTHROPIC,
            br#"{"crawlers": [{"name": "ClaudeBot", "ip_ranges": ["192.0.2.64/26"]}]}"#.to_vec(),
        ),
    ]);
    for (i, (url, _)) in UNBUNDLED[..6].iter().enumerate() {
        files.insert(
            url,
            list(
                &format!("198.51.100.{}/32", i),
                &format!("2001:db8:{i}::/48"),
            ),
        );
    }
    let mirror = serve(files);
    let data = data_copy();
    let before = snapshot(data.path());

    let check = update_ranges(data.path(), &mirror, &["--check"]);
    assert!(check.success, "{check}");
    assert!(
        check
            .block(ANTHROPIC)
            .contains("not in the standard format; skipped"),
        "{check}"
    );
    for (url, file) in &UNBUNDLED[..6] {
        let block = check.block(url);
        assert!(block.contains(&format!("new: {file} ")), "{check}");
        assert!(
            block.contains(&format!("{file} would be written")),
            "{check}"
        );
        assert!(
            block.contains("`bundled` would be set in operators.json"),
            "{check}"
        );
    }
    // Six lists and operators.json.
    assert!(
        check
            .stderr
            .contains("--check: nothing written (7 file(s) would be)"),
        "{check}"
    );
    assert!(snapshot(data.path()) == before, "--check wrote\n{check}");

    // Written, every list is bundled but Anthropic's, and the build takes them all.
    let run = update_ranges(data.path(), &mirror, &[]);
    assert!(run.success, "{run}");
    let lists = build_accepts(data.path());
    let files: Vec<&str> = lists.iter().map(|(file, _)| file.as_str()).collect();
    let mut expected = vec![
        "ranges/google-googlebot.json",
        "ranges/google-googlesc.json",
        "ranges/google-googleutf.json",
    ];
    expected.extend(UNBUNDLED[..6].iter().map(|(_, file)| *file));
    assert_eq!(files, expected);
    assert!(!data.path().join("ranges/anthropic-bots.json").exists());
    let operators = read_json(&data.path().join("operators.json"));
    assert!(operator(&operators, "Anthropic")["ranges"][0]
        .get("bundled")
        .is_none());

    // The rewritten operators.json is in the writer's layout: a second run writes nothing.
    let written = snapshot(data.path());
    let again = update_ranges(data.path(), &mirror, &[]);
    assert!(again.success, "{again}");
    assert!(again.stderr.contains("nothing changed"), "{again}");
    assert!(
        snapshot(data.path()) == written,
        "the second run wrote\n{again}"
    );
}
