//! Starts the AWS emulators on loopback for a test: moto (with the project's wire fixes) seeded
//! by tests/emulator/seed_moto.py, and the scenario emulator in front of it. Both stop when the
//! returned value is dropped. Needs moto in the venv made by scripts/setup-test-env.sh.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The secret access key msgready is given; a test checks that no output carries it.
pub const SECRET_KEY: &str = "msgready-test-secret-Zq9xT4";

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's Python; a clear failure (not a skip) when moto was never installed.
pub fn python() -> PathBuf {
    let venv = std::env::var_os("MSGREADY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/msgready-venv"));
    let py = venv.join("bin/python");
    assert!(
        py.exists(),
        "moto is not installed at {}: run scripts/setup-test-env.sh (or set MSGREADY_VENV)",
        venv.display()
    );
    py
}

pub struct Emulators {
    children: Vec<Child>,
    /// `http://127.0.0.1:PORT` of the scenario emulator: the endpoint for every service.
    pub endpoint: String,
    /// moto's own endpoint (for seeding or resetting).
    pub moto: String,
    /// The emulator's request log (JSON lines).
    pub log: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Drop for Emulators {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_for(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// moto seeded with seed_moto.py, and the emulator with `scenario` (a path under
/// tests/emulator/scenarios/) and `extra` flags in front of it.
pub fn start(scenario: &str, extra: &[&str]) -> Emulators {
    start_with(scenario, extra, true)
}

/// Like [`start`]; `seed` false leaves moto empty (every moto-served list answers empty).
pub fn start_with(scenario: &str, extra: &[&str], seed: bool) -> Emulators {
    let py = python();
    let mut emus = start_moto();
    if seed {
        seed_moto(&py, &emus.moto);
    }
    emus.attach_emulator(scenario, extra);
    emus
}

impl Emulators {
    /// Starts the scenario emulator in front of this moto (which may have been prepared
    /// first, e.g. with an organization); `scenario` under tests/emulator/scenarios/ or an
    /// absolute path. `endpoint` becomes the emulator's.
    pub fn attach_emulator(&mut self, scenario: &str, extra: &[&str]) {
        let py = python();
        let emus = self;
        let mut emu = Command::new(&py)
            .arg(repo().join("tests/emulator/emulator.py"))
            .arg("--scenario")
            .arg(repo().join("tests/emulator/scenarios").join(scenario))
            .args(["--port", "0", "--upstream", &emus.moto, "--log"])
            .arg(&emus.log)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let stdout = emu.stdout.take().expect("stdout");
        emus.children.push(emu);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("emulator banner");
        emus.endpoint = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("unexpected emulator banner {line:?}"))
            .to_string();
    }
}

/// moto alone, empty, on a free loopback port; `endpoint` and `moto` are both its address.
pub fn start_moto() -> Emulators {
    let py = python();
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let moto_log = std::fs::File::create(dir.path().join("moto.log")).expect("log");
    let moto = Command::new(&py)
        .arg(repo().join("scripts/moto_server.py"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(moto_log.try_clone().expect("log"))
        .stderr(moto_log)
        .spawn()
        .expect("start moto");
    let endpoint = format!("http://127.0.0.1:{port}");
    let emus = Emulators {
        children: vec![moto],
        endpoint: endpoint.clone(),
        moto: endpoint,
        log: dir.path().join("requests.jsonl"),
        dir,
    };
    wait_for(port, "moto");
    emus
}

pub fn seed_moto(py: &Path, moto: &str) {
    let script = repo().join("tests/emulator/seed_moto.py");
    python_ok(py, &[script.as_os_str(), moto.as_ref()]);
}

/// Runs the test venv's Python (`py`) with `args` and moto's test credentials; panics with its
/// stderr unless it succeeds. Returns what it printed.
pub fn python_ok(py: &Path, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(py)
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", py.display()));
    assert!(
        out.status.success(),
        "python {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `python -c script args...` (see `python_ok`).
pub fn python_script(script: &str, args: &[&str]) -> Vec<u8> {
    let mut argv: Vec<&std::ffi::OsStr> = vec!["-c".as_ref(), script.as_ref()];
    argv.extend(args.iter().map(|a| std::ffi::OsStr::new(*a)));
    python_ok(&python(), &argv)
}

/// A scenario under tests/emulator/scenarios/, parsed, for a test to rewrite.
pub fn scenario(name: &str) -> serde_json::Value {
    let path = repo().join("tests/emulator/scenarios").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

impl Emulators {
    /// `msgready` with the environment pointing every service at the emulator, and nothing
    /// of the user's own AWS configuration.
    pub fn msgready(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_msgready"));
        let home = self.dir.path().join("home");
        let _ = std::fs::create_dir_all(&home);
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(&k);
            }
        }
        cmd.env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_REGION", "us-east-1")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Starts the loopback DNS server on `zone` (a file under tests/emulator/); returns its
    /// `127.0.0.1:PORT`.
    pub fn start_dns(&mut self, zone: &str) -> String {
        let mut dns = Command::new(python())
            .arg(repo().join("tests/emulator/dns_server.py"))
            .arg(repo().join("tests/emulator").join(zone))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the DNS server");
        let stdout = dns.stdout.take().expect("stdout");
        self.children.push(dns);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("DNS server banner");
        line.trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("unexpected DNS banner {line:?}"))
            .to_string()
    }

    /// `msgready scan` of the two-Region deployment (tests/emulator/two-region.toml) with a
    /// JSON report: (exit code, report, stderr).
    pub fn scan(&self, extra: &[&str]) -> (Option<i32>, serde_json::Value, String) {
        let out = self.dir.path().join("report");
        let run = self
            .msgready()
            .arg("scan")
            .arg("--config")
            .arg(repo().join("tests/emulator/two-region.toml"))
            .arg("--out")
            .arg(&out)
            .args(["--format", "json"])
            .args(extra)
            .output()
            .expect("run msgready scan");
        let stderr = String::from_utf8_lossy(&run.stderr).to_string();
        let text = std::fs::read_to_string(out.join("report.json"))
            .unwrap_or_else(|e| panic!("no report.json ({e}); stderr:\n{stderr}"));
        let report = serde_json::from_str(&text).expect("report.json parses");
        (run.status.code(), report, stderr)
    }

    /// The emulator's request log, parsed.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
}
