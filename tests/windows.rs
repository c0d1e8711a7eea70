//! Real DPAPI and the real binary on Windows (run under Wine by ../shared/tools/windows-check.sh).

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
