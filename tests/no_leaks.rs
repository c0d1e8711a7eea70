//! No secret reaches a log line, a report or the command line's output, at any log level.

use std::io::Write;
use std::process::Command;
use std::sync::{Arc, Mutex};

use authproxy_manager::config::file::{load, save, Backup};
use authproxy_manager::config::{apply, Document};
use authproxy_manager::schema::Platform;
use authproxy_manager::secrets::protect_all;
use authproxy_manager::validate::{render, validate, Options};

use crate::util::THIS_MACHINE;

const SECRETS: [&str; 7] = [
    "Zz9SvcPassw0rd",
    "Qq8RadiusShared",
    "muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd",
    "Xx6NpsShared",
    "Ww5CloudPw",
    "Vv4MisspeltSecret",
    "Uu3MisspeltPassword",
];

fn config() -> String {
    format!(
        "[ad_client]\nhost=dc1\nservice_account_username=svc\nservice_account_password={}\nsearch_dn=DC=x\n\
         [radius_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey={}\napi_host=a\nradius_ip_1=10.0.0.1\nradius_secret_1={} ; old\n\
         client=ad_client\n[radius_client]\nhost=10.0.0.9\nsecret={}\n[cloud]\nikey=DIIFPUW23YDESOK50LLS\nskey=short\napi_host=a\n\
         service_account_username=u\nservice_account_password={}\n[radius_server_auto2]\nradius_secert_1={}\n\
         service_acount_password={}\n",
        SECRETS[0], SECRETS[2], SECRETS[1], SECRETS[3], SECRETS[4], SECRETS[5], SECRETS[6]
    )
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} contains a secret:\n{text}");
    }
}

#[test]
fn library_logs_and_reports_never_contain_secrets_even_at_trace_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let mut reports = String::new();
    tracing::subscriber::with_default(subscriber, || {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        std::fs::write(&path, config()).unwrap();
        let loaded = load(&path).unwrap();
        let doc = Document::parse(&loaded.decoded.text);
        for platform in [Platform::Windows, Platform::Linux] {
            let options = Options { platform: Some(platform), protector: Some(&THIS_MACHINE), ..Options::default() };
            let ds = validate(&doc, &options);
            assert!(!ds.is_empty());
            reports.push_str(&render::text("authproxy.cfg", &doc, &ds));
            reports.push_str(&serde_json::to_string(&render::file_report("authproxy.cfg", &doc, &ds)).unwrap());
            reports.push_str(&format!("{ds:?}"));
        }
        let (edits, refused) = protect_all(&doc, &THIS_MACHINE);
        assert_eq!(edits.len(), 6);
        assert!(refused.is_empty());
        let protected = apply(doc.text(), &edits).unwrap();
        save(&path, &protected, loaded.decoded.encoding, Some(&loaded.original), Backup::Previous).unwrap();
        let reloaded = Document::parse(&std::fs::read_to_string(&path).unwrap());
        reports.push_str(&format!("{:?}", protect_all(&reloaded, &THIS_MACHINE)));
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("protecting a secret") && logs.contains("saved") && logs.contains("validated"), "{logs}");
    assert_clean("the trace log", &logs);
    assert_clean("the reports", &reports);
}

#[test]
fn command_line_output_at_trace_level_never_contains_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, config()).unwrap();
    let file = path.display().to_string();
    let runs: [&[&str]; 5] = [
        &["--log-level", "trace", "validate", "--platform", "windows", &file],
        &["--log-level", "trace", "validate", "--platform", "linux", "--format", "json", &file],
        &["--log-level", "trace", "protect", "--all", &file],
        &["--log-level", "trace", "protect", "--section", "ad_client", "--key", "service_account_password", &file],
        &["--log-level", "trace", "reveal", "--section", "cloud", "--key", "service_account_password", &file],
    ];
    for args in runs {
        let o = Command::new(env!("CARGO_BIN_EXE_authproxy-manager")).args(args).output().unwrap();
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(!all.is_empty());
        assert_clean(&format!("{args:?}"), &all);
    }
}
