//! Real DPAPI and the real binary on Windows (run under Wine by ci/windows/check.sh).

use std::io::Write as _;
use std::process::{Command, Stdio};

use authproxy_manager::secrets::{
    dpapi_provider, running_under_wine, DPAPI_BASE64_PREFIX, WINDOWS_DPAPI_PROVIDER, WINE_DPAPI_PROVIDER,
};

/// The base64 a blob starts with: Windows' DPAPI header, or Wine's (version 1 + "Wine Crypt32 ok").
fn header() -> &'static str {
    if running_under_wine() {
        "AQAAAFdpbmUgQ3J5cHQzMiBvawAB"
    } else {
        DPAPI_BASE64_PREFIX
    }
}

use crate::util::samples_dir;

fn exe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
}

#[test]
fn protect_reads_standard_input_and_prints_a_dpapi_blob() {
    let mut child = exe().arg("protect").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"vpn-shared-Secret-01\r\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let blob = String::from_utf8(out.stdout).unwrap();
    assert!(blob.trim().starts_with(header()), "{blob}");
    let expected = if running_under_wine() { WINE_DPAPI_PROVIDER } else { WINDOWS_DPAPI_PROVIDER };
    assert_eq!(dpapi_provider(&blob), Some(expected));
    assert!(!blob.contains("vpn-shared"));
}

#[test]
fn protect_all_then_validate_and_reveal_on_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, std::fs::read(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap()).unwrap();
    let file = path.display().to_string();
    let o = exe().args(["protect", "--all", &file]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&format!("skey_protected={}", header())), "{text}");
    let o = exe().args(["validate", "--platform", "windows", &file]).output().unwrap();
    let report = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{report}");
    assert!(!report.contains("InvalidProtectedValue") && !report.contains("PlaintextSecret"), "{report}");
    let o = exe()
        .args(["reveal", "--section", "ad_client", "--key", "service_account_password_protected", &file])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("decrypts on this machine: *****") && !shown.contains("Spring-Rain"), "{shown}");
    let o = exe()
        .args(["reveal", "--show", "--section", "ad_client", "--key", "service_account_password_protected", &file])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "Spring-Rain-4471");
}

#[test]
fn sample_blobs_made_elsewhere_do_not_decrypt_here() {
    let file = samples_dir().join("v06_protected_fake_dpapi.cfg").display().to_string();
    let o = exe().args(["validate", "--platform", "windows", "--format", "json", &file]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<String> = json[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "InvalidProtectedValue")
        .map(|d| d["keys"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["service_account_password_protected", "skey_protected", "radius_secret_protected_1"]);
}

mod service_control {
    //! The Service Control Manager (Wine has one): a tiny real service
    //! (examples/proxy_test_service) is installed under a test name, driven through
    //! start, stop, restart and status by our code, then deleted.

    use std::ffi::OsString;
    use std::path::PathBuf;

    use authproxy_manager::service::windows::WindowsService;
    use authproxy_manager::service::{ServiceControl, ServiceError, ServiceState};
    use windows_service::service::{
        ServiceAccess, ServiceErrorControl, ServiceInfo, ServiceStartType, ServiceState as ScmState, ServiceType,
    };
    use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};

    const NAME: &str = "AuthProxyManagerTest";

    fn service_binary() -> PathBuf {
        let deps = std::env::current_exe().unwrap().parent().unwrap().to_path_buf();
        let path = deps.parent().unwrap().join("examples").join("proxy_test_service.exe");
        assert!(path.is_file(), "{} is missing: run the whole suite, which builds examples", path.display());
        path
    }

    /// Deletes the test service when dropped, stopping it first.
    struct Installed;

    impl Drop for Installed {
        fn drop(&mut self) {
            let _ = WindowsService::new(NAME).stop();
            if let Ok(manager) = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT) {
                if let Ok(service) = manager.open_service(NAME, ServiceAccess::DELETE) {
                    let _ = service.delete();
                }
            }
        }
    }

    fn install() -> Installed {
        let manager = ServiceManager::local_computer(
            None::<&str>,
            ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE,
        )
        .expect("the Service Control Manager");
        if let Ok(old) = manager.open_service(NAME, ServiceAccess::DELETE | ServiceAccess::STOP) {
            let _ = old.stop();
            let _ = old.delete();
        }
        let info = ServiceInfo {
            name: OsString::from(NAME),
            display_name: OsString::from("authproxy-manager test service"),
            service_type: ServiceType::OWN_PROCESS,
            start_type: ServiceStartType::OnDemand,
            error_control: ServiceErrorControl::Normal,
            executable_path: service_binary(),
            launch_arguments: vec![OsString::from(NAME)],
            dependencies: vec![],
            account_name: None,
            account_password: None,
        };
        let service = manager.create_service(&info, ServiceAccess::QUERY_STATUS).expect("create the test service");
        assert_eq!(service.query_status().unwrap().current_state, ScmState::Stopped);
        Installed
    }

    #[test]
    fn a_real_service_is_driven_through_every_state() {
        let mut missing = WindowsService::new("AuthProxyManagerNoSuchService");
        assert_eq!(missing.state(), ServiceState::NotInstalled);
        assert!(matches!(missing.start(), Err(ServiceError::NotInstalled(_))));

        let _installed = install();
        let mut service = WindowsService::new(NAME);
        assert_eq!(service.describe(), format!("Windows service {NAME}"));
        assert_eq!(service.state(), ServiceState::Stopped);
        service.start().expect("start");
        assert_eq!(service.state(), ServiceState::Running);
        service.restart().expect("restart");
        assert_eq!(service.state(), ServiceState::Running);
        service.stop().expect("stop");
        assert_eq!(service.state(), ServiceState::Stopped);
        service.stop().expect("stopping a stopped service is not an error");
        service.start().expect("start again");
        assert_eq!(service.state(), ServiceState::Running);
        service.start().expect("starting a running service is not an error");
        service.stop().expect("stop");
    }

    #[test]
    fn the_command_line_drives_the_proxy_service_by_name() {
        // The real DuoAuthProxy is not installed here: status says so with exit code 4.
        let out = super::exe().args(["service", "status"]).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("DuoAuthProxy"));
    }
}

