//! The fleet against real nodes: each node is a real OpenSSH server on loopback (started by
//! tests/servers/sshd.sh) with its own host key, proxy install folder (the `authproxyctl` test
//! daemon of the service tests) and config, and this build's binary as its `authproxy-manager`.
//! The manager's side is the CLI as a real process, through the system's `ssh`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable as _;

use crate::service_linux::TestInstall;
use crate::util::samples_dir;

fn sshd_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/sshd.sh")
}

/// One proxy node: an sshd, and a proxy install whose service is the test daemon.
struct TestNode {
    name: String,
    install: TestInstall,
    sshd: tempfile::TempDir,
    port: u16,
    host_key: String,
}

impl TestNode {
    fn start(name: &str, client_pub: &Path, config: &[u8], running: bool) -> Self {
        let install = TestInstall::with_config(config);
        install.set_start_delay(50);
        if running {
            let started = Command::new(install.script()).arg("start").output().unwrap();
            assert!(started.status.success(), "{}", String::from_utf8_lossy(&started.stderr));
        }
        let sshd = tempfile::tempdir().unwrap();
        let out =
            Command::new("bash").arg(sshd_script()).arg("start").arg(sshd.path()).arg(client_pub).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}", stderr.lines().last().unwrap_or("sshd.sh failed"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let var = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("export {key}='")))
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or_else(|| panic!("sshd.sh printed no {key}"))
                .to_owned()
        };
        Self {
            name: name.to_owned(),
            install,
            sshd,
            port: var("TEST_SSHD_PORT").parse().unwrap(),
            host_key: var("TEST_SSHD_HOST_KEY"),
        }
    }

    fn config_path(&self) -> PathBuf {
        self.install.path().join("conf/authproxy.cfg")
    }

    /// The node's host key as `ssh-keygen -l` prints its fingerprint (`SHA256:…`).
    fn fingerprint(&self) -> String {
        let out =
            Command::new("ssh-keygen").arg("-lf").arg(self.sshd.path().join("host_ed25519.pub")).output().unwrap();
        String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1).unwrap().to_owned()
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(sshd_script()).arg("stop").arg(self.sshd.path()).output();
    }
}

/// The manager's side: a client key, `known_hosts`, an SSH config with a `Host` per node, and
/// `fleet.toml`.
struct Fleet {
    dir: tempfile::TempDir,
    key: PathBuf,
}

impl Fleet {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("client_ed25519");
        let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).output().unwrap();
        assert!(made.status.success());
        Self { dir, key }
    }

    fn client_pub(&self) -> PathBuf {
        self.key.with_extension("pub")
    }

    fn known_hosts(&self) -> PathBuf {
        self.dir.path().join("known_hosts")
    }

    /// Writes the SSH config and `known_hosts` (the nodes in `known`), and `fleet.toml` for `nodes`
    /// (name, host, port, extra TOML lines).
    fn write(&self, nodes: &[(&str, &str, u16, String)], known: &[&TestNode]) -> PathBuf {
        let mut config = String::new();
        for (name, host, port, _) in nodes {
            config.push_str(&format!(
                "Host {name}\n  HostName {host}\n  Port {port}\n  User {}\n  IdentityFile {}\n  IdentitiesOnly yes\n  UserKnownHostsFile {}\n  GlobalKnownHostsFile /dev/null\n  ConnectionAttempts 1\n\n",
                whoami(),
                self.key.display(),
                self.known_hosts().display()
            ));
        }
        std::fs::write(self.dir.path().join("ssh_config"), config).unwrap();
        let hosts: String = known.iter().map(|n| format!("[127.0.0.1]:{} {}\n", n.port, n.host_key)).collect();
        std::fs::write(self.known_hosts(), hosts).unwrap();
        let mut fleet = format!("ssh_config = \"{}\"\n", self.dir.path().join("ssh_config").display());
        for (name, _, _, extra) in nodes {
            fleet.push_str(&format!("\n[[node]]\nname = \"{name}\"\nssh = \"{name}\"\n{extra}"));
        }
        let path = self.dir.path().join("fleet.toml");
        std::fs::write(&path, fleet).unwrap();
        path
    }
}

impl Fleet {
    /// Writes the fleet for `nodes`, each managed by this build's binary; `known` are in known_hosts.
    fn write_managed(&self, nodes: &[&TestNode], known: &[&TestNode]) -> PathBuf {
        let nodes: Vec<(&str, &str, u16, String)> =
            nodes.iter().map(|n| (n.name.as_str(), "127.0.0.1", n.port, managed(n))).collect();
        self.write(&nodes, known)
    }

