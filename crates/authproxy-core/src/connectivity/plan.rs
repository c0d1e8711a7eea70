//! The check plan: which hosts to probe and how, read from a document. Pure data, no I/O.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Problem;
use crate::config::paths::PathKind;
use crate::config::{Document, Entry, Section};
use crate::schema::{ProxyVersion, SectionType};
use crate::secrets::{Protector, Secret};

/// How long Duo API calls may take (Duo's tool uses 10 s).
pub const DUO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one RADIUS Status-Server try waits (Duo's tool: 2 s, 3 tries).
pub const RADIUS_TRY_TIMEOUT: Duration = Duration::from_secs(2);
/// RADIUS tries.
pub const RADIUS_TRIES: u32 = 3;
/// LDAP `timeout` when the section sets none.
pub const LDAP_DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest LDAP timeout a check waits, whatever the config says (an hour).
pub const LDAP_MAX_TIMEOUT_SECONDS: u64 = 3600;

/// One thing to probe, and where in the file it comes from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Probe {
    /// The section, e.g. `ad_client2`.
    pub section: String,
    /// 0-based line of the key naming the host (or the section header).
    pub line: usize,
    /// 0-based column of that key.
    pub column: usize,
    /// What and how.
    pub target: ProbeTarget,
}

impl Probe {
    /// A one-line title for reports, e.g. `[ad_client] ldaps://dc1.example.com:636`.
    #[must_use]
    pub fn title(&self) -> String {
        format!("[{}] {}", self.section, self.target.describe())
    }

    /// The longest this probe can take, for the runner's overall bound.
    #[must_use]
    pub fn time_limit(&self) -> Duration {
        match &self.target {
            ProbeTarget::Ldap(l) => l.timeout.saturating_mul(4),
            ProbeTarget::Duo(_) => DUO_TIMEOUT * 4,
            ProbeTarget::Radius(_) => RADIUS_TRY_TIMEOUT * RADIUS_TRIES + Duration::from_secs(1),
            ProbeTarget::HttpProxy { .. } => DUO_TIMEOUT,
        }
    }
}

/// What to probe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProbeTarget {
    /// One host of an `[ad_client*]` section.
    Ldap(LdapTarget),
    /// The Duo API host of a section.
    Duo(DuoTarget),
    /// One host of a `[radius_client*]` section.
    Radius(RadiusTarget),
    /// The `[main]` outbound HTTP proxy: TCP connect only.
    HttpProxy {
        /// Host.
        host: String,
        /// Port.
        port: u16,
    },
}

impl ProbeTarget {
    /// What kind of server this is, for advice worded for it.
    #[must_use]
    pub fn service(&self) -> super::problem::Service {
        use super::problem::Service;
        match self {
            Self::Ldap(_) => Service::Directory,
            Self::Duo(d) if d.proxy.is_some() => Service::DuoApiViaProxy,
            Self::Duo(_) => Service::DuoApi,
            Self::Radius(_) => Service::Radius,
            Self::HttpProxy { .. } => Service::HttpProxy,
        }
    }

    /// E.g. `ldaps://dc1:636`, `https://api-x.duosecurity.com`, `radius 10.0.0.5:1812`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Ldap(l) => {
                let starttls = if l.transport == Transport::Starttls { " (StartTLS)" } else { "" };
                format!("{}://{}:{}{starttls}", l.transport.scheme(), l.host, l.port)
            }
            Self::Duo(d) => {
                let via = d.proxy.as_ref().map(|p| format!(" via proxy {}:{}", p.host, p.port)).unwrap_or_default();
                if d.port == 443 {
                    format!("https://{}{via}", d.host)
                } else {
                    format!("https://{}:{}{via}", d.host, d.port)
                }
            }
            Self::Radius(r) => format!("radius {}:{}", r.host, r.port),
            Self::HttpProxy { host, port } => format!("http proxy {host}:{port}"),
        }
    }
}

/// `transport=` of an ad_client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// Plain LDAP.
    Clear,
    /// LDAP over TLS from the first byte.
    Ldaps,
    /// LDAP, upgraded with StartTLS.
    Starttls,
}

