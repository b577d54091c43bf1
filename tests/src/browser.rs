//! A real browser for the report page: headless Chromium from Debian's `chromium` package
//! (`scripts/test` installs it on first use), driven from its command line: `--dump-dom` gives
//! the page as the browser built it, with its console on stderr, and `--screenshot` an image at
//! a chosen width. The command line is enough for a page that runs no script; the DevTools
//! protocol crates would add minutes to a warm build.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where the tests leave their screenshots: `target/test-artifacts/`.
pub fn artifacts() -> PathBuf {
    let dir = crate::tools::workspace().join("target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `chromium`, as root needs it: no sandbox, no background traffic, no GPU.
fn chromium() -> Command {
    static VERSION: OnceLock<String> = OnceLock::new();
    let version = VERSION.get_or_init(|| {
        let output = Command::new("chromium").arg("--version").output().unwrap_or_else(|e| {
            panic!("chromium: {e}; scripts/test installs Debian's chromium package (apt-get install chromium)")
        });
        let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
        eprintln!("browser: {version}");
        version
    });
    assert!(!version.is_empty(), "chromium --version said nothing");
    let mut command = Command::new("chromium");
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ]);
    command
}

/// The page at `file` as the browser built it, and what it wrote to its console.
pub fn dump_dom(file: &Path) -> (String, Vec<String>) {
    let output = chromium()
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    )
}

/// A screenshot of the page at `file`, `width` pixels wide, into `artifacts()/name`.
pub fn screenshot(file: &Path, width: u32, name: &str) -> PathBuf {
    let target = artifacts().join(name);
    let output = chromium()
        .arg(format!("--window-size={width},2400"))
        .arg(format!("--screenshot={}", target.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success() && target.metadata().is_ok_and(|m| m.len() > 0),
        "chromium --screenshot: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("browser: screenshot {}", target.display());
    target
}
