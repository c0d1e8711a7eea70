//! The authproxyctl route against real processes: a test daemon (examples/proxy_test_daemon,
//! built by `cargo test`) under a temp install folder, with an `authproxyctl` that manages it
//! through a pid file. Our code drives it through every state, from the library, the
//! command line and the window.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use authproxy_manager::app::files::NativeDialogs;
use authproxy_manager::app::{AuthProxyApp, Environment};
use authproxy_manager::schema::Platform;
use authproxy_manager::service::authproxyctl::Authproxyctl;
use authproxy_manager::service::monitor::{Request, ServiceMonitor};
use authproxy_manager::service::{host_service, ServiceControl, ServiceError, ServiceState};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;

use crate::util::{samples_dir, trusted_tempdir, wait_until};

/// The test daemon, built by `cargo test` as an example.
fn daemon_binary() -> PathBuf {
    let deps = std::env::current_exe().unwrap().parent().unwrap().to_path_buf();
    let path = deps.parent().unwrap().join("examples").join("proxy_test_daemon");
    assert!(
        path.is_file(),
        "{} is missing: run the whole suite with `cargo test`, which builds examples",
        path.display()
    );
    path
}

/// A proxy install folder with `bin/authproxyctl`, the daemon, a valid config and `log/`.
pub(crate) struct TestInstall {
    dir: tempfile::TempDir,
}

