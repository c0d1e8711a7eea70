//! The real directory servers, started once per test process by the project's own scripts in
//! tests/servers (which share one running set between processes under a lock), and an address
//! that never answers (a network namespace whose replies are blackholed).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The `TEST_*` values a start script printed.
pub struct ServerEnv(HashMap<String, String>);

impl ServerEnv {
    /// A value; panics with the name when the script did not print it.
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).unwrap_or_else(|| panic!("the start script printed no {key}"))
    }
}

/// Runs `tests/servers/<script>` (which starts its servers or reuses running ones) and reads its
/// `export K='v'` lines. When it cannot, the test fails with the script's one-line reason.
fn start(script: &str) -> ServerEnv {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/servers").join(script);
    let output = match Command::new("bash").arg(&path).output() {
        Ok(output) => output,
        Err(e) => panic!("cannot run bash {}: {e}", path.display()),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no reason given");
        panic!("{reason}");
    }
    let mut vars = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((key, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) else { continue };
        let value = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).unwrap_or(value).replace("'\\''", "'");
        vars.insert(key.to_string(), value);
    }
    ServerEnv(vars)
}

/// OpenLDAP: good, IP-only-SAN, wrong-host, expired and SHA-1 signed servers, plus refused/blackhole/silent ports.
pub fn slapd() -> &'static ServerEnv {
    static ENV: OnceLock<ServerEnv> = OnceLock::new();
    ENV.get_or_init(|| start("slapd.sh"))
}

/// FreeRADIUS on loopback, standing in for the proxy's RADIUS listener (users that are accepted,
/// rejected, challenged and answered late).
pub fn freeradius() -> &'static ServerEnv {
    static ENV: OnceLock<ServerEnv> = OnceLock::new();
    ENV.get_or_init(|| start("freeradius.sh"))
}

/// A Samba Active Directory domain controller (realm EXAMPLE.TEST).
pub fn ad() -> &'static ServerEnv {
    static ENV: OnceLock<ServerEnv> = OnceLock::new();
    ENV.get_or_init(|| start("samba-ad.sh"))
}

/// An IPv4 address inside a network namespace made here, whose every reply is routed into a
/// blackhole: SYNs arrive, nothing comes back, so connecting times out.
pub fn blackholed_address() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| {
        const NS: &str = "apm-blackhole";
        let ip = |args: &[&str]| {
            let Ok(out) = Command::new("ip").args(args).output() else {
                panic!("a network namespace needs iproute2's ip: apt-get install -y iproute2");
            };
            if !out.status.success() {
                let why = String::from_utf8_lossy(&out.stderr);
                panic!(
                    "`ip {}` failed ({}): a network namespace needs root; run the tests as root",
                    args.join(" "),
                    why.trim()
                );
            }
        };
        // Leftovers of an earlier run go first (errors ignored: they may not exist).
        let _ = Command::new("ip").args(["netns", "del", NS]).output();
        let _ = Command::new("ip").args(["link", "del", "apm-bh0"]).output();
        ip(&["netns", "add", NS]);
        ip(&["link", "add", "apm-bh0", "type", "veth", "peer", "name", "apm-bh1"]);
        ip(&["link", "set", "apm-bh1", "netns", NS]);
        ip(&["addr", "add", "10.231.77.1/30", "dev", "apm-bh0"]);
        ip(&["link", "set", "apm-bh0", "up"]);
        ip(&["-n", NS, "addr", "add", "10.231.77.2/30", "dev", "apm-bh1"]);
        ip(&["-n", NS, "link", "set", "apm-bh1", "up"]);
        ip(&["-n", NS, "route", "add", "blackhole", "10.231.77.1/32"]);
        "10.231.77.2".to_string()
    })
}

/// A port on 127.0.0.1 where nothing listens (connection refused).
pub fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A server on 127.0.0.1 that accepts connections and never sends a byte (a response timeout).
pub fn silent_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                held.push(stream);
            }
        });
        port
    })
}

/// OpenSSL's `s_server` offering TLS 1.0 only, with a certificate for `localhost`.
pub struct OldTlsServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// The PEM file of its (self-signed) certificate, to trust.
    pub ca: PathBuf,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl OldTlsServer {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=DNS:localhost", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("openssl runs (apt-get install openssl)");
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("openssl s_server starts");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "s_server did not listen on {port}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self { port, ca: cert, child, _dir: dir }
    }
}

impl Drop for OldTlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP server that answers whatever arrives with the same bytes, then waits.
pub struct Replier {
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl Replier {
    pub fn start(answer: Vec<u8>) -> Self {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let answer = answer.clone();
                std::thread::spawn(move || {
                    let mut request = [0u8; 4096];
                    while matches!(stream.read(&mut request), Ok(n) if n > 0) {
                        if stream.write_all(&answer).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self { port }
    }
}
