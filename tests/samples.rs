//! The sample configs against `tests/data/samples/expected.md`, in each of its columns:
//! Windows with real DPAPI and enrolled SSO, Linux, and Duo's checker modes. The Windows and
//! Linux findings are read from expected.md itself (`expected_md` below), so the test and the
//! document cannot drift apart; only what this tool adds beyond Duo's checker is listed here.

use std::collections::HashMap;

use authproxy_manager::schema::{find_key, Platform, SectionType};
use authproxy_manager::validate::{Diagnostic, Kind, Severity, SsoEnrollment};

use crate::util::{check_file, samples_dir, Install, FAKE_DPAPI, THIS_MACHINE};

/// One expected finding: section (`cross` for the cross-section check, "" for the whole file),
/// kind, severity, and the key-like words of its description (one must be among the finding's
/// keys when both have any).
#[derive(Debug, Clone)]
struct Finding {
    section: String,
    kind: &'static str,
    severity: &'static str,
    keys: Vec<String>,
}

impl Finding {
    fn new(section: &str, kind: &'static str, severity: &'static str, key: &str) -> Self {
        let keys = if key.is_empty() { Vec::new() } else { vec![key.to_string()] };
        Self { section: section.to_string(), kind, severity, keys }
    }
}

const E: &str = "error";
const W: &str = "warning";

/// Findings our validator adds on top of Duo's for a file (the same in every column).
fn ours(file: &str) -> Vec<Finding> {
    match file {
        "i12_inline_comment.cfg" => vec![Finding::new("radius_server_auto", "InlineComment", W, "failmode")],
        _ => vec![],
    }
}

/// expected.md, read as the Windows and Linux findings of each sample.
mod expected_md {
    use super::{find_key, Finding, HashMap, Kind, SectionType, Severity};

    /// The Windows and Linux findings of each file.
    pub struct Columns {
        pub windows: Vec<Finding>,
        pub linux: Vec<Finding>,
    }

    /// Whether `word` names a key or a section (the words of a description worth comparing).
    fn key_like(word: &str) -> bool {
        word.contains('_')
            || SectionType::from_section_name(word).is_some()
            || SectionType::ALL.iter().any(|t| find_key(*t, word).is_some())
    }

    /// The key-like words of `text`; `a_b/c` also gives `a_c` (as in service_account_username/password).
    fn key_words(text: &str) -> Vec<String> {
        let mut words = Vec::new();
        for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '/')) {
            let mut parts = token.split('/');
            let Some(first) = parts.next() else { continue };
            words.push(first.to_string());
            let stem = first.rsplit_once('_').map_or("", |(stem, _)| stem);
            words.extend(parts.map(|p| {
                if p.contains('_') || stem.is_empty() {
                    p.to_string()
                } else {
                    format!("{stem}_{p}")
                }
            }));
        }
        words.retain(|w| key_like(w));
        words
    }

    /// Splits a description into clauses: at `;`, and at ` + ` when a section or a kind follows.
    fn clauses(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for part in text.split(';') {
            let mut rest = part;
            while let Some(at) = rest.match_indices(" + ").map(|(i, _)| i).find(|&i| {
                let next = rest[i + 3..].trim_start();
                next.starts_with('`') || Kind::ALL.iter().any(|k| next.starts_with(k.name()))
            }) {
                out.push(&rest[..at]);
                rest = &rest[at + 3..];
            }
            out.push(rest);
        }
        out
    }

    /// The findings a description names. A clause without a section of its own (in backticks)
    /// is in the section of the clause before it, starting from `section`.
    fn findings(text: &str, section: &mut String) -> Vec<Finding> {
        let mut found = Vec::new();
        for clause in clauses(text) {
            let mut kinds: Vec<(usize, Kind)> = Kind::ALL
                .iter()
                .flat_map(|k| clause.match_indices(k.name()).map(move |(i, _)| (i, *k)))
                // A whole word only: "InvalidValue" is not found inside "InvalidProtectedValue".
                .filter(|(i, k)| {
                    let after = clause[i + k.name().len()..].chars().next();
                    let before = clause[..*i].chars().next_back();
                    !after.is_some_and(char::is_alphanumeric) && !before.is_some_and(char::is_alphanumeric)
                })
                .collect();
            kinds.sort_by_key(|(i, _)| *i);
            // The clause's section: the first name in backticks before its first kind.
            let lead = &clause[..kinds.first().map_or(clause.len(), |(i, _)| *i)];
            let named = lead.split('`').nth(1).filter(|_| lead.matches('`').count() >= 2);
            if let Some(named) = named {
                *section = named.to_string();
            }
            for (n, &(at, kind)) in kinds.iter().enumerate() {
                let tail = &clause[at..kinds.get(n + 1).map_or(clause.len(), |(next, _)| *next)];
                let severity = if tail.contains("warning") {
                    Severity::Warning
                } else if tail.contains("error") {
                    Severity::Error
                } else {
                    kind.default_severity()
                };
                let file_level = matches!(kind, Kind::LoadError);
                found.push(Finding {
                    section: if file_level { String::new() } else { section.clone() },
                    kind: kind.name(),
                    severity: severity.as_str(),
                    // The words besides the clause's own section name.
                    keys: key_words(
                        &named.map_or_else(|| clause.to_string(), |n| clause.replacen(&format!("`{n}`"), "", 1)),
                    ),
                });
            }
        }
        found
    }

    /// Every sample's columns.
    pub fn read() -> HashMap<String, Columns> {
        let text = std::fs::read_to_string(crate::util::samples_dir().join("expected.md")).unwrap();
        let mut table = HashMap::new();
        for line in text.lines() {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
            let Some(file) = cells.first().filter(|f| f.ends_with(".cfg")) else { continue };
            let (windows_text, linux_text) = (cells[2], cells[3]);
            let mut section = String::new();
            let columns = if file.starts_with('v') {
                // Valid files: | file | deployment | Windows | Linux | Duo's checker |
                let windows = if windows_text.starts_with("no problems") {
                    Vec::new()
                } else {
                    findings(windows_text, &mut section)
                };
                let linux = match linux_text {
                    "same" => windows.clone(),
                    t if t.starts_with("no problems") => Vec::new(),
                    t => findings(t, &mut String::new()),
                };
                Columns { windows, linux }
            } else {
                // Invalid files: | file | mistake | expected report | platform notes |. Linux has no
                // DPAPI, so what the report adds "with real DPAPI" is Windows only; notes after
                // "L:" add to Linux.
                let windows = findings(windows_text, &mut section);
                let common = windows_text.split("with real DPAPI").next().unwrap_or(windows_text);
                let mut linux = findings(common, &mut String::new());
                if let Some(at) = linux_text.rfind("L:") {
                    linux.extend(findings(&linux_text[at + 2..], &mut section));
                }
                Columns { windows, linux }
            };
            table.insert((*file).to_string(), columns);
        }
        table
    }
}