    /// Runs `fleet push --fleet FLEET --from <file holding text> ARGS…` with its own data folder
    /// (the audit log's), which is returned with the outcome.
    fn push(&self, fleet_file: &Path, text: &str, args: &[&str]) -> (Option<i32>, String, String, tempfile::TempDir) {
        let source = self.dir.path().join("pushed.cfg");
        std::fs::write(&source, text).unwrap();
        let data = tempfile::tempdir().unwrap();
        let mut all =
            vec!["fleet", "push", "--fleet", fleet_file.to_str().unwrap(), "--from", source.to_str().unwrap()];
        all.extend_from_slice(args);
        let (code, out, err) = cli_env(&all, data.path());
        (code, out, err, data)
    }
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The fleet-file lines of a node whose manager is this build's binary.
fn managed(node: &TestNode) -> String {
    format!(
        "install_dir = \"{}\"\nmanager = \"{}\"\ntags = [\"pair:vpn\"]\n",
        node.install.path().display(),
        env!("CARGO_BIN_EXE_authproxy-manager")
    )
}

fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_authproxy-manager")).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sample() -> Vec<u8> {
    std::fs::read(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap()
}

#[test]
fn status_and_diff_of_a_pair_over_ssh() {
    let fleet = Fleet::new();
    let a_config = sample();
    let text = String::from_utf8(a_config.clone()).unwrap();
    // Node b: another comment, its domain controllers in the other order, and failmode secure.
    let b_config = format!("; node b, rebuilt in March\n{text}")
        .replace(
            "host=dc01.corp.example.com\nhost_2=dc02.corp.example.com",
            "host=dc02.corp.example.com\nhost_2=dc01.corp.example.com",
        )
        .replace("failmode=safe", "failmode=secure");
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &a_config, true);
    let b = TestNode::start("proxy-b", &fleet.client_pub(), b_config.as_bytes(), false);
    // Node b's log: the proxy's start-up banner (its version) and an accepted login.
    let mut log = crate::loggen::LogGen::new(7).whole_seconds();
    log.startup("6.4.2");
    log.request(crate::loggen::Story::Accept, "alice", "10.20.0.10", 41000, 1);
    log.write(&b.install.path().join("log"), 1 << 20).unwrap();
    let nodes = [
        (a.name.as_str(), "127.0.0.1", a.port, format!("os = \"linux\"\n{}", managed(&a))),
        (b.name.as_str(), "127.0.0.1", b.port, managed(&b)),
    ];
    let fleet_file = fleet.write(&nodes, &[&a, &b]);
    let fleet_arg = fleet_file.to_str().unwrap();

    let (code, out, err) = cli(&["fleet", "status", "--fleet", fleet_arg]);
    assert_eq!(code, Some(0), "{out}{err}");
    let line =
        |name: &str| out.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name}: {out}")).to_owned();
    assert!(
        line("proxy-a").contains(" yes ") && line("proxy-a").contains("linux") && line("proxy-a").contains("running"),
        "{out}"
    );
    assert!(line("proxy-b").contains(" yes ") && line("proxy-b").contains("stopped"), "the OS is detected: {out}");
    assert!(line("proxy-b").contains("6.4.2"), "the version from the log's banner: {out}");
    assert!(line("proxy-b").contains("alice [radius_server_auto]"), "the last login: {out}");
    let hash = authproxy_manager::fleet::protocol::sha256_hex(&a_config);
    assert!(line("proxy-a").contains(&hash[..12]), "the config's hash: {out}");
    assert!(out.contains("2 different configs"), "{out}");
    assert!(out.contains("2 node(s) asked"), "{out}");

    let (code, json, _) = cli(&["fleet", "status", "--fleet", fleet_arg, "--format", "json", "pair:vpn"]);
    assert_eq!(code, Some(0));
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["nodes"][0]["result"]["Ok"]["route"], "manager");
    assert_eq!(value["nodes"][0]["result"]["Ok"]["status"]["config_sha256"], hash);
    assert!(!json.contains("config_base64"), "the config's bytes stay out of the report");
    for secret in secrets_of(&text) {
        assert!(!json.contains(&secret) && !out.contains(&secret), "a secret of the config reached the report");
    }

    let (code, out, err) = cli(&["fleet", "diff", "--fleet", fleet_arg]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("[radius_server_auto] failmode  DIFFERS  proxy-a: safe  |  proxy-b: secure"), "{out}");
    assert_eq!(out.matches("DIFFERS").count(), 1, "comments are ignored: {out}");
    assert!(out.contains("[ad_client] host  differs as expected"), "host order is expected to differ: {out}");
    for secret in secrets_of(&text) {
        assert!(!out.contains(&secret), "a secret reached the diff: {out}");
    }
    // The same config on both: in step.
    std::fs::write(b.config_path(), &a_config).unwrap();
    let (code, out, _) = cli(&["fleet", "diff", "--fleet", fleet_arg]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("In step"), "{out}");
}

