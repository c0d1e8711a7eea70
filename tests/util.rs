use std::path::{Path, PathBuf};

use proptest::prelude::*;

use authproxy_manager::config::{decode, Document};
use authproxy_manager::schema::Platform;
use authproxy_manager::secrets::{ProtectError, Protector, Secret};
use authproxy_manager::validate::{validate, Diagnostic, Options, SsoEnrollment};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The sample folder.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/samples")
}

/// Every `.cfg` fixture under tests/data, sorted.
pub fn all_fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cfg"))
        .collect();
    files.sort();
    files
}

/// A proxy install directory with the files expected.md assumes
/// (`conf/ca-bundle.crt`, `ldaps-ca.pem`, `server.crt`, `server.key`, `log/`).
pub struct Install {
    pub dir: tempfile::TempDir,
}

impl Install {
    pub fn new(sso_enrolled: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("conf");
        std::fs::create_dir_all(&conf).unwrap();
        std::fs::create_dir_all(dir.path().join("log")).unwrap();
        for f in ["ca-bundle.crt", "ldaps-ca.pem", "server.crt", "server.key"] {
            std::fs::write(conf.join(f), "-----BEGIN CERTIFICATE-----\n").unwrap();
        }
        if sso_enrolled {
            let store = r#"{"proxy_key": "AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAAstandin"}"#;
            std::fs::write(conf.join("secrets"), store).unwrap();
            std::fs::write(conf.join(".secrets"), store).unwrap();
        }
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// A DPAPI stand-in for tests on Linux (DPAPI itself exists only on Windows; the
/// real one is tested under Wine). A blob is base64 of `<marker>|AU$HPRO$Y|<plain>`,
/// and only blobs with this stand-in's own marker decrypt, as only blobs made on
/// the same machine do with real DPAPI.
pub struct StandInDpapi {
    marker: &'static str,
}

/// Real DPAPI on a machine that did not make the sample blobs: it rejects them.
pub const THIS_MACHINE: StandInDpapi = StandInDpapi { marker: "THIS-MACHINE" };
/// The stand-in used to run Duo's checker in its "W+F" mode: the sample blobs
/// (`FAKEDPAPI|AU$HPRO$Y|<plain>`) decrypt.
pub const FAKE_DPAPI: StandInDpapi = StandInDpapi { marker: "FAKEDPAPI" };

impl Protector for StandInDpapi {
    fn available(&self) -> bool {
        true
    }

    fn protect(&self, secret: &Secret) -> Result<String, ProtectError> {
        Ok(STANDARD.encode(format!("{}|AU$HPRO$Y|{}", self.marker, secret.expose())))
    }

    fn unprotect(&self, blob: &str) -> Result<Secret, ProtectError> {
        let bytes = STANDARD.decode(blob).map_err(|_| ProtectError::NotBase64)?;
        let text = String::from_utf8(bytes).map_err(|_| ProtectError::Undecryptable { code: 13 })?;
        let prefix = format!("{}|AU$HPRO$Y|", self.marker);
        text.strip_prefix(&prefix).map(Secret::new).ok_or(ProtectError::Undecryptable { code: 13 })
    }
}

/// Parses and validates a fixture file with the given settings.
pub fn check_file(
    path: &Path,
    platform: Platform,
    install: Option<&Path>,
    protector: Option<&dyn Protector>,
    sso: SsoEnrollment,
) -> (Document, Vec<Diagnostic>) {
    let decoded = decode(&std::fs::read(path).unwrap());
    let doc = Document::parse(&decoded.text);
    let options = Options {
        platform: Some(platform),
        install_dir: install.map(Path::to_path_buf),
        encoding: Some(decoded.encoding),
        protector,
        sso_enrollment: sso,
        proxy_version: None,
        continue_after_load_error: false,
    };
    let diagnostics = validate(&doc, &options);
    (doc, diagnostics)
}

/// Validates text with Linux or Windows semantics and no file-system context.
pub fn check_text(text: &str, platform: Platform) -> Vec<Diagnostic> {
    let doc = Document::parse(text);
    validate(&doc, &Options { platform: Some(platform), sso_enrollment: SsoEnrollment::Enrolled, ..Options::default() })
}

/// `(section or "cross", kind, severity)` triples, sorted, for compact assertions.
pub fn summary(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut rows: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let section = if d.cross_section { "cross".to_string() } else { d.section.clone().unwrap_or_default() };
            format!("{section}|{}|{}|{}", d.kind.name(), d.severity.as_str(), d.keys.join("+"))
        })
        .collect();
    rows.sort();
    rows
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[main]".to_string()),
        Just("[ad_client2]".to_string()),
        Just("  [radius_server_auto]  ; x".to_string()),
        Just("[DEFAULT]".to_string()),
        Just("[".to_string()),
        Just("[]".to_string()),
        "[a-z_]{1,12}[0-9]{0,2}".prop_map(|n| format!("[{n}]")),
        ("[a-zA-Z_]{1,16}", prop_oneof![Just("="), Just(":"), Just(" = "), Just(" : ")], "[ -~]{0,24}")
            .prop_map(|(k, d, v)| format!("{k}{d}{v}")),
        "[ \t]{1,4}[ -~]{0,20}".prop_map(|s| s),
        Just("; comment".to_string()),
        Just("  # indented comment".to_string()),
        Just(String::new()),
        Just("   ".to_string()),
        Just("no delimiter here".to_string()),
        Just("=value".to_string()),
        Just("skey=Grüße ünïcödé".to_string()),
        Just("\u{feff}[main]".to_string()),
        "\\PC{0,12}",
    ]
}

