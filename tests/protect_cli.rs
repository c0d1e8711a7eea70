//! `protect --all` / `--section --key` editing a file in place (DPAPI replaced by the
//! test stand-in; the real DPAPI path runs in tests/windows.rs under Wine).

use std::process::ExitCode;

use authproxy_manager::cli::protect::{protect, ProtectArgs};
use authproxy_manager::config::file::backup_path;
use authproxy_manager::config::Document;

use crate::util::{samples_dir, THIS_MACHINE};

fn run(args: &ProtectArgs) -> (ExitCode, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = protect(args, &THIS_MACHINE, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[test]
fn protect_all_edits_in_place_with_a_backup_and_keeps_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let original = std::fs::read_to_string(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap().replace('\n', "\r\n");
    std::fs::write(&path, &original).unwrap();
    let args = ProtectArgs { all: true, section: None, key: None, file: Some(path.clone()) };
    let (code, out, err) = run(&args);
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(out.contains("protected 4 secret(s)"), "{out}");
    assert!(out.contains("with the same secrets protected"), "{out}");
    let after = std::fs::read_to_string(&path).unwrap();
    // The backup is the previous file with the same secrets protected; no file left holds a plaintext.
    let backup = std::fs::read_to_string(backup_path(&path)).unwrap();
    assert_eq!(Document::parse(&backup).sections.len(), Document::parse(&original).sections.len());
    assert!(backup.contains("skey_protected=") && backup.ends_with("\r\n"), "{backup}");
    assert_no_plaintext_in(dir.path(), &["Spring-Rain-4471", "vpn-shared-Secret-01"]);
    let doc = Document::parse(&after);
    let keys: Vec<&str> = doc.sections.iter().flat_map(|s| s.entries.iter()).map(|e| e.key.as_str()).collect();
    assert!(keys.contains(&"service_account_password_protected") && keys.contains(&"radius_secret_protected_2"));
    assert!(!after.contains("Spring-Rain-4471") && !after.contains("vpn-shared-Secret-01"));
    // Every line that held no secret is unchanged, CRLF included.
    for (before, now) in original.split("\r\n").zip(after.split("\r\n")) {
        if !before.contains("secret") && !before.contains("password") && !before.starts_with("skey") {
            assert_eq!(before, now);
        }
    }
    let (code, out, _) = run(&args);
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(out.contains("no plaintext secrets to protect"));
}

/// No file in `dir` holds any of `secrets`.
pub fn assert_no_plaintext_in(dir: &std::path::Path, secrets: &[&str]) {
    let files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(files.len() >= 2, "the config and its backup: {files:?}");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in secrets {
            assert!(!text.contains(secret), "{} still holds a plaintext secret", file.display());
        }
    }
}

#[test]
fn protect_one_key_and_refuse_a_clash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, std::fs::read(samples_dir().join("i14_skey_and_skey_protected.cfg")).unwrap()).unwrap();
    let one = |section: &str, key: &str| ProtectArgs {
        all: false,
        section: Some(section.to_string()),
        key: Some(key.to_string()),
        file: Some(path.clone()),
    };
    let (code, _, err) = run(&one("radius_server_auto", "skey"));
    assert_eq!(code, ExitCode::from(1));
    assert!(err.contains("already has skey_protected"), "{err}");
    let (code, out, err) = run(&one("radius_server_auto", "radius_secret_1"));
    assert_eq!(code, ExitCode::SUCCESS, "{err}");
    assert!(out.contains("protected 1 secret(s)"));
    assert!(std::fs::read_to_string(&path).unwrap().contains("radius_secret_protected_1="));
    let (code, _, err) = run(&one("nope", "skey"));
    assert_eq!(code, ExitCode::from(2));
    assert!(err.contains("has no section [nope]"));
}

/// `protect` keeps the owner, group and mode of the file and gives them to its backup (the
/// test runs as root: the file belongs to another user and group).
#[cfg(unix)]
#[test]
fn protect_keeps_owner_group_and_mode() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    assert!(authproxy_manager::service::is_root(), "this test gives a file another owner, which needs root");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::copy(samples_dir().join("v01_radius_auto_ad.cfg"), &path).unwrap();
    std::os::unix::fs::chown(&path, Some(4242), Some(4343)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, out, err) = run(&ProtectArgs { all: true, section: None, key: None, file: Some(path.clone()) });
    assert_eq!(code, ExitCode::SUCCESS, "{out}{err}");
    for file in [path.clone(), backup_path(&path)] {
        let meta = std::fs::metadata(&file).unwrap();
        assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o7777), (4242, 4343, 0o640), "{}", file.display());
    }
    assert_no_plaintext_in(dir.path(), &["Spring-Rain-4471", "vpn-shared-Secret-01"]);
}