impl Transport {
    fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "clear" => Some(Self::Clear),
            "ldaps" => Some(Self::Ldaps),
            "starttls" => Some(Self::Starttls),
            _ => None,
        }
    }

    /// The URL scheme ldap3 needs.
    #[must_use]
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Ldaps => "ldaps",
            Self::Clear | Self::Starttls => "ldap",
        }
    }

    /// Whether TLS is used.
    #[must_use]
    pub fn uses_tls(self) -> bool {
        self != Self::Clear
    }
}

/// A secret as the config gives it, never printed.
#[derive(Clone, PartialEq)]
pub enum SecretSource {
    /// Written in plain text.
    Plain(Secret),
    /// A `*_protected` DPAPI blob, decrypted when the probe runs.
    Protected {
        /// The key it was read from.
        key: String,
        /// The base64 blob.
        blob: String,
    },
    /// Not set.
    Missing {
        /// The key that would hold it.
        key: String,
    },
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Plain(_) => f.write_str("Plain(*****)"),
            Self::Protected { key, .. } => write!(f, "Protected({key})"),
            Self::Missing { key } => write!(f, "Missing({key})"),
        }
    }
}

impl serde::Serialize for SecretSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            Self::Plain(_) => "plaintext",
            Self::Protected { .. } => "protected",
            Self::Missing { .. } => "missing",
        })
    }
}

impl SecretSource {
    /// The plaintext: as written, or decrypted through `protector`.
    ///
    /// # Errors
    /// [`Problem::SecretUnavailable`] when it is not set or cannot be decrypted here.
    pub fn resolve(&self, protector: &dyn Protector) -> Result<Secret, Problem> {
        match self {
            Self::Plain(s) => Ok(s.clone()),
            Self::Protected { key, blob } => protector
                .unprotect(blob)
                .map_err(|e| Problem::SecretUnavailable { key: key.clone(), detail: e.to_string() }),
            Self::Missing { key } => {
                Err(Problem::SecretUnavailable { key: key.clone(), detail: "it is not set".into() })
            }
        }
    }

    fn read(section: &Section, defaults: Option<&Section>, key: &str) -> Self {
        let protected_key = match key.rsplit_once('_') {
            Some((stem, n)) if n.bytes().all(|b| b.is_ascii_digit()) => format!("{stem}_protected_{n}"),
            _ => format!("{key}_protected"),
        };
        if let Some(blob) = value(section, defaults, &protected_key).filter(|v| !v.trim().is_empty()) {
            return Self::Protected { key: protected_key, blob: blob.trim().to_string() };
        }
        match value(section, defaults, key) {
            Some(v) if !v.is_empty() => Self::Plain(Secret::new(v)),
            _ => Self::Missing { key: key.to_string() },
        }
    }
}

/// `auth_type=` with what each bind needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "auth_type", rename_all = "snake_case")]
pub enum LdapAuth {
    /// Simple bind as `bind_dn`.
    Plain {
        /// The DN to bind as.
        bind_dn: String,
        /// Its password.
        password: SecretSource,
    },
    /// NTLM (v1 or v2) in SASL GSS-SPNEGO.
    Ntlm {
        /// 1 or 2.
        version: u8,
        /// `service_account_username`.
        username: String,
        /// `ntlm_domain` (may be empty).
        domain: String,
        /// Its password.
        password: SecretSource,
    },
    /// Windows Negotiate as the service's own account.
    Sspi,
    /// An `auth_type` value the proxy rejects.
    Unknown {
        /// The value.
        value: String,
    },
}

/// One LDAP host to probe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LdapTarget {
    /// Host name or IP, as configured.
    pub host: String,
    /// Port (defaulted from the transport).
    pub port: u16,
    /// `transport`.
    pub transport: Transport,
    /// `ssl_ca_certs_file`, resolved against the install directory.
    pub ca_file: Option<PathBuf>,
    /// `ssl_verify_hostname`.
    pub verify_hostname: bool,
    /// How to bind.
    pub auth: LdapAuth,
    /// `search_dn`.
    pub search_dn: String,
    /// The search filter the proxy would use to find users.
    pub filter: String,
    /// `timeout`.
    #[serde(skip)]
    pub timeout: Duration,
    /// The proxy version the checks judge by (a SHA-1 DC certificate fails from 6.0 on);
    /// `None` when unknown.
    pub proxy_version: Option<ProxyVersion>,
}