fn eol() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")]
}

/// Random `authproxy.cfg`-like text: headers, entries, comments, continuations, junk,
/// non-ASCII, a BOM, and every kind of line ending.
pub fn document() -> impl Strategy<Value = String> {
    prop::collection::vec((fragment(), eol()), 0..40)
        .prop_map(|lines| lines.into_iter().map(|(l, e)| format!("{l}{e}")).collect())
}

/// Random documents that mostly load: a header first, then entries (some multi-line,
/// some with `:` or odd spacing), comments and blank lines.
pub fn loading_document() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        4 => ("[a-zA-Z_]{1,14}[0-9]{0,1}", prop_oneof![Just("="), Just(" = "), Just(":"), Just(" :")], "[ -~]{0,20}")
            .prop_map(|(k, d, v)| format!("{k}{d}{v}")),
        1 => "[ \t]{1,3}[!-~][ -~]{0,12}".prop_map(|s| s),
        1 => Just(String::new()),
        1 => Just("  ; note".to_string()),
        1 => "[a-z_]{1,10}[0-9]{0,2}".prop_map(|n| format!("[{n}]")),
    ];
    ("[a-z_]{1,10}", prop::collection::vec((line, eol()), 0..25)).prop_map(|(first, lines)| {
        let body: String =
            lines.into_iter().map(|(l, e)| format!("{l}{}", if e.is_empty() { "\n" } else { e })).collect();
        format!("[{first}]\n{body}")
    })
}

/// A temporary folder the manager trusts to run programs from: it and every folder above it
/// belong to root (or this user) and only the owner may write them (unlike /tmp).
#[cfg(unix)]
pub fn trusted_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt as _;
    let base = if authproxy_manager::service::is_root() {
        PathBuf::from("/run/authproxy-manager-tests")
    } else {
        PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/authproxy-manager-tests")
    };
    std::fs::create_dir_all(&base).unwrap();
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tempfile::Builder::new().prefix("install-").tempdir_in(&base).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Calls `done` every `interval` until it returns true or `timeout` passes; its last answer.
pub fn wait_until(interval: std::time::Duration, timeout: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(interval);
    }
    done()
}