/// The values of secret-looking keys in `text`.
fn secrets_of(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, v)| authproxy_manager::secrets::shape::looks_secret(k.trim()) && v.trim().len() > 3)
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

#[test]
fn an_unknown_or_changed_host_key_is_refused_with_its_fingerprint_and_never_accepted() {
    let fleet = Fleet::new();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &sample(), false);
    let b = TestNode::start("proxy-b", &fleet.client_pub(), &sample(), false);
    // proxy-a is not in known_hosts at all.
    let fleet_file = fleet.write_managed(&[&a, &b], &[&b]);
    let before = std::fs::read(fleet.known_hosts()).unwrap();
    let (code, out, err) = cli(&["fleet", "status", "--fleet", fleet_file.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}{err}");
    let line = out.lines().find(|l| l.starts_with("proxy-a")).unwrap();
    assert!(line.contains("host key of proxy-a is not known"), "{line}");
    assert!(line.contains(&format!("ED25519 {}", a.fingerprint())), "the fingerprint it presents: {line}");
    assert!(out.lines().any(|l| l.starts_with("proxy-b") && l.contains(" yes ")), "{out}");
    assert_eq!(std::fs::read(fleet.known_hosts()).unwrap(), before, "known_hosts is untouched");

    // proxy-a's entry names proxy-b's key: a changed key.
    let mut hosts = String::from_utf8(before).unwrap();
    hosts.push_str(&format!("[127.0.0.1]:{} {}\n", a.port, b.host_key));
    std::fs::write(fleet.known_hosts(), &hosts).unwrap();
    let (code, out, _) = cli(&["fleet", "status", "--fleet", fleet_file.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    let line = out.lines().find(|l| l.starts_with("proxy-a")).unwrap();
    assert!(line.contains("HAS CHANGED") && line.contains(&a.fingerprint()), "{line}");
    assert_eq!(std::fs::read_to_string(fleet.known_hosts()).unwrap(), hosts, "known_hosts is untouched");
}

#[test]
fn a_blackholed_node_times_out_while_the_others_answer() {
    let fleet = Fleet::new();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &sample(), true);
    let dead = crate::connectivity::servers::blackholed_address();
    let nodes =
        [(a.name.as_str(), "127.0.0.1", a.port, managed(&a)), ("proxy-dead", dead, 22, "os = \"linux\"\n".to_owned())];
    let fleet_file = fleet.write(&nodes, &[&a]);
    let started = Instant::now();
    let (code, out, err) = cli(&["fleet", "status", "--fleet", fleet_file.to_str().unwrap(), "--timeout", "3"]);
    let took = started.elapsed();
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.lines().any(|l| l.starts_with("proxy-a") && l.contains("running")), "{out}");
    let dead_line = out.lines().find(|l| l.starts_with("proxy-dead")).unwrap();
    assert!(dead_line.contains("did not answer within 3 s"), "{dead_line}");
    assert!(took < Duration::from_secs(20), "the dead node is given up on ({took:?})");
}

