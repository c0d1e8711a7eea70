//! `fleet status` over 20 nodes, one of them hung (it accepts the TCP connection and never says a
//! word), each node given 5 s: the whole status takes the hung node's 5 s, not 20 × anything.
//! The 19 live nodes are aliases of two real sshd (tests/servers/sshd.sh) with this build's binary
//! as their `authproxy-manager`, each with its own proxy install.
//!
//! Needs root (sshd) and Debian's openssh-server. Run with `cargo bench --bench fleet_status`.

use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use authproxy_manager::fleet::inventory::{Node, NodeOs};
use authproxy_manager::fleet::query;
use authproxy_manager::fleet::ssh::Ssh;
use criterion::{criterion_group, criterion_main, Criterion};

const NODES: usize = 20;
const TIMEOUT: Duration = Duration::from_secs(5);

struct Sshd {
    state: tempfile::TempDir,
    port: u16,
    host_key: String,
}

impl Sshd {
    fn start(client_pub: &Path) -> Self {
        let state = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/sshd.sh");
        let out = Command::new("bash").arg(&script).arg("start").arg(state.path()).arg(client_pub).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let var = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("export {key}='")))
                .and_then(|v| v.strip_suffix('\''))
                .unwrap()
                .to_owned()
        };
        Self { port: var("TEST_SSHD_PORT").parse().unwrap(), host_key: var("TEST_SSHD_HOST_KEY"), state }
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/sshd.sh");
        let _ = Command::new("bash").arg(script).arg("stop").arg(self.state.path()).output();
    }
}

/// A proxy install folder (config only: the service is "not installed") in a root-owned place.
fn install(base: &Path, n: usize) -> PathBuf {
    let dir = base.join(format!("node-{n}"));
    std::fs::create_dir_all(dir.join("conf")).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/samples/v01_radius_auto_ad.cfg");
    std::fs::copy(sample, dir.join("conf/authproxy.cfg")).unwrap();
    dir
}

fn bench(c: &mut Criterion) {
    let work = tempfile::tempdir().unwrap();
    let key = work.path().join("client");
    let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).output().unwrap();
    assert!(made.status.success());
    let servers = [Sshd::start(&key.with_extension("pub")), Sshd::start(&key.with_extension("pub"))];
    // The hung node: connections are accepted (the kernel's backlog) and never answered.
    let hung = TcpListener::bind("127.0.0.1:0").unwrap();
    let hung_port = hung.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in hung.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let _ = stream.read_to_end(&mut Vec::new());
            });
        }
    });
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap().trim().to_owned();
    let known: String = servers.iter().map(|s| format!("[127.0.0.1]:{} {}\n", s.port, s.host_key)).collect();
    std::fs::write(work.path().join("known_hosts"), known).unwrap();
    let mut config = String::new();
    let installs = tempfile::Builder::new().prefix("bench-").tempdir_in("/run").unwrap();
    let mut nodes = Vec::new();
    for n in 0..NODES {
        let port = if n == NODES - 1 { hung_port } else { servers[n % 2].port };
        config.push_str(&format!(
            "Host node-{n}\n  HostName 127.0.0.1\n  Port {port}\n  User {user}\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  GlobalKnownHostsFile /dev/null\n\n",
            key.display(),
            work.path().join("known_hosts").display()
        ));
        nodes.push(Node {
            name: format!("node-{n}"),
            ssh: format!("node-{n}"),
            port: None,
            user: None,
            install_dir: Some(install(installs.path(), n).display().to_string()),
            manager: Some(env!("CARGO_BIN_EXE_authproxy-manager").to_owned()),
            os: Some(NodeOs::Linux),
            tags: Vec::new(),
        });
    }
    std::fs::write(work.path().join("ssh_config"), config).unwrap();
    let ssh = Ssh::system(Some(work.path().join("ssh_config"))).unwrap();
    let answers = query::status_all(&ssh, &nodes, TIMEOUT);
    let answered = answers.iter().filter(|a| a.result.is_ok()).count();
    assert_eq!(answered, NODES - 1, "{:#?}", answers.iter().filter(|a| a.result.is_err()).collect::<Vec<_>>());
    let mut group = c.benchmark_group("fleet");
    group.sample_size(10).measurement_time(Duration::from_secs(60)).warm_up_time(Duration::from_secs(1));
    group.bench_function("status_20_nodes_one_hung_5s_timeout", |b| {
        b.iter(|| query::status_all(&ssh, &nodes, TIMEOUT));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