/// One Duo API host to probe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DuoTarget {
    /// `api_host`.
    pub host: String,
    /// `api_port`.
    pub port: u16,
    /// `http_ca_certs_file`, resolved; `None` means the system's roots.
    pub ca_file: Option<PathBuf>,
    /// The outbound CONNECT proxy, if any.
    pub proxy: Option<ProxyRoute>,
    /// ikey and skey for the signed check; `None` when the section's check is ping only.
    pub credentials: Option<DuoCredentials>,
}

/// `http_proxy_host` / `http_proxy_port`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProxyRoute {
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
}

/// An integration's keys.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DuoCredentials {
    /// `ikey`.
    pub ikey: String,
    /// `skey` or `skey_protected`.
    pub skey: SecretSource,
}

/// One RADIUS server to probe.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RadiusTarget {
    /// IP address, as configured.
    pub host: String,
    /// UDP port.
    pub port: u16,
    /// `secret`.
    pub secret: SecretSource,
    /// `nas_ip`, if set.
    pub nas_ip: Option<String>,
}

fn value<'a>(section: &'a Section, defaults: Option<&'a Section>, key: &str) -> Option<&'a str> {
    section.value(key).or_else(|| defaults.and_then(|d| d.value(key)))
}

/// The file the proxy opens for a path value (the validator checks the very same one).
fn resolve_path(value: &str, install_dir: Option<&Path>) -> PathBuf {
    let lookup = crate::config::paths::locate(value, PathKind::File, install_dir, crate::schema::Platform::host());
    lookup.path().map_or_else(|| PathBuf::from(value.trim()), Path::to_path_buf)
}

/// A boolean as the proxy's checker reads it, or `default` when absent or unreadable.
fn parse_bool(value: Option<&str>, default: bool) -> bool {
    value.and_then(|v| crate::validate::checker_bool(v.trim())).unwrap_or(default)
}

fn parse_port(value: Option<&str>, default: u16) -> u16 {
    value.and_then(|v| v.trim().parse().ok()).filter(|p| *p != 0).unwrap_or(default)
}

/// The filter the proxy searches users with (Duo's tool: person classes AND group AND `ldap_filter`).
#[must_use]
pub fn user_filter(security_group_dn: &str, ldap_filter: &str) -> String {
    let person =
        "(|(&(objectClass=user)(objectCategory=person))(objectClass=inetOrgPerson)(objectClass=organizationalPerson))";
    let mut parts = Vec::new();
    if !security_group_dn.trim().is_empty() {
        parts.push(format!("(memberOf={})", security_group_dn.trim()));
    }
    parts.push(person.to_string());
    let custom = ldap_filter.trim();
    if !custom.is_empty() {
        if custom.starts_with('(') {
            parts.push(custom.to_string());
        } else {
            parts.push(format!("({custom})"));
        }
    }
    format!("(&{})", parts.concat())
}

/// The keys `stem` and `stem_N` (N ≥ `first_number`) that hold values, in the order the proxy
/// tries them (bare first, then by number), each with its number.
fn numbered<'a>(section: &'a Section, stem: &str, first_number: u32) -> Vec<(&'a Entry, Option<u32>)> {
    let mut found: Vec<(&Entry, Option<u32>)> = Vec::new();
    for entry in &section.entries {
        let number = if entry.name == stem {
            None
        } else if let Some(n) = entry.name.strip_prefix(stem).and_then(|r| r.strip_prefix('_')) {
            match n.parse::<u32>() {
                Ok(n) if n >= first_number => Some(n),
                _ => continue,
            }
        } else {
            continue;
        };
        if entry.value.trim().is_empty() || found.iter().any(|(_, n)| *n == number) {
            continue;
        }
        found.push((entry, number));
    }
    found.sort_by_key(|(_, n)| n.unwrap_or(0));
    found
}

