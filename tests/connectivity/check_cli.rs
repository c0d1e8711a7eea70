//! `authproxy-manager check`: streamed text, JSON, exit codes, and no secrets in either.

use std::process::Command;

use super::duo_server::{pki, start, DuoOptions, IKEY, SKEY};
use super::servers::slapd;

fn config(dir: &std::path::Path, port: u16, password: &str) -> std::path::PathBuf {
    let s = slapd();
    let text = format!(
        "[ad_client]\nhost=localhost\nport={}\nauth_type=plain\nbind_dn={}\nservice_account_username=svc\nservice_account_password={password}\nsearch_dn={}\n\
         [radius_server_auto]\nikey={IKEY}\nskey={SKEY}\napi_host=localhost\napi_port={port}\nhttp_ca_certs_file={}\nradius_ip_1=127.0.0.1\nradius_secret_1=s\nclient=ad_client\n",
        s.get("TEST_SLAPD_PORT"),
        s.get("TEST_SLAPD_BIND_DN"),
        s.get("TEST_SLAPD_SEARCH_DN"),
        pki().ca_file.display()
    );
    let path = dir.join("authproxy.cfg");
    std::fs::write(&path, text).unwrap();
    path
}

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_authproxy-manager")).arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_status_text_and_json_without_secrets() {
    let server = start(DuoOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let good = config(dir.path(), server.port, slapd().get("TEST_SLAPD_BIND_PASSWORD"));
    let (code, out, err) = check(&[good.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("2 probes") && out.contains("2 ok"), "{out}");
    assert!(out.contains("authproxy.cfg:2:1"), "each probe names its file:line:col: {out}");

    let bad = config(dir.path(), server.port, "Wr0ng-Passw0rd-Value");
    let (code, out, _) = check(&[bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("invalid credentials (LDAP 49)") && out.contains("what to do:"), "{out}");
    let (code, json, _) = check(&["--format", "json", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["passed"], false);
    assert_eq!(value["summary"]["failed"], 1);
    let bind = &value["probes"][0]["steps"][2];
    assert_eq!(bind["step"], "bind");
    assert_eq!(bind["outcome"]["problem"]["kind"], "invalid_credentials", "{bind}");
    for text in [&out, &json] {
        assert!(!text.contains("Wr0ng-Passw0rd-Value") && !text.contains(SKEY), "a secret leaked:\n{text}");
    }

    let (code, _, err) = check(&["/nonexistent/authproxy.cfg"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/authproxy.cfg"), "{err}");
}