/// The exe is a GUI-subsystem program: started from Explorer or the Start menu no console
/// window opens beside it (the subsystem field of its PE header says so).
#[test]
fn the_exe_opens_no_console_window() {
    const IMAGE_SUBSYSTEM_WINDOWS_GUI: u16 = 2;
    let exe = std::fs::read(env!("CARGO_BIN_EXE_authproxy-manager")).unwrap();
    let pe = u32::from_le_bytes(exe[0x3c..0x40].try_into().unwrap()) as usize;
    assert_eq!(&exe[pe..pe + 4], b"PE\0\0");
    let subsystem_at = pe + 4 + 20 + 68;
    let subsystem = u16::from_le_bytes(exe[subsystem_at..subsystem_at + 2].try_into().unwrap());
    assert_eq!(subsystem, IMAGE_SUBSYSTEM_WINDOWS_GUI);
}

/// Run from a prompt or a script, the subcommands still print and return their exit codes.
#[test]
fn the_command_line_still_prints_and_returns_its_exit_code() {
    let o =
        exe().args(["validate", "--platform", "windows"]).arg(samples_dir().join("i03_typo_key.cfg")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("error[UnexpectedKey]"));
    let o = exe().arg("--version").output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(env!("CARGO_PKG_VERSION")));
    // Through cmd.exe, as a batch file or an admin at a prompt runs it.
    let o = Command::new("cmd")
        .args(["/c", env!("CARGO_BIN_EXE_authproxy-manager"), "explain", "UnpairedKey"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("UnpairedKey"), "{}", String::from_utf8_lossy(&o.stdout));
}