#[test]
fn without_the_manager_on_a_node_its_config_is_read_read_only() {
    let fleet = Fleet::new();
    let config = sample();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &config, true);
    let extra =
        format!("install_dir = \"{}\"\nmanager = \"/nonexistent/authproxy-manager\"\n", a.install.path().display());
    let fleet_file = fleet.write(&[(a.name.as_str(), "127.0.0.1", a.port, extra)], &[&a]);
    let (code, out, err) = cli(&["fleet", "status", "--fleet", fleet_file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let answered = &value["nodes"][0]["result"]["Ok"];
    assert_eq!(answered["route"], "read_only");
    assert_eq!(answered["status"]["service"], "running");
    assert_eq!(answered["status"]["config_sha256"], authproxy_manager::fleet::protocol::sha256_hex(&config));
    let (_, text, _) = cli(&["fleet", "status", "--fleet", fleet_file.to_str().unwrap()]);
    assert!(text.contains("authproxy-manager is not installed there"), "{text}");
}

#[test]
fn an_ansible_inventory_is_read_and_what_it_ignores_is_said() {
    let fleet = Fleet::new();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &sample(), true);
    fleet.write(&[("127.0.0.1", "127.0.0.1", a.port, String::new())], &[&a]);
    let inventory = fleet.dir.path().join("hosts.ini");
    std::fs::write(
        &inventory,
        format!(
            "[duo_proxies]\nproxy-a ansible_host=127.0.0.1 ansible_port={} ansible_user={} ansible_become=true\n",
            a.port,
            whoami()
        ),
    )
    .unwrap();
    let ssh_config = fleet.dir.path().join("ssh_config");
    let (code, out, err) = cli(&[
        "fleet",
        "status",
        "--fleet",
        inventory.to_str().unwrap(),
        "--ssh-config",
        ssh_config.to_str().unwrap(),
        "duo_proxies",
    ]);
    // No install_dir or manager in an Ansible inventory: the standard ones, so read-only here.
    assert!(err.contains("ignored: variable ansible_become (host proxy-a) is not used"), "{err}");
    assert!(out.lines().any(|l| l.starts_with("proxy-a")), "{out}{err}");
    assert!(code == Some(0) || code == Some(1), "{out}{err}");
}