/// The Windows column: real DPAPI (which rejects the stand-in blobs) and enrolled SSO.
fn windows(file: &str) -> Vec<Finding> {
    expected_md::read().remove(file).unwrap_or_else(|| panic!("{file} is not in expected.md")).windows
}

/// The Linux column.
fn linux(file: &str) -> Vec<Finding> {
    expected_md::read().remove(file).unwrap_or_else(|| panic!("{file} is not in expected.md")).linux
}

fn matches(d: &Diagnostic, f: &Finding) -> bool {
    let section = if d.cross_section { "cross" } else { d.section.as_deref().unwrap_or("") };
    section == f.section
        && d.kind.name() == f.kind
        && d.severity.as_str() == f.severity
        // The keys and sections the description names are the finding's keys, or named in its message.
        && (f.keys.is_empty()
            || d.keys.iter().any(|k| f.keys.contains(k))
            || f.keys.iter().any(|w| d.message.contains(w.as_str())))
}

fn assert_findings(file: &str, column: &str, actual: &[Diagnostic], mut expected: Vec<Finding>) {
    expected.extend(ours(file));
    let describe = |ds: &[Diagnostic]| {
        ds.iter()
            .map(|d| format!("{:?} {} {} {:?}: {}", d.section, d.kind.name(), d.severity.as_str(), d.keys, d.message))
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    // Plaintext-secret warnings (Windows semantics) are ours and have their own test below.
    let mut unmatched: Vec<&Diagnostic> = actual.iter().filter(|d| d.kind.name() != "PlaintextSecret").collect();
    for f in &expected {
        let Some(pos) = unmatched.iter().position(|d| matches(d, f)) else {
            panic!("{file} [{column}]: expected {f:?}, got:\n  {}", describe(actual));
        };
        unmatched.remove(pos);
    }
    assert!(unmatched.is_empty(), "{file} [{column}]: unexpected findings:\n  {}", describe(actual));
}

fn sample_names() -> Vec<String> {
    let names: Vec<String> =
        crate::util::all_fixtures().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 30, "all 30 samples are present");
    names
}

#[test]
fn windows_column_real_dpapi_enrolled_sso() {
    let install = Install::new(true);
    for name in sample_names() {
        let (_, ds) = check_file(
            &samples_dir().join(&name),
            Platform::Windows,
            Some(install.path()),
            Some(&THIS_MACHINE),
            SsoEnrollment::Detect,
        );
        assert_findings(&name, "windows", &ds, windows(&name));
    }
}

#[test]
fn linux_column_enrolled_sso() {
    let install = Install::new(true);
    for name in sample_names() {
        let (_, ds) =
            check_file(&samples_dir().join(&name), Platform::Linux, Some(install.path()), None, SsoEnrollment::Detect);
        assert_findings(&name, "linux", &ds, linux(&name));
    }
}