/// `reg.exe` with these arguments; panics with its output when it fails.
fn reg(args: &[&str]) -> String {
    let out = Command::new("reg").args(args).output().expect("reg.exe runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "reg {args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn the_installed_version_is_read_from_the_real_uninstall_entry() {
    use authproxy_manager::service::version::{from_uninstall_entry, HostRegistry, VersionSource, UNINSTALL_KEY};
    let install = tempfile::tempdir().unwrap();
    let key = format!(r"HKLM\{UNINSTALL_KEY}");
    let uninstaller = format!(r#""{}\uninstall.exe""#, install.path().display());
    for view in ["/reg:64", "/reg:32"] {
        let installed = Command::new("reg").args(["query", &key, view]).output().is_ok_and(|o| o.status.success());
        if installed {
            // A real proxy's entry: never overwrite it; it must name its own install's version.
            let query = reg(&["query", &key, "/v", "DisplayVersion", view]);
            let shown = query.split_whitespace().last().unwrap_or_default().to_string();
            let uninstaller = reg(&["query", &key, "/v", "UninstallString", view]);
            let program = uninstaller.split("REG_SZ").nth(1).unwrap_or_default().trim().trim_matches('"').to_string();
            let folder = std::path::Path::new(&program).parent().expect("the uninstaller is in the install folder");
            let found = from_uninstall_entry(folder, &HostRegistry).expect("the real entry is read");
            assert_eq!(found.version, shown.parse().unwrap());
            continue;
        }
        reg(&["add", &key, "/v", "DisplayVersion", "/t", "REG_SZ", "/d", "6.8.0", "/f", view]);
        reg(&["add", &key, "/v", "UninstallString", "/t", "REG_SZ", "/d", &uninstaller, "/f", view]);
        let found = from_uninstall_entry(install.path(), &HostRegistry);
        let elsewhere = tempfile::tempdir().unwrap();
        let for_another_folder = from_uninstall_entry(elsewhere.path(), &HostRegistry);
        reg(&["delete", &key, "/f", view]);
        let found = found.unwrap_or_else(|| panic!("no version read from the {view} view"));
        assert_eq!(found.version.to_string(), "6.8.0");
        let VersionSource::UninstallEntry { key: read } = &found.source else { panic!("{found:?}") };
        assert_eq!(read.contains("WOW6432Node"), view == "/reg:32", "{read}");
        assert!(for_another_folder.is_none(), "another folder's entry is not ours");
    }
}

#[test]
fn the_machine_code_page_is_the_one_windows_reports() {
    let query = reg(&["query", r"HKLM\System\CurrentControlSet\Control\Nls\CodePage", "/v", "ACP"]);
    let acp: u16 = query
        .lines()
        .find_map(|line| line.trim().strip_prefix("ACP")?.split_whitespace().last()?.parse().ok())
        .unwrap_or_else(|| panic!("no ACP in {query}"));
    assert_eq!(authproxy_manager::config::CodePage::host().number(), acp);
}

/// The fleet's node side on Windows: `node` answers a status request from standard input with
/// the Windows service manager's view and the config, checked with this machine's DPAPI.
#[test]
fn the_node_command_answers_a_status_request_with_the_windows_view() {
    let install = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(install.path().join("conf")).unwrap();
    let config = std::fs::read(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap();
    std::fs::write(install.path().join("conf").join("authproxy.cfg"), &config).unwrap();
    let request =
        serde_json::json!({"protocol": 1, "op": "status", "install_dir": install.path().display().to_string()});
    let mut child = exe().arg("node").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(request.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let reply: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let status = &reply["status"];
    assert_eq!(status["os"], "windows", "{reply}");
    assert_eq!(status["config_sha256"], authproxy_manager::fleet::protocol::sha256_hex(&config));
    // Plaintext secrets on Windows: the checker's warnings, run here with this machine's rules.
    assert!(status["warnings"].as_u64().unwrap() > 0, "{reply}");
    // Nothing is installed as DuoAuthProxy in this prefix.
    assert_eq!(status["service"], "not installed", "{reply}");
    assert!(status["config_path"].as_str().unwrap().ends_with(r"conf\authproxy.cfg"), "{reply}");
}

/// The node's apply on Windows: plaintext secrets are protected with this machine's DPAPI before
/// anything is written; the service that does not start (none is installed in this prefix) puts
/// the old config back, byte for byte.
#[test]
fn the_node_apply_protects_secrets_here_and_rolls_back_when_the_service_does_not_start() {
    use base64::Engine as _;
    let install = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(install.path().join("conf")).unwrap();
    let old = b"[radius_server_auto]\r\nikey=DIVQJXXVBOTHD0WTFLHB\r\n".to_vec();
    let config = install.path().join("conf").join("authproxy.cfg");
    std::fs::write(&config, &old).unwrap();
    let new = std::fs::read(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap();
    let request = serde_json::json!({
        "protocol": 1,
        "op": "apply",
        "install_dir": install.path().display().to_string(),
        "config": base64::engine::general_purpose::STANDARD.encode(&new),
        "expected_sha256": authproxy_manager::fleet::protocol::sha256_hex(&old),
        "protect": true,
        "check": false,
        "start_timeout_secs": 5,
    });
    let mut child = exe().arg("node").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(request.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
    let report = &reply["applied"];
    assert_eq!(report["steps"][0]["detail"], "validates here; 4 secret(s) protected with this node's DPAPI", "{reply}");
    assert_eq!(report["steps"][1]["what"], "written", "{reply}");
    assert_eq!(report["outcome"]["outcome"], "rollback_failed", "no service to restart: {reply}");
    assert!(report["outcome"]["why"].as_str().unwrap().contains("the old config is back"), "{reply}");
    assert_eq!(std::fs::read(&config).unwrap(), old, "the old config, byte for byte");
    assert!(!text.contains("Spring-Rain") && !text.contains("vpn-shared-Secret"), "{text}");
}
