//! The real directory servers, started once per test process by ../shared/tools, and an
//! address that never answers (a network namespace whose replies are blackholed).

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

fn tools_dir() -> PathBuf {
    std::env::var_os("AUTHPROXY_TEST_TOOLS")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools"), PathBuf::from)
}

/// Runs `script` (which starts its servers or reuses running ones) and reads its `export K='v'` lines.
fn start(script: &str) -> ServerEnv {
    let path = tools_dir().join(script);
    let output = Command::new("bash").arg(&path).output().unwrap_or_else(|e| {
        panic!("cannot run {}: {e} (set AUTHPROXY_TEST_TOOLS to the shared tools folder)", path.display())
    });
    assert!(
        output.status.success(),
        "{} failed ({}):\n{}",
        path.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut vars = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((key, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) else { continue };
        let value = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).unwrap_or(value).replace("'\\''", "'");
        vars.insert(key.to_string(), value);
    }
    ServerEnv(vars)
}

/// OpenLDAP: good, IP-only-SAN, wrong-host and expired servers, plus refused/blackhole/silent ports.
pub fn slapd() -> &'static ServerEnv {
    static ENV: OnceLock<ServerEnv> = OnceLock::new();
    ENV.get_or_init(|| start("start-test-slapd.sh"))
}

/// A Samba Active Directory domain controller (realm EXAMPLE.TEST).
pub fn ad() -> &'static ServerEnv {
    static ENV: OnceLock<ServerEnv> = OnceLock::new();
    ENV.get_or_init(|| start("start-test-ad.sh"))
}

/// An IPv4 address inside a network namespace made here, whose every reply is routed into a
/// blackhole: SYNs arrive, nothing comes back, so connecting times out.
pub fn blackholed_address() -> &'static str {
    static ADDRESS: OnceLock<String> = OnceLock::new();
    ADDRESS.get_or_init(|| {
        const NS: &str = "apm-blackhole";
        let ip = |args: &[&str]| {
            let out = Command::new("ip").args(args).output().expect("iproute2's ip runs");
            assert!(out.status.success(), "ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
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
