//! The sample configs against `tests/data/samples/expected.md`, in each of its columns:
//! Windows with real DPAPI and enrolled SSO, Linux, and Duo's checker modes.

use authproxy_manager::schema::Platform;
use authproxy_manager::validate::{Diagnostic, SsoEnrollment};

use crate::util::{check_file, samples_dir, Install, FAKE_DPAPI, THIS_MACHINE};

/// `(section or "cross" or "" for file-level, kind, severity, a key that must be among the finding's keys or "")`.
type Finding = (&'static str, &'static str, &'static str, &'static str);

const E: &str = "error";
const W: &str = "warning";

/// Findings our validator adds on top of Duo's for a file (the same in every column).
fn ours(file: &str) -> Vec<Finding> {
    match file {
        "i12_inline_comment.cfg" => vec![("radius_server_auto", "InlineComment", W, "failmode")],
        "i18_bom.cfg" => vec![("", "ByteOrderMark", E, "")],
        _ => vec![],
    }
}

/// The Windows column: real DPAPI (which rejects the stand-in blobs) and enrolled SSO.
fn windows(file: &str) -> Vec<Finding> {
    match file {
        "v06_protected_fake_dpapi.cfg" => vec![
            ("ad_client", "InvalidProtectedValue", E, "service_account_password_protected"),
            ("radius_server_auto", "InvalidProtectedValue", E, "skey_protected"),
            ("radius_server_auto", "InvalidProtectedValue", E, "radius_secret_protected_1"),
        ],
        "i14_skey_and_skey_protected.cfg" => vec![
            ("radius_server_auto", "IncompatibleKeys", E, "skey"),
            ("radius_server_auto", "InvalidProtectedValue", E, "skey_protected"),
        ],
        "i19_sspi_with_service_account.cfg" => {
            vec![("ad_client", "InsecureConfigItem", W, "service_account_username")]
        }
        other => common(other),
    }
}

/// The Linux column.
fn linux(file: &str) -> Vec<Finding> {
    match file {
        "v06_protected_fake_dpapi.cfg" => vec![
            ("ad_client", "ProtectUnavailable", E, "service_account_password_protected"),
            ("radius_server_auto", "ProtectUnavailable", E, "radius_secret_protected_1"),
        ],
        "v10_sspi_windows.cfg" => {
            vec![("ad_client", "InvalidValue", E, "auth_type"), ("ad_client", "SkippedTest", W, "auth_type")]
        }
        "i14_skey_and_skey_protected.cfg" => vec![
            ("radius_server_auto", "IncompatibleKeys", E, "skey_protected"),
            ("radius_server_auto", "ProtectUnavailable", E, "skey_protected"),
        ],
        "i19_sspi_with_service_account.cfg" => vec![
            ("ad_client", "InsecureConfigItem", W, "service_account_password"),
            ("ad_client", "InvalidValue", E, "auth_type"),
            ("ad_client", "SkippedTest", W, "auth_type"),
        ],
        other => common(other),
    }
}

/// Rows marked "identical" in expected.md.
fn common(file: &str) -> Vec<Finding> {
    match file {
        "i01_missing_search_dn.cfg" => vec![("ad_client", "MissingKey", E, "search_dn")],
        "i02_bad_ikey.cfg" => vec![("radius_server_auto", "InvalidValue", E, "ikey")],
        "i03_typo_key.cfg" => vec![("radius_server_auto", "UnexpectedKey", E, "failmod")],
        "i04_unpaired_radius_ip.cfg" => vec![("radius_server_auto", "UnpairedKey", E, "radius_secret_2")],
        "i05_ldaps_no_ca.cfg" => vec![("ad_client", "UnmetDependency", E, "ssl_ca_certs_file")],
        "i06_plain_without_bind_dn.cfg" => vec![("ad_client", "UnmetDependency", E, "bind_dn")],
        "i07_bad_client_ref.cfg" => vec![("cross", "InvalidClientServerMapping", E, "client")],
        "i08_ldap_port_collision.cfg" => vec![("cross", "PortCollision", E, "ldap_server_auto2")],
        "i09_radius_overlap_warning.cfg" => vec![("cross", "NetworkContention", W, "radius_ip_1")],
        "i10_duplicate_section_case.cfg" | "i11_duplicate_key.cfg" | "i18_bom.cfg" => vec![("", "LoadError", E, "")],
        "i12_inline_comment.cfg" => vec![("radius_server_auto", "InvalidValue", E, "failmode")],
        "i13_bad_section_suffix.cfg" => vec![("radius_server_auto_2", "InvalidSection", E, "")],
        "i15_main_http_proxy_conflict.cfg" => vec![("cross", "KeyIncompatibleWithSection", E, "http_proxy_host")],
        "i16_pass_through_with_ad_client.cfg" => vec![("cross", "KeyInvalidWithClient", E, "pass_through_attr_names")],
        "i17_ip_host_with_hostname_verify.cfg" => vec![("ad_client", "IncompatibleValues", E, "host")],
        "i20_exempt_bind_conflict.cfg" => {
            vec![("ldap_server_auto", "IncompatibleKeys", E, "allow_unlimited_binds")]
        }
        _ => vec![],
    }
}

fn matches(d: &Diagnostic, f: &Finding) -> bool {
    let section = if d.cross_section { "cross" } else { d.section.as_deref().unwrap_or("") };
    section == f.0
        && d.kind.name() == f.1
        && d.severity.as_str() == f.2
        && (f.3.is_empty() || d.keys.iter().any(|k| k == f.3))
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
        assert_findings("v04_sso.cfg", "not enrolled", &ds, vec![("sso", "SsoNotEnrolled", E, "")]);
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
        vec![("radius_server_auto", "IncompatibleKeys", E, "skey")],
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
    assert_findings("v06_protected_fake_dpapi.cfg", "W", &ds, vec![("", "ProtectedNotChecked", "info", "")]);
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
