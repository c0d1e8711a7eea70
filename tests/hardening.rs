//! Safe on a production proxy: no panic from outside input, a crash report instead of a
//! message quoting input, secrets masked by the shape of their key, one path rule, and no
//! test-only hooks in the binary.

use std::path::Path;
use std::process::{Command, Output};

use authproxy_manager::config::paths::{locate, Lookup, PathKind};
use authproxy_manager::config::Document;
use authproxy_manager::connectivity::build_plan;
use authproxy_manager::connectivity::plan::ProbeTarget;
use authproxy_manager::logfile::display_text;
use authproxy_manager::schema::Platform;
use authproxy_manager::service::logs::mask_secrets;
use authproxy_manager::validate::{validate, Kind, Options};

fn exe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// Test builds only have the panic trigger (`cargo test`, not `--release`).
#[cfg(debug_assertions)]
#[test]
fn an_internal_error_prints_one_line_writes_a_report_without_input_and_exits_70() {
    let state = tempfile::tempdir().unwrap();
    let o = exe()
        .args(["validate", "whatever.cfg"])
        .env("XDG_STATE_HOME", state.path())
        .env("LOCALAPPDATA", state.path())
        .env("AUTHPROXY_MANAGER_TEST_PANIC", "cli")
        .env("AUTHPROXY_MANAGER_TEST_PANIC_INPUT", "skey=Hunter2-In-A-Panic")
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(70), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line only: {err}");
    let report = lines[0].strip_prefix("internal error, report at ").expect("where the report is");
    assert!(report.starts_with(&state.path().display().to_string()), "{report}");
    let body = std::fs::read_to_string(report).unwrap();
    let location = body.lines().find_map(|l| l.strip_prefix("location: ")).unwrap_or_default().replace('\\', "/");
    assert!(location.starts_with("src/cli/mod.rs:"), "where in our code: {location}");
    for expected in [env!("CARGO_PKG_VERSION"), std::env::consts::OS, "backtrace:"] {
        assert!(body.contains(expected), "the report has {expected}:\n{body}");
    }
    assert!(body.contains("message: (withheld"), "{body}");
    assert!(!body.contains("Hunter2") && !err.contains("Hunter2"), "no input text in a panic's output");
}

#[test]
fn misspelt_and_unknown_secret_keys_are_masked_in_text_and_json_without_their_length() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(
        &path,
        "[radius_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey=muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd\n\
         api_host=api-3f8a1c2d.duosecurity.com\nradius_ip_1=10.0.0.1\nradius_secert_1=Vpn-Typo-Secret-77\n\
         client=ad_client\n[ad_client]\nhost=dc1\nservice_account_username=svc\nservice_acount_password=Typo-Pass-88\n\
         search_dn=DC=example,DC=com\nbind_passphrase=Unknown-Phrase-99\n",
    )
    .unwrap();
    let file = path.display().to_string();
    for args in [vec!["validate", "--platform", "linux", &file], vec!["validate", "--format", "json", &file]] {
        let o = exe().args(&args).output().unwrap();
        let (out, err) = text(&o);
        assert!(out.contains("radius_secert_1"), "the finding is reported: {out}");
        for secret in
            ["Vpn-Typo-Secret-77", "Typo-Pass-88", "Unknown-Phrase-99", "muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd"]
        {
            assert!(!out.contains(secret) && !err.contains(secret), "{args:?} shows {secret}:\n{out}");
        }
        if args.contains(&"--platform") {
            assert!(out.contains("radius_secert_1=********\n"), "a fixed-length mask: {out}");
            assert!(!out.contains(&"*".repeat("Vpn-Typo-Secret-77".len())), "the mask tells no length: {out}");
        }
    }
}