#[test]
fn sso_not_enrolled_is_an_error_on_both_platforms() {
    let install = Install::new(false);
    for platform in [Platform::Windows, Platform::Linux] {
        let (_, ds) = check_file(
            &samples_dir().join("v04_sso.cfg"),
            platform,
            Some(install.path()),
            Some(&FAKE_DPAPI),
            SsoEnrollment::Detect,
        );
        assert_findings("v04_sso.cfg", "not enrolled", &ds, vec![Finding::new("sso", "SsoNotEnrolled", E, "")]);
    }
}

#[test]
fn duo_checker_w_plus_f_mode_accepts_stand_in_blobs() {
    let install = Install::new(true);
    let (_, ds) = check_file(
        &samples_dir().join("v06_protected_fake_dpapi.cfg"),
        Platform::Windows,
        Some(install.path()),
        Some(&FAKE_DPAPI),
        SsoEnrollment::Detect,
    );
    assert_findings("v06_protected_fake_dpapi.cfg", "W+F", &ds, vec![]);
    let (_, ds) = check_file(
        &samples_dir().join("i14_skey_and_skey_protected.cfg"),
        Platform::Windows,
        Some(install.path()),
        Some(&FAKE_DPAPI),
        SsoEnrollment::Detect,
    );
    assert_findings(
        "i14_skey_and_skey_protected.cfg",
        "W+F",
        &ds,
        vec![Finding::new("radius_server_auto", "IncompatibleKeys", E, "skey")],
    );
}

#[test]
fn windows_semantics_without_dpapi_says_so_once_as_info() {
    let install = Install::new(true);
    let (_, ds) = check_file(
        &samples_dir().join("v06_protected_fake_dpapi.cfg"),
        Platform::Windows,
        Some(install.path()),
        None,
        SsoEnrollment::Detect,
    );
    assert_findings(
        "v06_protected_fake_dpapi.cfg",
        "W",
        &ds,
        vec![Finding::new("", "ProtectedNotChecked", "info", "")],
    );
}

#[test]
fn without_an_install_directory_paths_are_reported_unchecked_not_wrong() {
    let (_, ds) =
        check_file(&samples_dir().join("v02_ldap_auto_ldaps.cfg"), Platform::Linux, None, None, SsoEnrollment::Detect);
    assert!(!ds.is_empty());
    assert!(ds.iter().all(|d| d.kind.name() == "PathNotChecked" && d.severity.as_str() == "info"), "{ds:?}");
}

#[test]
fn missing_files_in_the_install_directory_are_invalid_values() {
    let empty = tempfile::tempdir().unwrap();
    let (_, ds) = check_file(
        &samples_dir().join("v09_radius_eap.cfg"),
        Platform::Linux,
        Some(empty.path()),
        None,
        SsoEnrollment::Detect,
    );
    let keys: Vec<&str> =
        ds.iter().filter(|d| d.kind.name() == "InvalidValue").flat_map(|d| d.keys.iter().map(String::as_str)).collect();
    assert_eq!(keys, ["certs", "pkey"]);
}

#[test]
fn plaintext_secrets_are_warned_with_windows_semantics_and_fixed_by_protecting() {
    use authproxy_manager::config::{apply, Document};
    use authproxy_manager::validate::{validate, Options};

    let install = Install::new(true);
    let path = samples_dir().join("v01_radius_auto_ad.cfg");
    let (doc, ds) =
        check_file(&path, Platform::Windows, Some(install.path()), Some(&THIS_MACHINE), SsoEnrollment::Detect);
    let warned: Vec<&str> =
        ds.iter().filter(|d| d.kind.name() == "PlaintextSecret").map(|d| d.keys[0].as_str()).collect();
    assert_eq!(warned, ["service_account_password", "skey", "radius_secret_1", "radius_secret_2"]);
    assert!(ds.iter().all(|d| d.kind.name() == "PlaintextSecret" && d.severity.as_str() == W));
    let edits: Vec<_> = ds.iter().flat_map(|d| d.fix.as_ref().unwrap().edits.clone()).collect();
    let fixed = apply(doc.text(), &edits).unwrap();
    assert!(fixed.contains("radius_secret_protected_2="));
    let options = Options {
        platform: Some(Platform::Windows),
        install_dir: Some(install.path().to_path_buf()),
        protector: Some(&THIS_MACHINE),
        ..Options::default()
    };
    assert!(validate(&Document::parse(&fixed), &options).is_empty(), "protected file is clean");
    let (_, linux) = check_file(&path, Platform::Linux, Some(install.path()), None, SsoEnrollment::Detect);
    assert!(linux.is_empty(), "no DPAPI on Linux, so no advice to protect");
    let (_, no_dpapi) = check_file(&path, Platform::Windows, Some(install.path()), None, SsoEnrollment::Detect);
    assert_eq!(no_dpapi.len(), 4);
    assert!(no_dpapi.iter().all(|d| d.fix.is_none() && d.message.contains("authproxy-manager protect --section")));
}