impl TestInstall {
    fn new() -> Self {
        Self::with_config(&std::fs::read(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap())
    }

    /// The same install with `config` as its `conf/authproxy.cfg`.
    pub(crate) fn with_config(config: &[u8]) -> Self {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = trusted_tempdir();
        for sub in ["bin", "conf", "log", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::set_permissions(dir.path().join(sub), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let ctl = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/service/authproxyctl");
        std::fs::copy(ctl, dir.path().join("bin/authproxyctl")).unwrap();
        std::fs::set_permissions(dir.path().join("bin/authproxyctl"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::copy(daemon_binary(), dir.path().join("bin/proxy_test_daemon")).unwrap();
        std::fs::write(dir.path().join("conf/authproxy.cfg"), config).unwrap();
        Self { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn script(&self) -> PathBuf {
        self.path().join("bin/authproxyctl")
    }

    fn control(&self) -> Authproxyctl {
        let mut control = Authproxyctl::new(self.script());
        control.timeout = Duration::from_secs(20);
        control.interval = Duration::from_millis(50);
        control
    }

    fn pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.path().join("run/duoauthproxy.pid")).ok()?.trim().parse().ok()
    }

    pub(crate) fn set_start_delay(&self, millis: u64) {
        std::fs::write(self.path().join("bin/start-delay-ms"), millis.to_string()).unwrap();
    }
}

impl Drop for TestInstall {
    fn drop(&mut self) {
        let _ = Command::new(self.script()).arg("stop").output();
    }
}

#[test]
fn authproxyctl_is_driven_through_every_state() {
    let install = TestInstall::new();
    let mut control = install.control();

    let missing = install.path().join("bin/authproxyctl.missing");
    assert_eq!(Authproxyctl::new(missing.clone()).state(), ServiceState::NotInstalled);
    assert!(matches!(Authproxyctl::new(missing).start(), Err(ServiceError::NotInstalled(_))));

    assert_eq!(control.state(), ServiceState::Stopped);
    control.start().expect("start");
    assert_eq!(control.state(), ServiceState::Running);
    let first = install.pid().expect("a pid file");
    assert!(Path::new(&format!("/proc/{first}")).exists(), "the daemon runs");

    control.restart().expect("restart");
    assert_eq!(control.state(), ServiceState::Running);
    let second = install.pid().expect("a pid file after restart");
    assert_ne!(first, second, "restart ran a new process");

    control.stop().expect("stop");
    assert_eq!(control.state(), ServiceState::Stopped);
    assert!(install.pid().is_none(), "stop removed the pid file");

    // The daemon dies behind the proxy's back: authproxyctl reports a stale pid file.
    control.start().expect("start again");
    let pid = install.pid().unwrap();
    Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(
        wait_until(Duration::from_millis(25), Duration::from_secs(5), || control.state() == ServiceState::Stopped),
        "a dead daemon is stopped"
    );
    let status = Command::new(install.script()).arg("status").status().unwrap();
    assert_eq!(status.code(), Some(1), "authproxyctl itself calls the pid file stale");
    control.start().expect("start after a crash");
    assert_eq!(control.state(), ServiceState::Running);
    control.stop().expect("stop");

    // A script this user may not run.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(install.script(), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(control.state(), ServiceState::AccessDenied);
    assert!(matches!(control.start(), Err(ServiceError::AccessDenied { .. })));
    std::fs::set_permissions(install.script(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_slow_start_shows_starting_then_running_and_a_stuck_one_times_out() {
    let install = TestInstall::new();
    install.set_start_delay(1500);
    let monitor = ServiceMonitor::spawn(Box::new(install.control()), Duration::from_millis(100), || {});
    assert!(wait_until(Duration::from_millis(25), Duration::from_secs(10), || monitor.state() == ServiceState::Stopped));
    monitor.request(Request::Start);
    assert!(
        wait_until(Duration::from_millis(25), Duration::from_secs(5), || monitor.busy() == Some(Request::Start)),
        "the start is in progress"
    );
    assert!(wait_until(Duration::from_millis(25), Duration::from_secs(20), || monitor.state() == ServiceState::Running));
    let outcomes = monitor.take_outcomes();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].result, Ok(()));

    monitor.request(Request::Stop);
    assert!(wait_until(Duration::from_millis(25), Duration::from_secs(20), || monitor.state() == ServiceState::Stopped));

    let mut impatient = install.control();
    // Long enough for a loaded machine to run the script, far shorter than the daemon's start.
    impatient.timeout = Duration::from_millis(1500);
    install.set_start_delay(8000);
    let err = impatient.start().unwrap_err();
    assert!(matches!(err, ServiceError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains("did not become running within 1 s"), "{err}");
    // The slow daemon does come up later; stop it rather than leave it behind.
    let mut patient = install.control();
    assert!(wait_until(Duration::from_millis(25), Duration::from_secs(20), || patient.state() == ServiceState::Running));
    patient.stop().expect("stop the late daemon");
}

#[test]
fn this_host_uses_authproxyctl_when_systemd_is_not_pid_1() {
    let pid1 = std::fs::read_to_string("/proc/1/comm").unwrap_or_default();
    let install = TestInstall::new();
    let control = host_service(install.path());
    if pid1.trim() == "systemd" {
        return; // Covered by the unit tests of the route choice.
    }
    assert_eq!(control.describe(), install.script().display().to_string());
}

fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_authproxy-manager")).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_service_command_reports_with_exit_codes_scripts_can_use() {
    let install = TestInstall::new();
    let dir = install.path().to_str().unwrap();

    let (code, out, _) = cli(&["service", "status", "--install-dir", dir]);
    assert_eq!(code, Some(3), "stopped: {out}");
    assert!(out.contains("stopped"), "{out}");

    let (code, out, err) = cli(&["service", "start", "--install-dir", dir]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("running"), "{out}");
    assert_eq!(cli(&["service", "status", "--install-dir", dir]).0, Some(0));
    assert_eq!(cli(&["service", "restart", "--install-dir", dir]).0, Some(0));
    assert_eq!(cli(&["service", "stop", "--install-dir", dir]).0, Some(0));
    assert_eq!(cli(&["service", "status", "--install-dir", dir]).0, Some(3));

    // A config with errors is not started unless forced.
    std::fs::write(install.path().join("conf/authproxy.cfg"), "[radius_server_auto]\nfailmod=secure\n").unwrap();
    let (code, out, err) = cli(&["service", "start", "--install-dir", dir]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(out.contains("UnexpectedKey"), "the findings are printed: {out}");
    assert_eq!(cli(&["service", "status", "--install-dir", dir]).0, Some(3), "not started");
    assert_eq!(cli(&["service", "start", "--force", "--install-dir", dir]).0, Some(0));
    assert_eq!(cli(&["service", "stop", "--install-dir", dir]).0, Some(0));

    let nowhere = install.path().join("nowhere");
    let (code, out, _) = cli(&["service", "status", "--install-dir", nowhere.to_str().unwrap()]);
    assert_eq!(code, Some(4), "not installed: {out}");
    assert!(out.contains("not installed"), "{out}");
}

/// The app on the install's config, controlling its service.
fn window_on(install: &TestInstall) -> Harness<'static, AuthProxyApp> {
    let env = Environment {
        dialogs: Box::new(NativeDialogs),
        protector: std::sync::Arc::from(authproxy_manager::secrets::host_protector()),
        service: Box::new(install.control()),
        service_config: Some(install.path().join("conf/authproxy.cfg")),
        crash_reports: None,
        settings_file: None,
        service_factory: None,
        fleet_audit: None,
    };
    let app = AuthProxyApp::new(Some(&install.path().join("conf/authproxy.cfg")), Platform::Linux, env);
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app)
}

#[test]
fn the_window_starts_and_stops_the_service_and_shows_its_log() {
    let install = TestInstall::new();
    let mut harness = window_on(&install);
    let settle = |harness: &mut Harness<'_, AuthProxyApp>, state: ServiceState| {
        let reached = wait_until(Duration::from_millis(25), Duration::from_secs(20), || {
            harness.step();
            harness.state().service_state() == state
        });
        assert!(reached, "the badge reaches {state}; it shows {}", harness.state().service_state());
        // Draw once more, so the widgets show the state just reached.
        harness.step();
    };
    settle(&mut harness, ServiceState::Stopped);
    assert!(harness.query_all_by_label("Service: stopped").count() >= 1);
    assert!(harness.get_by_label("Stop").accesskit_node().is_disabled());

    harness.get_by_label("Start").click();
    settle(&mut harness, ServiceState::Running);
    assert!(harness.get_by_label("Start").accesskit_node().is_disabled());
    assert!(!harness.get_by_label("Stop").accesskit_node().is_disabled());
    let logged = wait_until(Duration::from_millis(25), Duration::from_secs(10), || {
        harness.step();
        harness.query_by_label_contains("Listening on 127.0.0.1:1812").is_some()
    });
    assert!(logged, "the Log tab shows the proxy's log after starting");

    harness.get_by_label("Stop").click();
    settle(&mut harness, ServiceState::Stopped);
    assert!(
        harness.query_by_label_contains("Done: the service is stopped").is_some() || {
            harness.get_by_label("Output").click();
            harness.run();
            harness.query_by_label_contains("Done: the service is stopped").is_some()
        }
    );
}

#[test]
fn starting_a_config_with_errors_asks_first() {
    let install = TestInstall::new();
    std::fs::write(install.path().join("conf/authproxy.cfg"), "[radius_server_auto]\nfailmod=secure\n").unwrap();
    let mut harness = window_on(&install);
    assert!(wait_until(Duration::from_millis(25), Duration::from_secs(20), || {
        harness.step();
        harness.state().service_state() == ServiceState::Stopped
    }));
    harness.get_by_label("Start").click();
    harness.run();
    assert!(harness.query_by_label_contains("error(s) (see Output)").is_some(), "a question is asked");
    harness.get_by_label("Cancel").click();
    harness.run();
    std::thread::sleep(Duration::from_millis(500));
    harness.run();
    assert_eq!(harness.state().service_state(), ServiceState::Stopped, "cancel leaves it stopped");
    assert!(install.pid().is_none());
}

/// A folder as a downloaded support bundle has it: `conf/authproxy.cfg` beside a
/// `bin/authproxyctl` that leaves a marker when it runs. Neither opening the config in the
/// window nor the `service` command may run it.
#[test]
fn a_config_from_an_untrusted_folder_never_runs_its_authproxyctl() {
    use std::os::unix::fs::PermissionsExt as _;
    let bundle = tempfile::tempdir().unwrap();
    let marker = bundle.path().join("authproxyctl-ran");
    for sub in ["bin", "conf"] {
        std::fs::create_dir(bundle.path().join(sub)).unwrap();
    }
    let script = bundle.path().join("bin/authproxyctl");
    std::fs::write(&script, format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 3\n", marker.display())).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = bundle.path().join("conf/authproxy.cfg");
    std::fs::copy(samples_dir().join("v01_radius_auto_ad.cfg"), &config).unwrap();

    // As `authproxy-manager --config bundle/conf/authproxy.cfg` starts it.
    let env = Environment::installed(None);
    let app = AuthProxyApp::new(Some(&config), Platform::Linux, env);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    // Longer than two polls of the service monitor.
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    let why = harness.state().service_explanation();
    assert!(why.contains("Service control is off for this file") && why.contains("nothing is run"), "{why}");
    assert!(harness.get_by_label("Start").accesskit_node().is_disabled());
    assert!(!marker.exists(), "the window ran the bundle's authproxyctl");

    let (code, out, err) = cli(&["service", "status", "--install-dir", bundle.path().to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("was not run") && out.contains("can be written by every user"), "{out}");
    let (code, out, _) = cli(&["service", "start", "--force", "--install-dir", bundle.path().to_str().unwrap()]);
    assert_ne!(code, Some(0), "{out}");
    let _ = cli(&["service", "status"]);
    assert!(!marker.exists(), "the service command ran the bundle's authproxyctl");
}

/// `--install-dir` names the real install: its config gets working buttons; any other file
/// opened later turns them off, and the install's config turns them on again.
#[test]
fn the_named_install_is_controlled_only_while_its_config_is_open() {
    let install = TestInstall::new();
    let config = install.path().join("conf/authproxy.cfg");
    let app = AuthProxyApp::new(Some(&config), Platform::Linux, Environment::installed(Some(install.path())));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    assert!(wait_until(Duration::from_millis(25), Duration::from_secs(20), || {
        harness.step();
        harness.state().service_state() == ServiceState::Stopped
    }));
    harness.step();
    assert!(!harness.get_by_label("Start").accesskit_node().is_disabled(), "{}", harness.state().service_explanation());

    let elsewhere = tempfile::tempdir().unwrap();
    let other = elsewhere.path().join("authproxy.cfg");
    std::fs::copy(&config, &other).unwrap();
    harness.state_mut().open_file(&other);
    harness.run();
    assert!(harness.get_by_label("Start").accesskit_node().is_disabled());
    assert!(harness.state().service_explanation().contains("off for this file"));
    harness.state_mut().open_file(&config);
    harness.run();
    assert!(!harness.get_by_label("Start").accesskit_node().is_disabled(), "{}", harness.state().service_explanation());
}
