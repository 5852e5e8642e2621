//! The scripted test server (tests/server), started once per test binary: built with cargo
//! (a no-op when up to date), spawned on two loopback ports, and ended when this process
//! exits and its standard input closes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

struct Server {
    base: String,
    /// Kept so that its standard input stays open while the tests run.
    _child: Child,
    _stdout: BufReader<ChildStdout>,
}

static SERVER: OnceLock<Server> = OnceLock::new();

/// `http://127.0.0.1:<port>` of the running server.
pub fn base() -> &'static str {
    &SERVER.get_or_init(start).base
}

fn start() -> Server {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(root).args(["build", "--quiet", "-p", "sse-test-server"]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building the test server failed");
    let mut child = Command::new(binary_dir().join("sse-test-server"))
        .arg(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the test server starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the test server says where it listens");
    let port = line.split_whitespace().nth(1).expect("LISTENING <port> <port>");
    Server { base: format!("http://127.0.0.1:{port}"), _child: child, _stdout: stdout }
}

/// Where cargo puts this profile's binaries: this test's executable is in `<dir>/deps`.
fn binary_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its path");
    exe.parent().and_then(Path::parent).expect("<target>/<profile>/deps/<test>").to_path_buf()
}