/// Builds the probes for `doc`, in file order. `install_dir` resolves relative CA paths;
/// `proxy_version` (`None` when unknown) is the release whose rules the LDAP checks apply.
#[must_use]
pub fn build_plan(doc: &Document, install_dir: Option<&Path>, proxy_version: Option<ProxyVersion>) -> Vec<Probe> {
    let defaults = doc.section("DEFAULT");
    let main = doc.section("main");
    let main_value = |key: &str| main.and_then(|m| value(m, defaults, key)).filter(|v| !v.trim().is_empty());
    let main_proxy = main_value("http_proxy_host")
        .map(|host| ProxyRoute { host: host.trim().to_string(), port: parse_port(main_value("http_proxy_port"), 80) });
    let http_ca = main_value("http_ca_certs_file");
    let mut probes = Vec::new();

    if let (Some(m), Some(route)) = (main, &main_proxy) {
        let target = ProbeTarget::HttpProxy { host: route.host.clone(), port: route.port };
        probes.push(located(doc, m, m.get("http_proxy_host"), target));
    }

    for section in doc.regular_sections() {
        let Some(kind) = SectionType::from_section_name(&section.name) else { continue };
        match kind {
            SectionType::AdClient => {
                for (entry, _) in numbered(section, "host", 2) {
                    let mut ldap = ldap_target(section, defaults, entry.value.trim(), install_dir);
                    ldap.proxy_version = proxy_version;
                    let target = ProbeTarget::Ldap(ldap);
                    probes.push(located(doc, section, Some(entry), target));
                }
            }
            SectionType::RadiusClient => {
                let hosts = numbered(section, "host", 1);
                for (entry, number) in hosts {
                    let port_key = number.map_or_else(|| "port".to_string(), |n| format!("port_{n}"));
                    let port = parse_port(value(section, defaults, &port_key), 1812);
                    let target = ProbeTarget::Radius(RadiusTarget {
                        host: entry.value.trim().to_string(),
                        port,
                        secret: SecretSource::read(section, defaults, "secret"),
                        nas_ip: value(section, defaults, "nas_ip")
                            .map(str::trim)
                            .filter(|v| !v.is_empty())
                            .map(String::from),
                    });
                    probes.push(located(doc, section, Some(entry), target));
                }
            }
            _ => {
                let Some(host_entry) = section.get("api_host").filter(|e| !e.value.trim().is_empty()) else { continue };
                let section_proxy =
                    value(section, None, "http_proxy_host").filter(|v| !v.trim().is_empty()).map(|host| ProxyRoute {
                        host: host.trim().to_string(),
                        port: parse_port(value(section, None, "http_proxy_port"), 80),
                    });
                // [main]'s proxy reaches the server and cloud sections (fact sheet §3).
                let proxy = section_proxy.or_else(|| kind.uses_duo_api().then(|| main_proxy.clone()).flatten());
                let checks_credentials = kind.is_radius_server() || kind == SectionType::LdapServerAuto;
                let credentials = checks_credentials.then(|| DuoCredentials {
                    ikey: value(section, defaults, "ikey").unwrap_or("").trim().to_string(),
                    skey: SecretSource::read(section, defaults, "skey"),
                });
                let ca = value(section, None, "http_ca_certs_file").filter(|v| !v.trim().is_empty()).or(http_ca);
                let port = if kind == SectionType::Cloud {
                    443
                } else {
                    parse_port(value(section, defaults, "api_port"), 443)
                };
                let target = ProbeTarget::Duo(DuoTarget {
                    host: host_entry.value.trim().to_string(),
                    port,
                    ca_file: ca.map(|c| resolve_path(c, install_dir)),
                    proxy,
                    credentials,
                });
                probes.push(located(doc, section, Some(host_entry), target));
            }
        }
    }
    probes
}

/// A probe pointing at `entry` of `section` (at its header when the key is inherited).
fn located(doc: &Document, section: &Section, entry: Option<&Entry>, target: ProbeTarget) -> Probe {
    Probe {
        section: section.name.to_string(),
        line: entry.map_or(section.line, |e| e.line),
        column: entry.map_or(0, |e| doc.line_col(e.key_range.start).column - 1),
        target,
    }
}