#[test]
fn log_lines_with_any_text_are_masked_without_a_panic() {
    let line = "2026-11-30T09:00:00+0100 [duoauthproxy.lib.log#info] Login for Jürgen Müller (ü) password=Geheim-ÄÖ-1 \
                skey: 'Ünïcode-Skey' radius_secert_2=Typo-2 fin";
    let masked = mask_secrets(line);
    for secret in ["Geheim", "Ünïcode-Skey", "Typo-2"] {
        assert!(!masked.contains(secret), "{masked}");
    }
    assert!(masked.contains("Jürgen Müller (ü)") && masked.ends_with(" fin"), "{masked}");
    let mut bytes = line.as_bytes().to_vec();
    bytes.extend_from_slice(b"\n\xff\xfe broken utf-8 password=x\xc3\n");
    let broken = bytes.split(|&b| b == b'\n').nth(1).unwrap();
    let shown = display_text(broken);
    assert!(shown.starts_with("ÿþ broken") && !shown.contains("=x"), "{shown}");
}

/// The CA file the validator accepts is the one the connectivity check opens, wherever the
/// proxy's rule finds it: in the install folder, else under `conf/`.
#[test]
fn the_validator_and_the_check_resolve_a_relative_ca_file_alike() {
    let install = tempfile::tempdir().unwrap();
    let conf = install.path().join("conf");
    std::fs::create_dir(&conf).unwrap();
    std::fs::write(conf.join("ldaps-ca.pem"), "-----BEGIN CERTIFICATE-----\n").unwrap();
    let text = "[ad_client]\nhost=dc1.example.com\ntransport=ldaps\nssl_ca_certs_file=ldaps-ca.pem\n\
                service_account_username=svc\nservice_account_password=x\nsearch_dn=DC=example,DC=com\n";
    let doc = Document::parse(text);
    let options =
        Options { platform: Some(Platform::host()), install_dir: Some(install.path().into()), ..Options::default() };
    let findings = validate(&doc, &options);
    assert!(
        !findings.iter().any(|d| d.keys.iter().any(|k| k == "ssl_ca_certs_file")),
        "the validator accepts it: {findings:#?}"
    );
    let opened = |doc: &Document| match &build_plan(doc, Some(install.path()), None)[0].target {
        ProbeTarget::Ldap(ldap) => ldap.ca_file.clone().expect("a CA file"),
        other => panic!("{other:?}"),
    };
    assert_eq!(opened(&doc), conf.join("ldaps-ca.pem"), "the check opens the file the validator accepted");
    assert_eq!(
        locate("ldaps-ca.pem", PathKind::File, Some(install.path()), Platform::host()),
        Lookup::Found(opened(&doc))
    );

    // A copy in the install folder itself comes first, for both.
    std::fs::write(install.path().join("ldaps-ca.pem"), "-----BEGIN CERTIFICATE-----\n").unwrap();
    assert_eq!(opened(&doc), install.path().join("ldaps-ca.pem"));
    // And a file that is nowhere: the validator says so, the check names the first place tried.
    let missing = Document::parse(&text.replace("ldaps-ca.pem", "nowhere.pem"));
    assert!(validate(&missing, &options).iter().any(|d| d.kind == Kind::InvalidValue));
    assert_eq!(opened(&missing), install.path().join("nowhere.pem"));
    assert!(Path::new(&opened(&doc)).is_file());
}

/// A finding on a secret's value (an `skey` of the wrong length) is placed at the value's start
/// without a width, in JSON and under the quoted line: neither tells the secret's length.
#[test]
fn a_finding_on_a_secret_value_does_not_tell_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, "[cloud]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey=Too-Short-Skey-77\napi_host=a\n").unwrap();
    let o = exe().args(["validate", "--format", "json"]).arg(&path).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let finding = json[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "InvalidValue" && d["keys"][0] == "skey")
        .unwrap_or_else(|| panic!("an InvalidValue on skey: {json}"))
        .clone();
    assert_eq!((finding["line"].clone(), finding["column"].clone()), (3.into(), 6.into()), "{finding}");
    assert_eq!(finding["end_column"], finding["column"], "no width: {finding}");
    let o = exe().args(["validate"]).arg(&path).output().unwrap();
    let (out, _) = text(&o);
    assert!(out.contains("3 | skey=********\n  |      ^\n"), "{out}");
}