fn cli_env(args: &[&str], data_home: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
        .args(args)
        .env("XDG_DATA_HOME", data_home)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn service_state(node: &TestNode) -> Option<i32> {
    Command::new(node.install.path().join("bin/authproxyctl")).arg("status").output().unwrap().status.code()
}

#[test]
fn a_push_updates_both_nodes_in_turn_and_is_audited() {
    let fleet = Fleet::new();
    let old = sample();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &old, true);
    let b = TestNode::start("proxy-b", &fleet.client_pub(), &old, true);
    let fleet_file = fleet.write_managed(&[&a, &b], &[&a, &b]);
    let new = String::from_utf8(old.clone()).unwrap().replace("failmode=safe", "failmode=secure");
    let (code, out, err, data) =
        fleet.push(&fleet_file, &new, &["--to", "proxy-a", "proxy-b", "--start-timeout", "10"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let (first, second) = (out.find("proxy-a: APPLIED").unwrap(), out.find("proxy-b: APPLIED").unwrap());
    assert!(first < second, "one node at a time, in the order given: {out}");
    assert!(out.find("proxy-b: applying").unwrap() > first, "proxy-b starts after proxy-a is done: {out}");
    assert!(out.contains("2 of 2 node(s) run the new config"), "{out}");
    for node in [&a, &b] {
        assert_eq!(std::fs::read_to_string(node.config_path()).unwrap(), new, "{} has the new config", node.name);
        assert_eq!(
            std::fs::read(node.install.path().join("conf/authproxy.cfg.bak")).unwrap(),
            old,
            "the old one is kept"
        );
        assert_eq!(service_state(node), Some(0), "{} runs", node.name);
    }
    let audit = std::fs::read_to_string(data.path().join("authproxy-manager/fleet-audit.jsonl")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(entry["user"].as_str().map(str::is_empty), Some(false));
    assert_eq!(entry["nodes"][0]["name"], "proxy-a");
    let change = &entry["nodes"][0]["changes"][0];
    assert_eq!(
        (change["section"].as_str(), change["key"].as_str()),
        (Some("radius_server_auto"), Some("failmode")),
        "{entry}"
    );
    for secret in secrets_of(&new) {
        assert!(!audit.contains(&secret) && !out.contains(&secret), "a secret reached the audit log or the output");
    }
}

#[test]
fn a_config_the_proxy_cannot_start_with_is_rolled_back_and_the_other_node_is_untouched() {
    let fleet = Fleet::new();
    let old = sample();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &old, true);
    let b = TestNode::start("proxy-b", &fleet.client_pub(), &old, true);
    // A certificate that is not PEM: the checker accepts the config, the proxy does not start.
    for node in [&a, &b] {
        std::fs::write(node.install.path().join("conf/proxy.key"), "not a key\n").unwrap();
        std::fs::write(node.install.path().join("conf/proxy.crt"), "not a certificate\n").unwrap();
    }
    let fleet_file = fleet.write_managed(&[&a, &b], &[&a, &b]);
    let bad = format!(
        "{}\n[ldap_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey=muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd\napi_host=api-3f8a1c2d.duosecurity.com\nclient=ad_client\nssl_port=636\nssl_key_path=proxy.key\nssl_cert_path=proxy.crt\n",
        String::from_utf8(old.clone()).unwrap()
    );
    let (code, out, err, _data) = fleet.push(&fleet_file, &bad, &["--to", "pair:vpn", "--start-timeout", "3"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("proxy-a: ROLLED BACK: the proxy did not start with the new config"), "{out}");
    let said = out.split("the proxy's log says: ").nth(1).unwrap_or_default();
    assert!(
        said.lines().next().unwrap_or_default().contains("Failed to start: cannot load ssl_"),
        "the proxy's own words: {out}"
    );
    assert!(out.contains("restored") && out.contains("restarted with the old config"), "{out}");
    assert!(out.contains("proxy-b: skipped: not attempted: proxy-a did not take the new config"), "{out}");
    assert!(out.contains("0 of 2 node(s) run the new config"), "{out}");
    assert_eq!(std::fs::read(a.config_path()).unwrap(), old, "proxy-a has its old config again");
    assert_eq!(service_state(&a), Some(0), "and runs with it");
    assert_eq!(std::fs::read(b.config_path()).unwrap(), old, "proxy-b was not touched");
    assert!(!b.install.path().join("conf/authproxy.cfg.bak").exists(), "not even backed up");
    assert_eq!(service_state(&b), Some(0), "proxy-b kept running");
    let log = std::fs::read_to_string(a.install.path().join("log/authproxy.log")).unwrap();
    assert!(log.contains("cannot load ssl_key_path") || log.contains("cannot load ssl_cert_path"), "{log}");
}

#[test]
fn a_config_with_errors_is_refused_before_any_node_is_touched() {
    let fleet = Fleet::new();
    let old = sample();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &old, true);
    let fleet_file = fleet.write_managed(&[&a], &[&a]);
    let (code, out, err, _data) = fleet.push(&fleet_file, "[radius_server_auto]\nikey=DIX\n", &["--to", "proxy-a"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("refused here: the config has") && out.contains("for a linux proxy"), "{out}");
    assert!(out.contains("proxy-a: skipped: nothing was sent"), "{out}");
    assert_eq!(std::fs::read(a.config_path()).unwrap(), old);
}

/// Waits, running frames, until the Fleet tab's job ends.
fn settle(harness: &mut egui_kittest::Harness<'static, authproxy_manager::app::AuthProxyApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // A job shows a spinner, which repaints for ever: step, do not wait to settle.
        harness.step();
        if !harness.state().fleet().busy() {
            harness.run();
            return;
        }
        assert!(Instant::now() < deadline, "the Fleet tab's job did not end within 60 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The window's Fleet tab on the same real nodes: status, comparison, and a push of the open
/// file to the node checked, audited.
#[test]
fn the_fleet_tab_shows_status_compares_and_pushes_the_open_file() {
    use authproxy_manager::app::{AuthProxyApp, Environment};
    use authproxy_manager::schema::Platform;
    let fleet = Fleet::new();
    let old = sample();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &old, true);
    let b = TestNode::start("proxy-b", &fleet.client_pub(), &old, false);
    let fleet_file = fleet.write_managed(&[&a, &b], &[&a, &b]);
    let new = String::from_utf8(old.clone()).unwrap().replace("failmode=safe", "failmode=secure");
    let local = fleet.dir.path().join("authproxy.cfg");
    std::fs::write(&local, &new).unwrap();
    let audit = fleet.dir.path().join("audit.jsonl");
    let env = Environment { fleet_audit: Some(audit.clone()), ..crate::gui::environment(None) };
    let mut app = AuthProxyApp::new(Some(&local), Platform::Linux, env);
    app.open_fleet(fleet_file);
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    harness.run();
    harness.get_by_label("Fleet").click();
    harness.run();
    harness.get_by_label("Refresh status").click();
    settle(&mut harness);
    assert!(harness.query_all_by_label("running").next().is_some(), "proxy-a runs");
    assert!(harness.query_all_by_label("stopped").next().is_some(), "proxy-b is stopped");

    harness.get_by_label("Compare configs").click();
    settle(&mut harness);
    // Both nodes have the same config: in step.
    assert!(harness.query_all_by_label("In step: nothing differs that should not.").next().is_some());

    harness.get_by_label("Push to proxy-a").click();
    harness.run();
    harness.get_by_label("Push authproxy.cfg to the checked nodes…").click();
    harness.run();
    harness.get_by_label("Push now").click();
    settle(&mut harness);
    assert!(harness.query_all_by_label_contains("proxy-a: APPLIED").next().is_some(), "the push's lines show");
    assert_eq!(std::fs::read_to_string(a.config_path()).unwrap(), new, "proxy-a has the open file's text");
    assert_eq!(std::fs::read(b.config_path()).unwrap(), old, "proxy-b was not checked, so not touched");
    let logged = std::fs::read_to_string(&audit).unwrap();
    assert!(logged.contains("\"name\":\"proxy-a\"") && logged.contains("failmode"), "{logged}");

    harness.get_by_label("Compare configs").click();
    settle(&mut harness);
    assert!(harness.query_all_by_label("[radius_server_auto] failmode").next().is_some(), "now they differ");
}

/// The fleet file is edited in the Fleet tab: a node added and named, then saved as fleet.toml
/// that reads back with it.
#[test]
fn the_fleet_tab_edits_and_saves_the_fleet_file() {
    use authproxy_manager::app::AuthProxyApp;
    use authproxy_manager::schema::Platform;
    let dir = tempfile::tempdir().unwrap();
    let fleet_file = dir.path().join("fleet.toml");
    let local = dir.path().join("authproxy.cfg");
    std::fs::write(&local, sample()).unwrap();
    let mut app = AuthProxyApp::new(Some(&local), Platform::Linux, crate::gui::environment(None));
    app.open_fleet(fleet_file.clone());
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    harness.run_steps(10);
    harness.get_by_label("Fleet").click();
    harness.run_steps(10);
    // No fleet.toml yet: the node list is open, empty, ready to fill in.
    harness.get_by_label("Add node").click();
    harness.run_steps(10);
    harness.get_by_label("SSH destination of proxy-1").click();
    harness.run_steps(10);
    harness.get_by_label("SSH destination of proxy-1").type_text("admin@10.0.0.11");
    harness.run_steps(10);
    harness.get_by_label("Tags of proxy-1").click();
    harness.run_steps(10);
    harness.get_by_label("Tags of proxy-1").type_text("site:hq, pair:vpn");
    harness.run_steps(10);
    harness.get_by_label("Save fleet file").click();
    harness.run_steps(10);
    let saved = authproxy_manager::fleet::inventory::read(&fleet_file).unwrap();
    assert_eq!(saved.nodes.len(), 1);
    assert_eq!((saved.nodes[0].name.as_str(), saved.nodes[0].ssh.as_str()), ("proxy-1", "admin@10.0.0.11"));
    assert_eq!(saved.nodes[0].tags, ["site:hq", "pair:vpn"]);
}

/// `--check`: after the restart the node runs the connectivity check of the new config from
/// where it stands; a failure there (its directory and Duo hosts do not resolve from this test
/// machine) rolls the node back.
#[test]
fn a_push_whose_connectivity_check_fails_on_the_node_is_rolled_back() {
    let fleet = Fleet::new();
    let old = sample();
    let a = TestNode::start("proxy-a", &fleet.client_pub(), &old, true);
    let fleet_file = fleet.write_managed(&[&a], &[&a]);
    let new = String::from_utf8(old.clone())
        .unwrap()
        .replace("host=dc01.corp.example.com", "host=dc01.corp.invalid")
        .replace("host_2=dc02.corp.example.com", "host_2=dc02.corp.invalid")
        .replace("api_host=api-3f8a1c2d.duosecurity.com", "api_host=api-3f8a1c2d.duosecurity.invalid");
    let (code, out, err, _data) =
        fleet.push(&fleet_file, &new, &["--to", "proxy-a", "--check", "--start-timeout", "10"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("proxy-a: ROLLED BACK: the connectivity check failed:"), "{out}");
    assert!(out.contains("FAILED checked connectivity:") && out.contains("probe(s) failed"), "{out}");
    assert_eq!(std::fs::read(a.config_path()).unwrap(), old, "the old config is back");
    assert_eq!(service_state(&a), Some(0), "and the proxy runs with it");
}
