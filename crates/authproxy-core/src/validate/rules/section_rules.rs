//! Conditional rules of each section type (fact sheet §5).

use std::path::{Path, PathBuf};

use super::keys::missing;
use super::{checker_bool, value_range};
use crate::config::Entry;
use crate::schema::keys::AUTH_TYPE;
use crate::schema::types::ValueContext;
use crate::schema::{check_value, Platform, SectionType, ValueType};
use crate::validate::view::View;
use crate::validate::{Diagnostic, Kind, Options, SsoEnrollment};

pub fn check(view: &View<'_>, views: &[View<'_>], options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    match view.ty {
        Some(SectionType::Main) => main(view, options, out),
        Some(SectionType::AdClient) => ad_client(view, views, options, out),
        Some(SectionType::RadiusClient) => radius_client(view, out),
        Some(SectionType::LdapServerAuto) => ldap_server_auto(view, out),
        Some(SectionType::Cloud) => account_pair(view, out),
        Some(SectionType::Sso) => {
            account_pair(view, out);
            sso_enrollment(view, options, out);
        }
        _ => {}
    }
}

fn main(view: &View<'_>, options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    if let (Some(port), None) = (view.get("http_proxy_port"), view.get("http_proxy_host")) {
        out.push(
            Diagnostic::new(
                Kind::MissingKey,
                port.key_range,
                "http_proxy_port is set but http_proxy_host is missing: the port means nothing without the \
                 proxy's host name. Add http_proxy_host, or remove http_proxy_port.",
            )
            .in_section(view.name())
            .with_keys(["http_proxy_host"]),
        );
    }
    let syslog_on = view.value("log_syslog").and_then(checker_bool) == Some(true);
    if syslog_on && options.platform() == Platform::Windows {
        if let Some(entry) = view.get("log_syslog") {
            out.push(
                Diagnostic::new(
                    Kind::PlatformUnsupported,
                    value_range(entry),
                    "log_syslog=true fails at start-up on Windows, which has no syslog. Remove it; use \
                     log_file (the default) and forward the log files instead.",
                )
                .in_section(view.name())
                .with_keys(["log_syslog"]),
            );
        }
    }
    if let (true, Some(entry)) = (syslog_on, view.get("syslog_facility")) {
        const FACILITIES: [&str; 18] = [
            "LOG_KERN",
            "LOG_USER",
            "LOG_MAIL",
            "LOG_DAEMON",
            "LOG_AUTH",
            "LOG_LPR",
            "LOG_NEWS",
            "LOG_UUCP",
            "LOG_CRON",
            "LOG_SYSLOG",
            "LOG_LOCAL0",
            "LOG_LOCAL1",
            "LOG_LOCAL2",
            "LOG_LOCAL3",
            "LOG_LOCAL4",
            "LOG_LOCAL5",
            "LOG_LOCAL6",
            "LOG_LOCAL7",
        ];
        if !entry.value.is_empty() && !FACILITIES.contains(&entry.value.as_str()) {
            out.push(
                Diagnostic::new(
                    Kind::RuntimeRejectedValue,
                    value_range(entry),
                    format!(
                        "syslog_facility is not a facility the proxy knows, so it fails at start-up (the \
                         checker does not notice). Use one of {}.",
                        FACILITIES.join(", ")
                    ),
                )
                .in_section(view.name())
                .with_keys(["syslog_facility"]),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flag {
    Absent,
    True,
    False,
    Invalid,
}

fn flag(view: &View<'_>, key: &str) -> Flag {
    match view.value(key).map(checker_bool) {
        None => Flag::Absent,
        Some(Some(true)) => Flag::True,
        Some(Some(false)) => Flag::False,
        Some(None) => Flag::Invalid,
    }
}

fn skipped(view: &View<'_>, entry: &Entry, test: &str, key: &str) -> Diagnostic {
    Diagnostic::new(
        Kind::SkippedTest,
        value_range(entry),
        format!("The check \"{test}\" was skipped because {key} has an invalid value. Fix {key} first."),
    )
    .in_section(view.name())
    .with_keys([key.to_string()])
}

fn ad_client(view: &View<'_>, views: &[View<'_>], options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    let section = view.name();
    let auth_raw = view.value("auth_type").map_or_else(|| "ntlm2".to_string(), str::to_lowercase);
    let transport_raw = view.value("transport").map_or_else(|| "clear".to_string(), str::to_lowercase);
    let ctx = ValueContext { platform: options.platform(), install_dir: None };
    let auth_valid = check_value(ValueType::Enum(AUTH_TYPE), &auth_raw, &ctx).is_ok();
    let transport_valid = matches!(transport_raw.as_str(), "clear" | "ldaps" | "starttls");
    let sspi = auth_raw == "sspi";

    if !sspi {
        if view.get("service_account_username").is_none() {
            out.push(missing(
                view,
                "service_account_username",
                "The account the proxy binds with to look up users (required unless auth_type=sspi).",
            ));
        }
        if view.get("service_account_password").is_none() && view.get("service_account_password_protected").is_none() {
            out.push(missing(view, "service_account_password", "The service account's password, or service_account_password_protected (required unless auth_type=sspi)."));
        }
    }

    match (auth_valid, view.get("auth_type")) {
        (false, Some(entry)) => out.push(skipped(view, entry, "bind_dn is set when auth_type=plain", "auth_type")),
        _ if auth_raw == "plain" && view.non_empty("bind_dn").is_none() => {
            let range = view.get("auth_type").map_or(view.section.header_range, value_range);
            out.push(
                Diagnostic::new(
                    Kind::UnmetDependency,
                    range,
                    "auth_type=plain binds with bind_dn, but bind_dn is missing or empty. Set bind_dn to the \
                     service account's full DN, e.g. CN=svc-duo,OU=Service Accounts,DC=example,DC=com.",
                )
                .in_section(section)
                .with_keys(["bind_dn", "auth_type"]),
            );
        }
        _ => {}
    }

    let verify = flag(view, "ssl_verify_hostname");
    let tls = matches!(transport_raw.as_str(), "ldaps" | "starttls");
    if let (false, Some(entry)) = (transport_valid, view.get("transport")) {
        out.push(skipped(view, entry, "ssl_ca_certs_file is set for ldaps/starttls", "transport"));
        out.push(skipped(view, entry, "host is a name while ssl_verify_hostname is on", "transport"));
    } else if tls {
        let transport_range = view.get("transport").map_or(view.section.header_range, value_range);
        let has_ca = view.non_empty("ssl_ca_certs_file").is_some();
        match verify {
            Flag::Invalid => {}
            Flag::True | Flag::Absent if !has_ca => out.push(
                Diagnostic::new(
                    Kind::UnmetDependency,
                    transport_range,
                    format!(
                        "transport={transport_raw} with hostname verification on (the default) needs \
                         ssl_ca_certs_file: the PEM file of the CA that issued the domain controllers' \
                         certificates. Add ssl_ca_certs_file (a path relative to the conf folder works)."
                    ),
                )
                .in_section(section)
                .with_keys(["ssl_ca_certs_file", "transport"]),
            ),
            Flag::False if !has_ca => out.push(
                Diagnostic::new(
                    Kind::InsecureTransport,
                    transport_range,
                    format!(
                        "transport={transport_raw} with ssl_verify_hostname=false and no ssl_ca_certs_file: \
                         the proxy then accepts any certificate, so the connection is encrypted but not \
                         authenticated. Add ssl_ca_certs_file."
                    ),
                )
                .in_section(section)
                .with_keys(["transport", "ssl_verify_hostname", "ssl_ca_certs_file"]),
            ),
            _ => {}
        }
        check_ip_hosts(view, verify, out);
    } else if transport_raw == "clear" && matches!(auth_raw.as_str(), "plain" | "ntlm1") {
        let range = view.get("auth_type").map_or(view.section.header_range, value_range);
        out.push(
            Diagnostic::new(
                Kind::InsecureTransport,
                range,
                format!(
                    "auth_type={auth_raw} over transport=clear exposes the service account's credentials on \
                     the network. Use transport=ldaps or starttls (with ssl_ca_certs_file), or auth_type=ntlm2."
                ),
            )
            .in_section(section)
            .with_keys(["auth_type", "transport"]),
        );
    }

    if sspi {
        let creds: Vec<&Entry> =
            ["service_account_username", "service_account_password", "service_account_password_protected"]
                .iter()
                .filter_map(|k| view.get(k).filter(|e| !e.value.is_empty()))
                .collect();
        if let Some(first) = creds.first() {
            out.push(
                Diagnostic::new(
                    Kind::InsecureConfigItem,
                    first.key_range,
                    "auth_type=sspi binds as the Windows account the proxy service runs under, so the \
                     service account credentials here are unused; storing a password you do not need is a \
                     risk. Remove them.",
                )
                .in_section(section)
                .with_keys(creds.iter().map(|e| e.name.clone())),
            );
        }
    }

    let fips = views
        .iter()
        .find(|v| v.ty == Some(SectionType::Main))
        .and_then(|m| m.value("fips_mode"))
        .and_then(checker_bool)
        == Some(true);
    if fips && auth_raw == "ntlm2" && transport_raw == "clear" {
        let range = view.get("auth_type").map_or(view.section.header_range, |e| e.key_range);
        out.push(
            Diagnostic::new(
                Kind::FipsIncompatible,
                range,
                "With [main] fips_mode=true, NTLMv2 over transport=clear fails at bind time (its signing and \
                 sealing need MD5, which FIPS mode forbids). Use transport=ldaps or starttls.",
            )
            .in_section(section)
            .with_keys(["auth_type", "transport", "fips_mode"]),
        );
    }
}

fn check_ip_hosts(view: &View<'_>, verify: Flag, out: &mut Vec<Diagnostic>) {
    for item in &view.items {
        let entry = item.entry;
        let is_host = item.is("host");
        if !is_host || entry.value.parse::<std::net::IpAddr>().is_err() {
            continue;
        }
        match verify {
            Flag::True => out.push(
                Diagnostic::new(
                    Kind::IncompatibleValues,
                    value_range(entry),
                    format!(
                        "{} is an IP address ({}), but ssl_verify_hostname=true needs a host name that \
                         matches the domain controller's certificate. Use the DC's DNS name, or set \
                         ssl_verify_hostname=false.",
                        entry.name, entry.value
                    ),
                )
                .in_section(view.name())
                .with_keys([entry.name.clone()]),
            ),
            Flag::Absent => out.push(
                Diagnostic::new(
                    Kind::SkippedTest,
                    value_range(entry),
                    format!(
                        "Duo's checker skips the hostname check here because ssl_verify_hostname is not set, \
                         but the proxy verifies host names by default, so TLS to {} ({}) will fail: \
                         certificates are matched by DNS name. Use the DC's DNS name, or set \
                         ssl_verify_hostname=false.",
                        entry.name, entry.value
                    ),
                )
                .in_section(view.name())
                .with_keys([entry.name.to_string(), "ssl_verify_hostname".to_string()]),
            ),
            Flag::False | Flag::Invalid => {}
        }
    }
}

fn radius_client(view: &View<'_>, out: &mut Vec<Diagnostic>) {
    for item in &view.items {
        let Some(m) = item.key else { continue };
        let (true, Some(n)) = (m.spec.name == "port", m.index) else { continue };
        let host_present = view.get(&format!("host_{n}")).is_some() || (n == 1 && view.get("host").is_some());
        if !host_present {
            out.push(
                Diagnostic::new(
                    Kind::MissingKey,
                    item.entry.key_range,
                    format!(
                        "{} has no host_{n}: port_N sets the port of host_N. Add host_{n}, or remove {}.",
                        item.entry.name, item.entry.name
                    ),
                )
                .in_section(view.name())
                .with_keys([format!("host_{n}")]),
            );
        }
    }
}

fn ldap_server_auto(view: &View<'_>, out: &mut Vec<Diagnostic>) {
    let section = view.name();
    let key = view.get("ssl_key_path");
    let cert = view.get("ssl_cert_path");
    match (key, cert) {
        (Some(_), None) | (None, Some(_)) => {
            let (have, lacking) =
                if key.is_some() { ("ssl_key_path", "ssl_cert_path") } else { ("ssl_cert_path", "ssl_key_path") };
            let anchor = key.or(cert).map_or(view.section.header_range, |e| e.key_range);
            out.push(
                Diagnostic::new(
                    Kind::MissingKey,
                    anchor,
                    format!("{have} is set without {lacking}: the LDAPS listener needs both the private key and the certificate (PEM files). Add {lacking}."),
                )
                .in_section(section)
                .with_keys([lacking]),
            );
        }
        (None, None) => {
            if let Some(port) = view.get("ssl_port") {
                for lacking in ["ssl_key_path", "ssl_cert_path"] {
                    out.push(
                        Diagnostic::new(
                            Kind::MissingKey,
                            port.key_range,
                            format!("ssl_port is set, but the LDAPS listener only opens when ssl_key_path and ssl_cert_path are both set; {lacking} is missing."),
                        )
                        .with_severity(crate::validate::Severity::Warning)
                        .in_section(section)
                        .with_keys([lacking]),
                    );
                }
            }
        }
        (Some(_), Some(_)) => {}
    }
    if let (Flag::True, Flag::True) = (flag(view, "allow_unlimited_binds"), flag(view, "exempt_primary_bind")) {
        let anchor = view.get("allow_unlimited_binds").map_or(view.section.header_range, |e| e.key_range);
        out.push(
            Diagnostic::new(
                Kind::IncompatibleKeys,
                anchor,
                "allow_unlimited_binds=true cannot be combined with exempt_primary_bind=true: the exempt first \
                 bind would let every later bind on the connection skip Duo. Set exempt_primary_bind=false, \
                 or allow_unlimited_binds=false.",
            )
            .in_section(section)
            .with_keys(["allow_unlimited_binds", "exempt_primary_bind"]),
        );
    }
}

/// `[cloud]` and `[sso]`: the service account's username and password come together.
fn account_pair(view: &View<'_>, out: &mut Vec<Diagnostic>) {
    let user = view.get("service_account_username");
    let password = view.get("service_account_password").or_else(|| view.get("service_account_password_protected"));
    let lacking = match (user, password) {
        (Some(_), None) => "service_account_password",
        (None, Some(_)) => "service_account_username",
        _ => return,
    };
    out.push(missing(view, lacking, "service_account_username and service_account_password must be given together."));
}

fn sso_enrollment(view: &View<'_>, options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    let enrolled = match options.sso_enrollment {
        SsoEnrollment::Enrolled => Some(true),
        SsoEnrollment::NotEnrolled => Some(false),
        SsoEnrollment::Detect => detect_enrollment(options),
    };
    match enrolled {
        Some(true) => {}
        Some(false) => out.push(
            Diagnostic::new(
                Kind::SsoNotEnrolled,
                view.section.header_range,
                "The SSO secrets store has no proxy key, so this section cannot connect to Duo SSO. Run \
                 authproxy_update_sso_enrollment_code with the enrollment code from the Duo Admin Panel \
                 (Single Sign-On > Authentication Source), then validate again.",
            )
            .in_section(view.name()),
        ),
        None => out.push(
            Diagnostic::new(
                Kind::PathNotChecked,
                view.section.header_range,
                "SSO enrollment was not checked: the secrets store lives under the proxy's install \
                 directory, which is not known here. Pass --install-dir to check it.",
            )
            .in_section(view.name()),
        ),
    }
}

/// Looks for the SSO secrets store holding `proxy_key`; `None` when no location can be checked.
fn detect_enrollment(options: &Options<'_>) -> Option<bool> {
    let install = options.install_dir.as_deref();
    let mut candidates: Vec<PathBuf> = Vec::new();
    match options.platform() {
        Platform::Windows => {
            if cfg!(windows) {
                candidates.push(PathBuf::from(r"C:\ProgramData\Duo Authentication Proxy\secrets"));
            }
            candidates.extend(install.map(|i| i.join("conf").join("secrets")));
        }
        Platform::Linux => {
            if cfg!(unix) {
                candidates.push(PathBuf::from("/etc/duoauthproxy/secrets"));
            }
            candidates.extend(install.map(|i| i.join("conf").join(".secrets")));
        }
    }
    if candidates.iter().any(|p| holds_proxy_key(p)) {
        return Some(true);
    }
    install.map(|_| false)
}

fn holds_proxy_key(path: &Path) -> bool {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|v| v.get("proxy_key").is_some_and(|k| !k.is_null()))
}
