use std::path::{Path, PathBuf};

use authproxy_manager::config::{decode, Document};
use authproxy_manager::schema::Platform;
use authproxy_manager::validate::{validate, Diagnostic, Options, ProtectedValueCheck, SsoEnrollment};

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

/// Stands in for DPAPI on a machine where it exists but did not make these blobs:
/// it accepts nothing, as real Windows does for blobs from elsewhere.
pub struct ForeignMachineDpapi;

impl ProtectedValueCheck for ForeignMachineDpapi {
    fn check(&self, _blob: &str) -> Result<(), String> {
        Err("the data was protected on another machine or account (DPAPI error 13)".to_string())
    }
}

/// The stand-in used to run Duo's checker in its "W+F" mode: base64 of
/// `FAKEDPAPI|AU$HPRO$Y|<plain>` decrypts; anything else does not.
pub struct FakeDpapi;

impl ProtectedValueCheck for FakeDpapi {
    fn check(&self, blob: &str) -> Result<(), String> {
        let bytes = authproxy_manager::schema::types::decode_base64(blob).ok_or("not base64")?;
        if bytes.starts_with(b"FAKEDPAPI|AU$HPRO$Y|") {
            Ok(())
        } else {
            Err("not a stand-in blob".to_string())
        }
    }
}

/// Parses and validates a fixture file with the given settings.
pub fn check_file(
    path: &Path,
    platform: Platform,
    install: Option<&Path>,
    protected: Option<&dyn ProtectedValueCheck>,
    sso: SsoEnrollment,
) -> (Document, Vec<Diagnostic>) {
    let decoded = decode(&std::fs::read(path).unwrap());
    let doc = Document::parse(&decoded.text);
    let options = Options {
        platform: Some(platform),
        install_dir: install.map(Path::to_path_buf),
        encoding: Some(decoded.encoding),
        protected_values: protected,
        sso_enrollment: sso,
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
