//! `footfall-processor report` and `serve` when BigQuery is missing or down: a one-line error
//! naming the setting and a failing exit status; the server answers with an error page and
//! keeps serving.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn processor() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_footfall-processor"));
    for setting in [
        "FOOTFALL_BIGQUERY_PROJECT",
        "FOOTFALL_BIGQUERY_ENDPOINT",
        "FOOTFALL_BUCKET",
    ] {
        command.env_remove(setting);
    }
    command.env("RUST_LOG", "error");
    command
}

#[test]
fn without_bigquery_the_report_says_which_setting_is_missing() {
    let output = processor()
        .args(["report", "--start", "2026-11-02"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "footfall-processor: report needs BigQuery: set FOOTFALL_BIGQUERY_PROJECT"
    );
    let output = processor()
        .args(["report", "--start", "2026-11-03", "--end", "2026-11-02"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("the range starts (2026-11-03) after it ends (2026-11-02)"));
}

/// Kills the server when the test ends, passing or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` on 127.0.0.1:`port`: the status and the body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

#[test]
fn serve_answers_an_unreachable_bigquery_with_an_error_page_and_keeps_serving() {
    let (port, closed) = (free_port(), free_port());
    let _server = Server(
        processor()
            .args(["serve", "--port", &port.to_string()])
            .env("FOOTFALL_BIGQUERY_PROJECT", "footfall-local")
            .env(
                "FOOTFALL_BIGQUERY_ENDPOINT",
                format!("http://127.0.0.1:{closed}/bigquery/v2"),
            )
            .env("FOOTFALL_BIGQUERY_ATTEMPTS", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    for _ in 0..2 {
        let (status, page) = get(port, "/?start=2026-11-02&end=2026-11-03");
        assert_eq!(status, 502, "{page}");
        assert!(
            page.contains("BigQuery did not answer the report&#39;s queries"),
            "{page}"
        );
    }
    let (status, page) = get(port, "/?start=yesterday");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("is not a day (YYYY-MM-DD)"), "{page}");
    assert_eq!(get(port, "/favicon.ico").0, 404);
}
