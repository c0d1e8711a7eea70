//! The proxy's version: detected from an install (package metadata, the start-up banner),
//! given on the command line, shown and set in the status bar, and reported in JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use authproxy_manager::app::AuthProxyApp;
use authproxy_manager::schema::Platform;
use authproxy_manager::validate::{Kind, Severity};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;

use crate::gui::harness;
use crate::util::samples_dir;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authproxy-manager")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The v01 sample with the Blast-RADIUS setting a 6.x administrator adds.
fn config_with_message_authenticator() -> String {
    let text = std::fs::read_to_string(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap();
    text.replacen("[radius_server_auto]\n", "[radius_server_auto]\nforce_message_authenticator=true\n", 1)
}

/// `<install>/conf/authproxy.cfg` and `<install>/log/`, as the installer lays them out.
fn install() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["conf", "log"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    let config = dir.path().join("conf").join("authproxy.cfg");
    std::fs::write(&config, config_with_message_authenticator()).unwrap();
    (dir, config)
}

fn write_banner(install: &Path, version: &str) {
    let log = format!(
        "2026-07-01T09:59:59+0200 [-] Log opened.\n\
         2026-07-01T10:00:00+0200 [-] Duo Security Authentication Proxy {version} - Init Complete\n\
         2026-07-01T10:00:01+0200 [duoauthproxy.lib.log#info] Exempt user Müller\n"
    );
    std::fs::write(install.join("log").join("authproxy.log"), log).unwrap();
}

/// The metadata file the Linux installer copies from its build tree.
fn write_egg_info(install: &Path, version: &str) -> PathBuf {
    let site =
        ["usr", "local", "lib", "python3.8", "site-packages"].iter().fold(install.to_path_buf(), |p, c| p.join(c));
    std::fs::create_dir_all(&site).unwrap();
    let path = site.join(format!("duoauthproxy-{version}-py3.8.egg-info"));
    std::fs::write(&path, format!("Metadata-Version: 1.0\nName: duoauthproxy\nVersion: {version}\nSummary: UNKNOWN\n"))
        .unwrap();
    path
}

#[test]
fn the_start_up_banner_names_the_version_and_6_x_keys_pass() {
    let (dir, config) = install();
    write_banner(dir.path(), "6.8.0");
    let o = run(&["validate", "--platform", "linux", config.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("0 error(s), 0 warning(s)"), "{out}");
    assert!(out.contains("proxy 6.8.0 from the start-up banner in"), "{out}");
}

#[test]
fn package_metadata_wins_over_the_banner_and_5_x_rejects_the_key() {
    let (dir, config) = install();
    write_banner(dir.path(), "6.8.0");
    let egg = write_egg_info(dir.path(), "5.0.0");
    let o = run(&["validate", "--platform", "linux", "--format", "json", config.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let file = &report[0];
    assert_eq!(file["proxy_version"]["version"], "5.0.0");
    assert_eq!(file["proxy_version"]["source"]["kind"], "package-metadata");
    assert_eq!(file["proxy_version"]["source"]["path"], egg.display().to_string());
    let findings = file["diagnostics"].as_array().unwrap();
    assert!(findings.iter().any(|d| d["kind"] == "UnexpectedKey" && d["severity"] == "error"), "{findings:?}");
}

#[test]
fn the_command_line_version_overrides_the_detected_one() {
    let (dir, config) = install();
    write_egg_info(dir.path(), "5.0.0");
    let o = run(&[
        "validate",
        "--platform",
        "linux",
        "--proxy-version",
        "6.4.1",
        "--format",
        "json",
        config.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report[0]["proxy_version"]["version"], "6.4.1");
    assert_eq!(report[0]["proxy_version"]["source"]["kind"], "given");
    let bad = run(&["validate", "--proxy-version", "six", config.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a proxy version"));
}

#[test]
fn an_unknown_version_is_said_and_reported_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("authproxy.cfg");
    std::fs::write(&config, config_with_message_authenticator()).unwrap();
    let o = run(&["validate", "--platform", "linux", config.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("warning[UnexpectedKey]") && out.contains("accepted by 6.x proxies"), "{out}");
    assert!(out.contains("proxy version unknown"), "{out}");
    let o = run(&["validate", "--platform", "linux", "--format", "json", config.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report[0]["proxy_version"].is_null());
}

fn unexpected_keys(harness: &mut egui_kittest::Harness<'static, AuthProxyApp>) -> Vec<Severity> {
    harness.state_mut().diagnostics().iter().filter(|d| d.kind == Kind::UnexpectedKey).map(|d| d.severity).collect()
}

#[test]
fn the_status_bar_shows_the_detected_version_and_sets_another() {
    let (dir, config) = install();
    write_banner(dir.path(), "6.5.1");
    let mut harness = harness(Some(&config), Platform::Linux, None);
    assert_eq!(harness.state().proxy_version().map(|k| k.version.to_string()), Some("6.5.1".to_string()));
    assert!(unexpected_keys(&mut harness).is_empty());
    // The Validate report (F5) checks for that release too, and says so for the record.
    harness.key_press(egui::Key::F5);
    harness.run();
    let report = harness.state().reports().last().expect("a Validate report").to_text();
    assert!(
        report.contains("(linux semantics, proxy 6.5.1)") && report.contains("0 error(s), 0 warning(s)"),
        "{report}"
    );
    harness.get_by_label("Proxy 6.5.1").click();
    harness.run();
    let field = harness.get_by_role(Role::TextInput);
    assert!(field.is_focused(), "the version field has the keyboard when the menu opens");
    field.type_text("5.0.0");
    harness.run();
    harness.get_by_label("Use this version").click();
    harness.run();
    assert_eq!(unexpected_keys(&mut harness), [Severity::Error]);
    assert!(harness.state().status_note().contains("Validating for proxy 5.0.0"), "{}", harness.state().status_note());
    harness.get_by_label("Proxy 5.0.0").click();
    harness.run();
    harness.get_by_label("Detect it again").click();
    harness.run();
    assert!(harness.query_by_label("Proxy 6.5.1").is_some());
    assert!(unexpected_keys(&mut harness).is_empty());
}

#[test]
fn without_an_install_the_status_bar_says_the_version_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("copy.cfg");
    std::fs::write(&config, config_with_message_authenticator()).unwrap();
    let mut harness = harness(Some(&config), Platform::Linux, None);
    assert!(harness.query_by_label("Proxy version unknown").is_some());
    assert_eq!(unexpected_keys(&mut harness), [Severity::Warning]);
}