fn ldap_target(section: &Section, defaults: Option<&Section>, host: &str, install_dir: Option<&Path>) -> LdapTarget {
    let get = |key: &str| value(section, defaults, key).map(str::trim).unwrap_or("");
    let transport = Transport::parse(get("transport")).unwrap_or(Transport::Clear);
    let default_port = if transport == Transport::Ldaps { 636 } else { 389 };
    let password = SecretSource::read(section, defaults, "service_account_password");
    let auth = match get("auth_type").to_ascii_lowercase().as_str() {
        "plain" => LdapAuth::Plain { bind_dn: get("bind_dn").to_string(), password },
        "" | "ntlm2" => LdapAuth::Ntlm {
            version: 2,
            username: get("service_account_username").to_string(),
            domain: get("ntlm_domain").to_string(),
            password,
        },
        "ntlm1" => LdapAuth::Ntlm {
            version: 1,
            username: get("service_account_username").to_string(),
            domain: get("ntlm_domain").to_string(),
            password,
        },
        "sspi" => LdapAuth::Sspi,
        other => LdapAuth::Unknown { value: other.to_string() },
    };
    let timeout = get("timeout")
        .parse::<u64>()
        .ok()
        .filter(|t| *t > 0)
        .map_or(LDAP_DEFAULT_TIMEOUT, |t| Duration::from_secs(t.min(LDAP_MAX_TIMEOUT_SECONDS)));
    LdapTarget {
        host: host.to_string(),
        port: parse_port(Some(get("port")), default_port),
        transport,
        ca_file: Some(get("ssl_ca_certs_file")).filter(|v| !v.is_empty()).map(|v| resolve_path(v, install_dir)),
        verify_hostname: parse_bool(value(section, defaults, "ssl_verify_hostname"), true),
        auth,
        search_dn: get("search_dn").to_string(),
        filter: user_filter(get("security_group_dn"), get("ldap_filter")),
        timeout,
        proxy_version: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_timeout_is_capped_and_never_overflows() {
        let doc = Document::parse("[ad_client]\nhost=dc1\ntimeout=18446744073709551615\nsearch_dn=dc=x\n");
        let plan = build_plan(&doc, None, None);
        let ProbeTarget::Ldap(ldap) = &plan[0].target else { panic!("an LDAP probe") };
        assert_eq!(ldap.timeout, Duration::from_secs(LDAP_MAX_TIMEOUT_SECONDS));
        assert_eq!(plan[0].time_limit(), Duration::from_secs(4 * LDAP_MAX_TIMEOUT_SECONDS));
    }

    fn plan(text: &str) -> Vec<Probe> {
        build_plan(&Document::parse(text), Some(Path::new("/opt/duoauthproxy")), None)
    }

    #[test]
    fn every_ad_host_in_the_proxys_order_with_ports_from_the_transport() {
        let probes = plan(
            "[ad_client]\nhost_3=c\nhost=a\nhost_2=b\ntransport=ldaps\nssl_ca_certs_file=conf/ca.pem\n\
             service_account_username=svc\nservice_account_password=pw\nsearch_dn=DC=x\n\
             [ad_client2]\nhost=d\nport=3389\nauth_type=plain\nbind_dn=CN=svc\nservice_account_password_protected=AQAA\nsearch_dn=DC=y\nsecurity_group_dn=CN=G\n",
        );
        let hosts: Vec<_> = probes
            .iter()
            .map(|p| match &p.target {
                ProbeTarget::Ldap(l) => (p.section.as_str(), l.host.as_str(), l.port, p.line),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            hosts,
            [
                ("ad_client", "a", 636, 2),
                ("ad_client", "b", 636, 3),
                ("ad_client", "c", 636, 1),
                ("ad_client2", "d", 3389, 10)
            ]
        );
        let ProbeTarget::Ldap(first) = &probes[0].target else { unreachable!() };
        assert_eq!(first.ca_file.as_deref(), Some(Path::new("/opt/duoauthproxy/conf/ca.pem")));
        assert!(
            matches!(&first.auth, LdapAuth::Ntlm { version: 2, username, password: SecretSource::Plain(_), .. } if username == "svc")
        );
        let ProbeTarget::Ldap(last) = &probes[3].target else { unreachable!() };
        assert!(
            matches!(&last.auth, LdapAuth::Plain { bind_dn, password: SecretSource::Protected { key, .. } } if bind_dn == "CN=svc" && key == "service_account_password_protected")
        );
        assert!(last.filter.starts_with("(&(memberOf=CN=G)(|(&(objectClass=user)"), "{}", last.filter);
        assert_eq!(last.transport, Transport::Clear);
    }

    #[test]
    fn duo_sections_with_main_proxy_and_ca_and_ping_only_for_cloud() {
        let probes = plan(
            "[main]\nhttp_proxy_host=proxy.local\nhttp_ca_certs_file=/etc/ca.pem\n\
             [radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey_protected=QUFB\napi_host=api-1.duosecurity.com\napi_port=8443\n\
             [cloud]\nikey=DI\nskey=s\napi_host=api-2.duosecurity.com\n\
             [http_proxy]\napi_host=api-3.duosecurity.com\n\
             [radius_client]\nhost=10.0.0.1\nhost_2=10.0.0.2\nport_2=1645\nsecret=s\n",
        );
        let kinds: Vec<String> = probes.iter().map(|p| p.target.describe()).collect();
        assert_eq!(
            kinds,
            [
                "http proxy proxy.local:80",
                "https://api-1.duosecurity.com:8443 via proxy proxy.local:80",
                "https://api-2.duosecurity.com via proxy proxy.local:80",
                "https://api-3.duosecurity.com",
                "radius 10.0.0.1:1812",
                "radius 10.0.0.2:1645",
            ]
        );
        let ProbeTarget::Duo(auto) = &probes[1].target else { unreachable!() };
        assert_eq!(auto.ca_file.as_deref(), Some(Path::new("/etc/ca.pem")));
        assert!(matches!(&auto.credentials, Some(DuoCredentials { skey: SecretSource::Protected { .. }, .. })));
        let ProbeTarget::Duo(cloud) = &probes[2].target else { unreachable!() };
        assert!(cloud.credentials.is_none(), "Duo's tool only pings for [cloud]");
    }

    #[test]
    fn secrets_never_serialize_or_debug_print() {
        let probes = plan("[radius_client]\nhost=10.0.0.1\nsecret=hunter2secret\n");
        let json = serde_json::to_string(&probes).unwrap();
        let debug = format!("{probes:?}");
        assert!(!json.contains("hunter2secret") && !debug.contains("hunter2secret"), "{json}\n{debug}");
        assert!(json.contains("\"secret\":\"plaintext\""), "{json}");
    }

    #[test]
    fn sections_without_hosts_give_no_probes() {
        assert!(plan("[ad_client]\nsearch_dn=x\n[radius_server_auto]\nikey=x\n[duo_only_client]\n").is_empty());
    }

    #[test]
    fn the_proxy_version_reaches_every_ldap_target() {
        let doc = Document::parse("[ad_client]\nhost=a\nhost_2=b\n[radius_client]\nhost=10.0.0.1\nsecret=s\n");
        let version = ProxyVersion::new(6, 8, 0);
        let probes = build_plan(&doc, None, Some(version));
        let versions: Vec<_> = probes
            .iter()
            .filter_map(|p| match &p.target {
                ProbeTarget::Ldap(l) => Some(l.proxy_version),
                _ => None,
            })
            .collect();
        assert_eq!(versions, [Some(version), Some(version)]);
        let ProbeTarget::Ldap(unknown) = &build_plan(&doc, None, None)[0].target else { unreachable!() };
        assert_eq!(unknown.proxy_version, None);
    }

    #[test]
    fn the_default_section_reaches_every_section() {
        let probes = plan("[DEFAULT]\ntimeout=3\n[ad_client]\nhost=a\n");
        let ProbeTarget::Ldap(l) = &probes[0].target else { unreachable!() };
        assert_eq!(l.timeout, Duration::from_secs(3));
    }
}
