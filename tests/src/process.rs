//! Child processes that die with the test, free ports, and waiting for a port to listen.
//!
//! Services shared by all tests of a binary live in statics, which Rust never drops; libtest
//! ends with `process::exit`, which does run C `atexit` handlers, so every child is also
//! registered to be killed there, with everything it started.

use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (free when asked; the OS will not hand it out again at once).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running child process whose output lines are collected; killed when dropped.
pub struct Service {
    name: String,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Service {
    pub fn spawn(name: &str, command: &mut Command) -> Service {
        let mut child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        kill_at_exit(child.id());
        let lines = Arc::new(Mutex::new(Vec::new()));
        collect(child.stdout.take().unwrap(), "", lines.clone());
        collect(child.stderr.take().unwrap(), "stderr: ", lines.clone());
        Service {
            name: name.to_string(),
            child,
            lines,
        }
    }

    /// Everything the process printed so far (stderr lines prefixed with `stderr: `).
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// CPU time (user + system) the process has used so far, from /proc (Linux).
    pub fn cpu_time(&self) -> std::time::Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks: u64 = fields
            .get(11..13)
            .map(|f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum())
            .unwrap_or(0);
        // The kernel's USER_HZ is 100 on every Linux this runs on.
        std::time::Duration::from_millis(ticks * 10)
    }

    /// Waits until the service listens on `port`, failing early (with its output) if it exits.
    pub fn wait_for_port(&mut self, port: u16, within: Duration) {
        let deadline = Instant::now() + within;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            self.assert_running();
            assert!(
                Instant::now() < deadline,
                "{} did not listen on 127.0.0.1:{port} within {within:?}:\n{}",
                self.name,
                self.lines().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Fails the test with the process's output if it has exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited with {status}:\n{}",
                self.name,
                self.lines().join("\n")
            );
        }
    }
}

static CHILDREN: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn kill_at_exit(pid: u32) {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: registers a plain `extern "C" fn` with no arguments.
        unsafe { libc::atexit(kill_children) };
    });
    CHILDREN.lock().unwrap().push(pid);
}

extern "C" fn kill_children() {
    if let Ok(children) = CHILDREN.lock() {
        for &pid in children.iter() {
            kill_group(pid);
        }
    }
}

/// Kills a child and whatever it started (the Fastly CLI starts Viceroy): each child leads its
/// own process group.
fn kill_group(pid: u32) {
    // SAFETY: kill(2) on the process group of a child that is still ours (dropped services
    // unregister before they are reaped, so the id cannot have been reused).
    unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGKILL) };
}

fn collect(
    stream: impl Read + Send + 'static,
    prefix: &'static str,
    lines: Arc<Mutex<Vec<String>>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            lines.lock().unwrap().push(format!("{prefix}{line}"));
        }
    });
}

impl Drop for Service {
    fn drop(&mut self) {
        let pid = self.child.id();
        CHILDREN.lock().unwrap().retain(|&p| p != pid);
        kill_group(pid);
        let _ = self.child.wait();
    }
}
