//! The key table: every key of every section type, with type, default, rules and help.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use super::types::{EnumValue, ValueType};
use super::{ProxyVersion, SectionType};

/// Whether a key must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// May be omitted.
    Optional,
    /// Must be present (for a protected pair: the plain key or its twin).
    Required,
    /// Required only in some configurations; the text says when.
    Conditional(&'static str),
}

/// How a key may be numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// Only the bare key (`failmode`).
    Single,
    /// The bare key and `key_N` (`host`, `host_2`).
    BareOrNumbered,
    /// Only `key_N` (`radius_ip_1`); the bare form is unexpected.
    NumberedOnly,
}

/// One key of one or more section types.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// Lower-case key name, or the stem of a numbered family.
    pub name: &'static str,
    /// Section types accepting this key with exactly these properties.
    pub sections: &'static [SectionType],
    /// Type of its value.
    pub value_type: ValueType,
    /// Runtime default, as the proxy documents it.
    pub default: Option<&'static str>,
    /// Whether it must be present.
    pub requirement: Requirement,
    /// Numbered forms accepted.
    pub numbering: Numbering,
    /// For a plain secret: the name of its `*_protected` twin stem. For a protected key: the plain stem.
    pub twin: Option<&'static str>,
    /// The value is a secret (mask it in every output).
    pub secret: bool,
    /// This is a `*_protected` DPAPI value.
    pub protected: bool,
    /// Only meaningful on Windows.
    pub windows_only: bool,
    /// Accepted but deprecated (reported as `DeprecatedKey`).
    pub deprecated: bool,
    /// Short help in our own words.
    pub help: &'static str,
}

/// A key name resolved against the table.
#[derive(Debug, Clone, Copy)]
pub struct KeyMatch {
    /// The matching spec.
    pub spec: &'static KeySpec,
    /// The number of a numbered key (`host_2` → 2); `None` for a bare key.
    pub index: Option<u32>,
}

// ---------------------------------------------------------------------------
// Enumerated values (shared with completion)
// ---------------------------------------------------------------------------

const fn ev(name: &'static str, help: &'static str) -> EnumValue {
    EnumValue { name, help, windows_only: false }
}

/// Values of `failmode`.
pub const FAILMODE: &[EnumValue] = &[
    ev("safe", "Let users in on primary auth alone when Duo cannot be reached."),
    ev("secure", "Reject logins when Duo cannot be reached."),
];

/// Values of ad_client `transport`.
pub const TRANSPORT: &[EnumValue] = &[
    ev("clear", "Unencrypted LDAP (port 389 by default)."),
    ev("ldaps", "LDAP inside TLS from the first byte (port 636 by default)."),
    ev("starttls", "Plain LDAP upgraded to TLS with StartTLS (port 389 by default)."),
];

/// Values of ad_client `auth_type`.
pub const AUTH_TYPE: &[EnumValue] = &[
    ev("plain", "Simple bind with bind_dn and password; sends the password as-is on clear transport."),
    ev("ntlm1", "NTLMv1 bind; weak, avoid where possible."),
    ev("ntlm2", "NTLMv2 bind (the default)."),
    EnumValue {
        name: "sspi",
        help: "Bind as the Windows account running the proxy service (Kerberos/NTLM); Windows only, no service account keys needed.",
        windows_only: true,
    },
];

/// Values of radius_server_challenge `prompt_format`.
pub const PROMPT_FORMAT: &[EnumValue] = &[
    ev("console", "Plain-text factor menu suited to terminals and most VPN clients (default)."),
    ev("html", "Factor menu with HTML markup for clients that render it."),
    ev("short", "Shortened prompt for clients with little room for challenge text."),
];

/// Values of radius_server_iframe `type`.
pub const IFRAME_TYPE: &[EnumValue] = &[
    ev("array", "Array Networks SSL VPN portal."),
    ev("barracuda", "Barracuda SSL VPN portal."),
    ev("citrix", "Citrix Web Interface / StoreFront (API timeout defaults to 8 s)."),
    ev("citrix_netscaler", "Citrix NetScaler Gateway portal."),
    ev("citrix_netscaler_rfwebui", "Citrix NetScaler Gateway with the RfWebUI theme."),
    ev("f5", "F5 (older portal integration)."),
    ev("f5_bigip", "F5 BIG-IP APM portal."),
    ev("fortinet", "Fortinet FortiGate SSL VPN portal."),
    ev("juniper", "Juniper / Pulse Secure SSL VPN portal."),
    ev("paloalto", "Palo Alto GlobalProtect portal."),
    ev("sonicwall_sra", "SonicWall SRA / SMA SSL VPN portal."),
];

// ---------------------------------------------------------------------------
// Section groups
// ---------------------------------------------------------------------------

use SectionType as S;

const ALL: &[SectionType] = &SectionType::ALL;
const MAIN: &[SectionType] = &[S::Main];
const AD: &[SectionType] = &[S::AdClient];
const RC: &[SectionType] = &[S::RadiusClient];
const EAP: &[SectionType] = &[S::RadiusServerEap];
const LDAP: &[SectionType] = &[S::LdapServerAuto];
const CLOUD: &[SectionType] = &[S::Cloud];
const SSO: &[SectionType] = &[S::Sso];
const HTTP: &[SectionType] = &[S::HttpProxy];
const CHALLENGE: &[SectionType] = &[S::RadiusServerChallenge];
const IFRAME: &[SectionType] = &[S::RadiusServerIframe];
const DUO_ONLY: &[SectionType] = &[S::RadiusServerDuoOnly];

/// The five RADIUS server types sharing the basic key list (all but EAP).
const RADIUS_SERVERS: &[SectionType] = &[
    S::RadiusServerAuto,
    S::RadiusServerChallenge,
    S::RadiusServerIframe,
    S::RadiusServerConcat,
    S::RadiusServerDuoOnly,
];
/// All six RADIUS server types.
const ALL_RADIUS_SERVERS: &[SectionType] = &[
    S::RadiusServerAuto,
    S::RadiusServerChallenge,
    S::RadiusServerIframe,
    S::RadiusServerConcat,
    S::RadiusServerDuoOnly,
    S::RadiusServerEap,
];
/// Sections talking to Duo's Auth/Admin API with ikey/skey/api_host.
const DUO_API: &[SectionType] = &[
    S::RadiusServerAuto,
    S::RadiusServerChallenge,
    S::RadiusServerIframe,
    S::RadiusServerConcat,
    S::RadiusServerDuoOnly,
    S::RadiusServerEap,
    S::LdapServerAuto,
    S::Cloud,
];
/// Sections accepting their own http_proxy_host / http_proxy_port.
const OUTBOUND_PROXY: &[SectionType] = &[
    S::RadiusServerAuto,
    S::RadiusServerChallenge,
    S::RadiusServerIframe,
    S::RadiusServerConcat,
    S::RadiusServerDuoOnly,
    S::RadiusServerEap,
    S::LdapServerAuto,
    S::Cloud,
    S::Sso,
];
/// Listener sections with an `interface` key.
const LISTENERS: &[SectionType] = &[
    S::RadiusServerAuto,
    S::RadiusServerChallenge,
    S::RadiusServerIframe,
    S::RadiusServerConcat,
    S::RadiusServerDuoOnly,
    S::RadiusServerEap,
    S::LdapServerAuto,
    S::HttpProxy,
];
/// Sections with API port / timeout keys accepted by the checker.
const API_PORT: &[SectionType] = &[
    S::RadiusServerAuto,
    S::RadiusServerChallenge,
    S::RadiusServerIframe,
    S::RadiusServerConcat,
    S::RadiusServerDuoOnly,
    S::LdapServerAuto,
];
/// api_timeout with a default of 0 (iframe has its own default).
const API_TIMEOUT_ZERO: &[SectionType] =
    &[S::RadiusServerAuto, S::RadiusServerChallenge, S::RadiusServerConcat, S::RadiusServerDuoOnly, S::LdapServerAuto];
/// Server sections whose `client` names a primary-auth section (not duo_only, not LDAP).
const RADIUS_WITH_CLIENT: &[SectionType] =
    &[S::RadiusServerAuto, S::RadiusServerChallenge, S::RadiusServerIframe, S::RadiusServerConcat, S::RadiusServerEap];
/// Sections with a factor list.
const FACTORS: &[SectionType] = &[S::RadiusServerAuto, S::RadiusServerEap, S::LdapServerAuto];
/// Sections that split a password and an appended passcode.
const DELIMITED: &[SectionType] = &[S::RadiusServerAuto, S::RadiusServerConcat, S::RadiusServerEap, S::LdapServerAuto];
/// allow_concat defaulting to true.
const CONCAT_TRUE: &[SectionType] = &[S::RadiusServerAuto, S::LdapServerAuto];
/// TLS listeners.
const TLS_LISTENERS: &[SectionType] = &[S::RadiusServerEap, S::LdapServerAuto];
/// Sections with a Duo service account pair that is optional but paired.
const PAIRED_ACCOUNT: &[SectionType] = &[S::Cloud, S::Sso];
/// Sections with service_account_password(_protected).
const ACCOUNT_PASSWORD: &[SectionType] = &[S::AdClient, S::Cloud, S::Sso];

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

/// An optional, single, non-secret key.
const fn key(
    name: &'static str,
    sections: &'static [SectionType],
    value_type: ValueType,
    default: Option<&'static str>,
    help: &'static str,
) -> KeySpec {
    KeySpec {
        name,
        sections,
        value_type,
        default,
        requirement: Requirement::Optional,
        numbering: Numbering::Single,
        twin: None,
        secret: false,
        protected: false,
        windows_only: false,
        deprecated: false,
        help,
    }
}

/// A required, single, non-secret key with no default.
const fn req(
    name: &'static str,
    sections: &'static [SectionType],
    value_type: ValueType,
    help: &'static str,
) -> KeySpec {
    KeySpec { requirement: Requirement::Required, ..key(name, sections, value_type, None, help) }
}

/// A plain secret with a `*_protected` twin.
const fn secret(
    name: &'static str,
    twin: &'static str,
    sections: &'static [SectionType],
    value_type: ValueType,
    requirement: Requirement,
    numbering: Numbering,
    help: &'static str,
) -> KeySpec {
    KeySpec { requirement, numbering, twin: Some(twin), secret: true, ..key(name, sections, value_type, None, help) }
}

/// The DPAPI-protected twin of a plain secret.
const fn protected(
    name: &'static str,
    plain: &'static str,
    sections: &'static [SectionType],
    numbering: Numbering,
    help: &'static str,
) -> KeySpec {
    KeySpec {
        numbering,
        twin: Some(plain),
        secret: true,
        protected: true,
        ..key(name, sections, ValueType::Protected, None, help)
    }
}

const fn cond(text: &'static str) -> Requirement {
    Requirement::Conditional(text)
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

/// The full table: every key the Duo 5.0.0 checker accepts, per section type.
pub static KEYS: &[KeySpec] = &[
    // ----- every section -----
    key(
        "debug",
        ALL,
        ValueType::Bool,
        Some("false"),
        "Turns on verbose debug logging for this section. Setting it in [main] switches it on for every section; very noisy, so turn it off again after troubleshooting.",
    ),
    key(
        "http_ca_certs_file",
        ALL,
        ValueType::ReadableFile,
        Some("conf/ca-bundle.crt"),
        "PEM bundle of CA certificates trusted when connecting to Duo over HTTPS. A relative path is looked up in the install directory, then under conf; a value in [main] is copied into every section.",
    ),
    // ----- [main] -----
    key(
        "log_dir",
        MAIN,
        ValueType::Directory,
        Some("log"),
        "Directory for the proxy's log files, relative to the install directory unless absolute. It must already exist.",
    ),
    key(
        "log_auth_events",
        MAIN,
        ValueType::Bool,
        Some("false"),
        "Also write authentication events, one JSON object per line, to authevents.log.",
    ),
    key(
        "log_sso_events",
        MAIN,
        ValueType::Bool,
        Some("true"),
        "Write Duo SSO events as JSON lines to ssoevents.log; on unless set to false.",
    ),
    key(
        "log_max_files",
        MAIN,
        ValueType::NonNegInt,
        Some("6"),
        "How many rotated log files to keep; 0 keeps all of them, so the log directory can grow without limit.",
    ),
    key(
        "log_max_size",
        MAIN,
        ValueType::NonNegInt,
        Some("10485760"),
        "Size in bytes at which a log file is rotated (10 MiB by default).",
    ),
    key(
        "log_file",
        MAIN,
        ValueType::Bool,
        Some("false"),
        "Write logs to files in log_dir. File logging is forced on anyway unless log_stdout or log_syslog is enabled, so false alone does not disable it.",
    ),
    key(
        "log_stdout",
        MAIN,
        ValueType::Bool,
        Some("false"),
        "Send logs to standard output, useful when running in a container or in the foreground.",
    ),
    key(
        "log_syslog",
        MAIN,
        ValueType::Bool,
        Some("false"),
        "Send logs to the local syslog daemon. Not available on Windows: the proxy fails at start-up although the checker accepts it.",
    ),
    key(
        "syslog_facility",
        MAIN,
        ValueType::String,
        Some("LOG_USER"),
        "Syslog facility used with log_syslog, such as LOG_AUTH or LOG_LOCAL0..LOG_LOCAL7. The checker only requires a non-empty value; an unknown name fails at runtime.",
    ),
    key(
        "interface",
        MAIN,
        ValueType::SingleIp,
        None,
        "Local IP address to listen on. Copied into every server and http_proxy section that has no interface of its own; unset means all interfaces.",
    ),
    key(
        "http_proxy_host",
        MAIN,
        ValueType::String,
        None,
        "Host name or IP of an outbound HTTP CONNECT proxy for reaching Duo. Copied (with http_proxy_port) into every server and cloud section; cannot be combined with an [http_proxy] section.",
    ),
    key(
        "http_proxy_port",
        MAIN,
        ValueType::Port,
        Some("80"),
        "Port of the outbound HTTP proxy named by http_proxy_host; setting it without http_proxy_host is an error.",
    ),
    key(
        "test_connectivity_on_startup",
        MAIN,
        ValueType::Bool,
        Some("false"),
        "Run the full connectivity tests (directory, RADIUS and Duo reachability) at every start instead of only validating the configuration.",
    ),
    key(
        "client",
        MAIN,
        ValueType::String,
        None,
        "Default client section for server sections that name none. Together with server, it forces that server section's client instead.",
    ),
    key(
        "server",
        MAIN,
        ValueType::String,
        None,
        "Name of a server section whose client is replaced by the client given in [main]; ignored without client or if the section does not exist.",
    ),
    key(
        "fips_mode",
        MAIN,
        ValueType::Bool,
        Some("false"),
        "Restrict proxy listeners to TLS 1.2+ and FIPS-approved ciphers; minimum_tls_version then has no effect. NTLMv2 binds over clear transport fail in this mode, so use ldaps or starttls.",
    ),
    // ----- [ad_client] -----
    KeySpec {
        requirement: Requirement::Required,
        numbering: Numbering::BareOrNumbered,
        ..key(
            "host",
            AD,
            ValueType::String,
            None,
            "Domain controller host name or IP. Add host_2, host_3 ... for failover: the bare host is tried first, then the numbered ones in ascending order.",
        )
    },
    KeySpec {
        requirement: cond("required unless auth_type=sspi"),
        ..key(
            "service_account_username",
            AD,
            ValueType::String,
            None,
            "Account the proxy binds with to look users up. Not needed (and warned about) with auth_type=sspi.",
        )
    },
    secret(
        "service_account_password",
        "service_account_password_protected",
        AD,
        ValueType::String,
        cond("required unless auth_type=sspi; or use service_account_password_protected"),
        Numbering::Single,
        "Password of the service account, stored in clear text. On Windows prefer service_account_password_protected; if both are set the protected value wins.",
    ),
    protected(
        "service_account_password_protected",
        "service_account_password",
        ACCOUNT_PASSWORD,
        Numbering::Single,
        "Service account password encrypted with DPAPI for this machine (authproxy_passwd). Windows only and not portable to another machine; a non-empty value overrides the plain password.",
    ),
    req(
        "search_dn",
        AD,
        ValueType::Dn,
        "Base DN under which users are searched, for example DC=example,DC=com.",
    ),
    key(
        "security_group_dn",
        AD,
        ValueType::Dn,
        None,
        "Only members of this group (directly in memberOf or as primary group) may authenticate; unset allows every user found under search_dn.",
    ),
    key(
        "ldap_filter",
        AD,
        ValueType::LdapFilter,
        None,
        "Extra LDAP filter ANDed with the built-in user filter; must be fully parenthesised, e.g. (department=IT).",
    ),
    key(
        "timeout",
        AD,
        ValueType::Int,
        Some("10"),
        "Seconds to wait for each LDAP operation before giving up and trying the next host.",
    ),
    key(
        "port",
        AD,
        ValueType::Port,
        Some("389 (clear, starttls) or 636 (ldaps)"),
        "TCP port of the directory. Leave unset to get the usual port for the chosen transport.",
    ),
    key(
        "transport",
        AD,
        ValueType::Enum(TRANSPORT),
        Some("clear"),
        "How the LDAP connection is protected: clear, ldaps or starttls. The TLS options verify the server's hostname by default, which needs ssl_ca_certs_file and a host name rather than an IP.",
    ),
    KeySpec {
        requirement: cond(
            "required with transport=ldaps or starttls while ssl_verify_hostname is true",
        ),
        ..key(
            "ssl_ca_certs_file",
            AD,
            ValueType::ReadableFile,
            None,
            "PEM file of CA certificates used to verify the directory's TLS certificate with ldaps or starttls.",
        )
    },
    key(
        "ssl_verify_hostname",
        AD,
        ValueType::Bool,
        Some("true"),
        "Check that the directory's TLS certificate matches the host name. Keep it on; turning it off without a CA file disables certificate checking altogether.",
    ),
    KeySpec {
        requirement: cond("required when auth_type=plain"),
        ..key(
            "bind_dn",
            AD,
            ValueType::Dn,
            None,
            "Full DN of the service account, needed for plain (simple) binds; unset binds as the root DN.",
        )
    },
    key(
        "auth_type",
        AD,
        ValueType::Enum(AUTH_TYPE),
        Some("ntlm2"),
        "How the proxy binds to the directory: plain, ntlm1, ntlm2 or (Windows only) sspi. Plain and ntlm1 over clear transport are insecure.",
    ),
    key(
        "ntlm_domain",
        AD,
        ValueType::String,
        None,
        "NetBIOS domain name sent with NTLM binds, when the directory needs it.",
    ),
    key(
        "ntlm_workstation",
        AD,
        ValueType::String,
        None,
        "Workstation name sent with NTLM binds, for directories that restrict logons by workstation.",
    ),
    key(
        "username_attribute",
        AD,
        ValueType::String,
        Some("sAMAccountName"),
        "Directory attribute matched against the login name (e.g. uid for OpenLDAP).",
    ),
    key(
        "at_attribute",
        AD,
        ValueType::String,
        Some("userPrincipalName"),
        "Attribute matched instead of username_attribute when the login name contains an @.",
    ),
    // ----- [radius_client] -----
    KeySpec {
        requirement: Requirement::Required,
        numbering: Numbering::BareOrNumbered,
        ..key(
            "host",
            RC,
            ValueType::SingleIp,
            None,
            "IP address of the upstream RADIUS server (host names are rejected). Add host_2, host_3 ... for failover; the proxy stops reading at the first gap in the numbering.",
        )
    },
    KeySpec {
        numbering: Numbering::BareOrNumbered,
        ..key(
            "port",
            RC,
            ValueType::Port,
            Some("1812"),
            "UDP port of the upstream RADIUS server; port_N applies to host_N, and a port_N without a matching host_N is an error.",
        )
    },
    secret(
        "secret",
        "secret_protected",
        RC,
        ValueType::String,
        Requirement::Required,
        Numbering::Single,
        "Shared secret for the upstream RADIUS servers (one secret for all hosts). On Windows it can be replaced by secret_protected.",
    ),
    protected(
        "secret_protected",
        "secret",
        RC,
        Numbering::Single,
        "RADIUS shared secret encrypted with DPAPI for this machine (authproxy_passwd). Windows only; a non-empty value overrides secret.",
    ),
    key(
        "retries",
        RC,
        ValueType::NonNegInt,
        Some("3"),
        "How many times a request is resent to an unresponsive RADIUS server before moving on.",
    ),
    key(
        "retry_wait",
        RC,
        ValueType::NonNegInt,
        Some("2"),
        "Seconds to wait for a reply before resending a request.",
    ),
    key(
        "nas_ip",
        RC,
        ValueType::SingleIp,
        None,
        "NAS-IP-Address sent to the upstream server; unset uses the proxy's own detected address.",
    ),
    key(
        "pass_through_attr_names",
        RC,
        ValueType::String,
        None,
        "Comma-separated RADIUS attribute names copied from the upstream server's reply back to the application.",
    ),
    key(
        "pass_through_all",
        RC,
        ValueType::Bool,
        Some("false"),
        "Copy every attribute of the upstream server's reply back to the application.",
    ),
    key(
        "pw_codec",
        RC,
        ValueType::Codec,
        Some("utf-8"),
        "Text encoding used for passwords sent to the upstream RADIUS server.",
    ),
    // ----- Duo API keys (RADIUS servers, LDAP server, cloud) -----
    req(
        "ikey",
        DUO_API,
        ValueType::Ikey,
        "Integration key of the Duo application: DI followed by 18 upper-case letters or digits.",
    ),
    secret(
        "skey",
        "skey_protected",
        DUO_API,
        ValueType::Skey,
        Requirement::Required,
        Numbering::Single,
        "Secret key of the Duo application (40 letters or digits). Give either skey or skey_protected, not both.",
    ),
    protected(
        "skey_protected",
        "skey",
        DUO_API,
        Numbering::Single,
        "Duo secret key encrypted with DPAPI for this machine (authproxy_passwd). Windows only; cannot be combined with skey.",
    ),
    req(
        "api_host",
        DUO_API,
        ValueType::String,
        "API host name of your Duo account, like api-xxxxxxxx.duosecurity.com (shown next to the integration keys).",
    ),
    key(
        "api_port",
        API_PORT,
        ValueType::Port,
        Some("443"),
        "TCP port used for Duo API calls; change only if instructed by Duo.",
    ),
    key(
        "api_timeout",
        API_TIMEOUT_ZERO,
        ValueType::NonNegInt,
        Some("0"),
        "Seconds to wait for a Duo API reply; 0 waits without limit, so failmode never kicks in on a slow (rather than unreachable) service.",
    ),
    key(
        "api_timeout",
        IFRAME,
        ValueType::NonNegInt,
        Some("15 (8 when type=citrix)"),
        "Seconds to wait for a Duo API reply before failmode applies; 0 waits without limit.",
    ),
    key(
        "failmode",
        &[
            S::RadiusServerAuto,
            S::RadiusServerChallenge,
            S::RadiusServerIframe,
            S::RadiusServerConcat,
            S::RadiusServerDuoOnly,
            S::RadiusServerEap,
            S::LdapServerAuto,
        ],
        ValueType::Enum(FAILMODE),
        Some("safe"),
        "What happens when Duo cannot be reached: safe lets users in after primary authentication, secure rejects them.",
    ),
    key(
        "interface",
        LISTENERS,
        ValueType::SingleIp,
        None,
        "Local IP address this listener binds to; unset listens on all interfaces (or uses [main] interface).",
    ),
    key(
        "http_proxy_host",
        OUTBOUND_PROXY,
        ValueType::String,
        None,
        "Outbound HTTP CONNECT proxy used for this section's calls to Duo; usually copied in from [main].",
    ),
    key(
        "http_proxy_port",
        OUTBOUND_PROXY,
        ValueType::Port,
        Some("80"),
        "Port of the outbound HTTP proxy in http_proxy_host; requires http_proxy_host.",
    ),
    // ----- RADIUS servers -----
    key(
        "client",
        RADIUS_WITH_CLIENT,
        ValueType::String,
        None,
        "Name of the section doing primary authentication, e.g. ad_client or radius_client2. Unset falls back to [main] client, then to the only client section.",
    ),
    key(
        "client",
        DUO_ONLY,
        ValueType::String,
        None,
        "Ignored here: this section type needs no primary authentication, and setting it only earns a warning.",
    ),
    key(
        "port",
        ALL_RADIUS_SERVERS,
        ValueType::Port,
        Some("1812"),
        "UDP port to listen on for RADIUS requests. Several RADIUS server sections may share a port if their radius_ip ranges do not overlap.",
    ),
    KeySpec {
        requirement: Requirement::Required,
        numbering: Numbering::NumberedOnly,
        ..key(
            "radius_ip",
            ALL_RADIUS_SERVERS,
            ValueType::IpRange,
            None,
            "Address, CIDR network or ip1-ip2 range of a RADIUS client allowed to talk to this listener. Only numbered forms (radius_ip_1, radius_ip_2 ...) are accepted; each needs a matching radius_secret_N.",
        )
    },
    secret(
        "radius_secret",
        "radius_secret_protected",
        ALL_RADIUS_SERVERS,
        ValueType::String,
        Requirement::Required,
        Numbering::NumberedOnly,
        "Shared secret for the clients in radius_ip_N; only the numbered form radius_secret_N is accepted. Use radius_secret_N or radius_secret_protected_N, not both.",
    ),
    protected(
        "radius_secret_protected",
        "radius_secret",
        ALL_RADIUS_SERVERS,
        Numbering::NumberedOnly,
        "DPAPI-encrypted shared secret for radius_ip_N, written radius_secret_protected_N (number last). Windows only; cannot be combined with radius_secret_N.",
    ),
    KeySpec {
        numbering: Numbering::BareOrNumbered,
        ..key(
            "exempt_username",
            RADIUS_SERVERS,
            ValueType::String,
            None,
            "User who skips Duo and needs only primary authentication. Write exempt_username_1, _2 ...: the proxy stops at the first gap in the numbering and ignores the bare form.",
        )
    },
    key(
        "pass_through_attr_names",
        ALL_RADIUS_SERVERS,
        ValueType::String,
        None,
        "Comma-separated RADIUS attribute names copied from the upstream server's reply to the application. Only valid when the client is a radius_client section.",
    ),
    key(
        "pass_through_all",
        ALL_RADIUS_SERVERS,
        ValueType::Bool,
        Some("false"),
        "Copy every attribute of the upstream RADIUS server's reply to the application (radius_client only).",
    ),
    key(
        "pw_codec",
        ALL_RADIUS_SERVERS,
        ValueType::Codec,
        Some("utf-8"),
        "Text encoding used to decode passwords received from RADIUS clients, e.g. cp1252 for older devices.",
    ),
    key(
        "client_ip_attr",
        ALL_RADIUS_SERVERS,
        ValueType::String,
        Some("default"),
        "RADIUS attribute carrying the end user's IP for Duo: default means Calling-Station-Id, paloalto the Palo Alto source IP attribute; other names must exist in the RADIUS dictionary.",
    ),
    key(
        "factors",
        FACTORS,
        ValueType::FactorList,
        Some("auto"),
        "Comma list of factors to try when no passcode is given (auto, push, phone, passcode), in order of preference.",
    ),
    key(
        "delimiter",
        DELIMITED,
        ValueType::String,
        Some(","),
        "Text separating the password from an appended passcode or factor name, as in password,123456.",
    ),
    key(
        "delimited_password_length",
        DELIMITED,
        ValueType::NonNegInt,
        Some("0"),
        "If non-zero, the password is exactly this many characters and the rest is the passcode, so no delimiter is needed; 0 splits at the delimiter.",
    ),
    key(
        "allow_concat",
        CONCAT_TRUE,
        ValueType::Bool,
        Some("true"),
        "Accept a passcode or factor appended to the password after the delimiter. Disable it if real passwords may contain the delimiter.",
    ),
    key(
        "allow_concat",
        EAP,
        ValueType::Bool,
        Some("false"),
        "Accept a passcode or factor appended to the password after the delimiter; off by default for EAP.",
    ),
    key(
        "prompt_format",
        CHALLENGE,
        ValueType::Enum(PROMPT_FORMAT),
        Some("console"),
        "Layout of the factor-choice challenge text: console, html or short.",
    ),
    key(
        "enroll_challenge",
        CHALLENGE,
        ValueType::Bool,
        Some("true"),
        "Offer users who are not yet enrolled in Duo an enrollment step through the challenge; false turns that off.",
    ),
    req(
        "type",
        IFRAME,
        ValueType::Enum(IFRAME_TYPE),
        "Which VPN or portal product shows the Duo iframe (e.g. citrix_netscaler, f5_bigip); it selects the script injected into the login page.",
    ),
    key(
        "iframe_script_uri",
        IFRAME,
        ValueType::String,
        None,
        "URL of the Duo prompt script loaded by the portal; unset builds it from api_host.",
    ),
    key(
        "script_inject",
        IFRAME,
        ValueType::String,
        None,
        "HTML snippet injected into the portal's login page; unset uses the default for the chosen type.",
    ),
    // ----- [radius_server_eap] -----
    req(
        "certs",
        EAP,
        ValueType::ReadableFile,
        "PEM certificate chain the EAP (PEAP) TLS tunnel presents to clients; a relative path is looked up under conf.",
    ),
    req(
        "pkey",
        EAP,
        ValueType::ReadableFile,
        "PEM private key matching certs; keep its file permissions tight.",
    ),
    key(
        "minimum_tls_version",
        TLS_LISTENERS,
        ValueType::TlsVersion,
        Some("tls1.2"),
        "Oldest TLS version this listener accepts: ssl3, tls1.0, tls1.1 or tls1.2 (no tls1.3 value). Ignored with a warning when [main] fips_mode is on.",
    ),
    key(
        "cipher_list",
        TLS_LISTENERS,
        ValueType::CipherList,
        Some("DEFAULT"),
        "OpenSSL cipher string for this TLS listener, e.g. HIGH:!aNULL; it must select at least one cipher.",
    ),
    key(
        "prompt",
        EAP,
        ValueType::String,
        Some("Enter your password: "),
        "Text shown to the user when the EAP-GTC exchange asks for the password.",
    ),
    // ----- [ldap_server_auto] -----
    key(
        "client",
        LDAP,
        ValueType::String,
        None,
        "ad_client section that checks the passwords; must start with ad_client. Unset uses the only ad_client section when there is exactly one.",
    ),
    key(
        "port",
        LDAP,
        ValueType::Port,
        Some("389"),
        "TCP port for clear LDAP (and StartTLS when a key and certificate are set).",
    ),
    key(
        "ssl_port",
        LDAP,
        ValueType::Port,
        Some("636"),
        "TCP port for LDAPS; the listener opens only when ssl_key_path and ssl_cert_path are both set. Must differ from port.",
    ),
    KeySpec {
        requirement: cond("ssl_key_path and ssl_cert_path must be given together"),
        ..key(
            "ssl_key_path",
            LDAP,
            ValueType::ReadableFile,
            None,
            "PEM private key for LDAPS/StartTLS; relative paths are resolved under conf. Needs ssl_cert_path too.",
        )
    },
    KeySpec {
        requirement: cond("ssl_key_path and ssl_cert_path must be given together"),
        ..key(
            "ssl_cert_path",
            LDAP,
            ValueType::ReadableFile,
            None,
            "PEM certificate (chain) for LDAPS/StartTLS; relative paths are resolved under conf. Needs ssl_key_path too.",
        )
    },
    key(
        "exempt_primary_bind",
        LDAP,
        ValueType::Bool,
        Some("true"),
        "Let the first bind on each connection (normally the application's service account) skip Duo. Cannot be explicitly true together with allow_unlimited_binds=true.",
    ),
    KeySpec {
        numbering: Numbering::BareOrNumbered,
        ..key(
            "exempt_ou",
            LDAP,
            ValueType::Dn,
            None,
            "DN of a subtree whose accounts bind without Duo (e.g. service accounts); use exempt_ou_1, exempt_ou_2 ... for several.",
        )
    },
    key(
        "allow_searches_after_bind",
        LDAP,
        ValueType::Bool,
        Some("true"),
        "Keep the connection open for searches after a Duo-approved bind; false closes it right away.",
    ),
    key(
        "allow_unlimited_binds",
        LDAP,
        ValueType::Bool,
        Some("false"),
        "Allow further binds on a connection after a Duo-approved bind; by default they are refused.",
    ),
    key(
        "network_timeout",
        LDAP,
        ValueType::NonNegInt,
        Some("600"),
        "Network timeout in seconds for this listener's connections.",
    ),
    key(
        "idle_timeout",
        LDAP,
        ValueType::NonNegInt,
        Some("3600"),
        "Seconds of inactivity after which a client connection is closed.",
    ),
    // ----- [cloud] and [sso] -----
    KeySpec {
        requirement: cond("username and password must be given together"),
        ..key(
            "service_account_username",
            PAIRED_ACCOUNT,
            ValueType::String,
            None,
            "Directory account used to read users and groups. Give it together with service_account_password (or its protected twin), or leave both out.",
        )
    },
    secret(
        "service_account_password",
        "service_account_password_protected",
        PAIRED_ACCOUNT,
        ValueType::String,
        cond("username and password must be given together"),
        Numbering::Single,
        "Password of the directory service account, in clear text; on Windows prefer service_account_password_protected (which wins if both are set).",
    ),
    req(
        "rikey",
        SSO,
        ValueType::Rikey,
        "Registration key of the Duo SSO authentication source: RI followed by 18 upper-case letters or digits. Also run the enrollment script so the secrets store holds the proxy key.",
    ),
    // ----- [http_proxy] -----
    req(
        "api_host",
        HTTP,
        ValueType::String,
        "The Duo API host that other integrations may reach through this proxy; CONNECT requests to any other host are refused.",
    ),
    key(
        "port",
        HTTP,
        ValueType::Port,
        Some("80"),
        "TCP port on which this HTTP CONNECT proxy listens.",
    ),
    key(
        "client_ip",
        HTTP,
        ValueType::IpList,
        None,
        "Comma-separated addresses, CIDR networks or ranges allowed to use this proxy; empty or unset allows any client.",
    ),
];

/// Per-section lookup tables, built once from [`KEYS`].
struct Index {
    /// Specs of each section type, in table order.
    by_section: Vec<Vec<&'static KeySpec>>,
    /// Bare names (not numbered-only) per section type.
    exact: Vec<HashMap<&'static str, &'static KeySpec>>,
    /// Numbered stems per section type.
    stems: Vec<HashMap<&'static str, &'static KeySpec>>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index {
            by_section: vec![Vec::new(); SectionType::ALL.len()],
            exact: vec![HashMap::default(); SectionType::ALL.len()],
            stems: vec![HashMap::default(); SectionType::ALL.len()],
        };
        for spec in KEYS {
            for section in spec.sections {
                let i = *section as usize;
                index.by_section[i].push(spec);
                if spec.numbering != Numbering::NumberedOnly {
                    index.exact[i].entry(spec.name).or_insert(spec);
                }
                if spec.numbering != Numbering::Single {
                    index.stems[i].entry(spec.name).or_insert(spec);
                }
            }
        }
        index
    })
}

/// Keys of a section type, in table order.
pub fn keys_for(section: SectionType) -> impl Iterator<Item = &'static KeySpec> {
    index().by_section[section as usize].iter().copied()
}

/// Resolves a lower-case key name in a section type, including numbered forms
/// (`host_2`, `radius_secret_protected_3`; the number is what follows the last `_`).
#[must_use]
pub fn find_key(section: SectionType, key: &str) -> Option<KeyMatch> {
    let i = section as usize;
    let index = index();
    if let Some(spec) = index.exact[i].get(key) {
        return Some(KeyMatch { spec, index: None });
    }
    let (stem, digits) = key.rsplit_once('_')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.parse::<u32>().ok()?;
    index.stems[i].get(stem).map(|spec| KeyMatch { spec, index: Some(n) })
}

// ---------------------------------------------------------------------------
// Keys outside the 5.0.0 checker's table
// ---------------------------------------------------------------------------

/// A key known outside the checker's table (runtime-only, newer, deprecated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtraKey {
    /// Lower-case key name.
    pub name: &'static str,
    /// Section types where it applies.
    pub sections: &'static [SectionType],
    /// Why it is listed, in our own words.
    pub note: &'static str,
}

/// Keys the running proxy reads but the 5.0.0 checker rejects as UnexpectedKey.
pub static RUNTIME_ONLY_KEYS: &[ExtraKey] = &[
    ExtraKey {
        name: "ssl_verify_depth",
        sections: AD,
        note: "Maximum certificate chain depth for ldaps/starttls (runtime default 9). The proxy honours it, but the 5.0.0 checker reports it as an unexpected key.",
    },
    ExtraKey {
        name: "api_port",
        sections: CLOUD,
        note: "Port for Duo API calls (default 443). Read by the directory sync connector at runtime, yet rejected by the 5.0.0 checker.",
    },
    ExtraKey {
        name: "api_port",
        sections: EAP,
        note: "Port for Duo API calls (default 443). Read by the EAP server at runtime, yet rejected by the 5.0.0 checker.",
    },
    ExtraKey {
        name: "api_timeout",
        sections: EAP,
        note: "Seconds to wait for Duo API replies (default 0 = no limit). Read by the EAP server at runtime, yet rejected by the 5.0.0 checker.",
    },
    ExtraKey {
        name: "delimeter",
        sections: &[S::RadiusServerConcat],
        note: "Misspelling of delimiter that the concat server still reads at runtime; the 5.0.0 checker rejects it, so write delimiter instead.",
    },
];

/// A key added after 5.0.0: accepted and type-checked for proxies at or after `since`.
#[derive(Debug, Clone, Copy)]
pub struct LaterKey {
    /// The key as the table describes keys (sections, type, default, help).
    pub spec: KeySpec,
    /// The first release known to accept it. Where the exact release is unknown, the first
    /// release of the series it was first seen in, and `since_exact` is false.
    pub since: ProxyVersion,
    /// Whether `since` is the exact release that added it.
    pub since_exact: bool,
    /// Where the fact comes from.
    pub source: &'static str,
}

impl LaterKey {
    /// "proxy 6.4.0", or "a 6.x release (which one is not known)".
    #[must_use]
    pub fn since_text(&self) -> String {
        if self.since_exact {
            format!("proxy {}", self.since)
        } else {
            format!("a {}.x release (which one is not known)", self.since.major)
        }
    }
}

/// Keys added after 5.0.0, one row per fact (fact sheet §14). No source newer than 5.0.0
/// exists, so each row is "known from docs or admin tools", never verified against a checker.
pub static LATER_KEYS: &[LaterKey] = &[LaterKey {
    spec: key(
        "force_message_authenticator",
        &[
            S::RadiusClient,
            S::RadiusServerAuto,
            S::RadiusServerChallenge,
            S::RadiusServerIframe,
            S::RadiusServerConcat,
            S::RadiusServerDuoOnly,
            S::RadiusServerEap,
        ],
        ValueType::Bool,
        Some("false"),
        "Blast-RADIUS (CVE-2024-3596) mitigation in 6.x proxies: require the Message-Authenticator attribute on RADIUS packets, and send it. Set it to true once every RADIUS client and server involved sends the attribute.",
    ),
    since: ProxyVersion::V6,
    since_exact: false,
    source: "Duo's Blast-RADIUS advice as pasted by 2024-2026 upgrade tools (monobrau/windows-network-config duoproxyupdate); sections and default presumed",
}];

/// The later key `key` of section type `ty`, if it is one.
#[must_use]
pub fn find_later_key(ty: SectionType, key: &str) -> Option<&'static LaterKey> {
    LATER_KEYS.iter().find(|k| k.spec.name == key && k.spec.sections.contains(&ty))
}

/// Keys the 5.0.0 checker accepts but reports as DeprecatedKey (a warning).
pub static DEPRECATED_KEYS: &[ExtraKey] = &[ExtraKey {
    name: "domain_discovery",
    sections: ALL,
    note: "No longer used; the 5.0.0 checker warns that it is deprecated. Remove it.",
}];

/// Key aliases renamed at load time: (section type, alias, canonical name).
pub static ALIASES: &[(SectionType, &str, &str)] = &[(S::RadiusServerAuto, "concat_mode", "allow_concat")];

/// Distinct key names of the table, sorted (for "did you mean" suggestions).
pub fn all_key_names() -> impl Iterator<Item = &'static str> {
    let mut names: Vec<&'static str> = KEYS.iter().map(|k| k.name).collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPECTED: [(SectionType, usize); 14] = [
        (S::Main, 18),
        (S::AdClient, 20),
        (S::RadiusClient, 12),
        (S::DuoOnlyClient, 2),
        (S::RadiusServerAuto, 26),
        (S::RadiusServerChallenge, 24),
        (S::RadiusServerIframe, 25),
        (S::RadiusServerConcat, 24),
        (S::RadiusServerDuoOnly, 22),
        (S::RadiusServerEap, 28),
        (S::LdapServerAuto, 29),
        (S::Cloud, 11),
        (S::Sso, 8),
        (S::HttpProxy, 6),
    ];

    #[test]
    fn counts_per_section_match_the_checker() {
        let mut total = 0;
        for (section, expected) in EXPECTED {
            let n = keys_for(section).count();
            assert_eq!(n, expected, "{section:?}");
            total += n;
        }
        assert_eq!(total, 255);
        assert_eq!(all_key_names().count(), 81);
    }

    #[test]
    fn no_duplicate_name_within_a_section() {
        for section in SectionType::ALL {
            let mut names: Vec<_> = keys_for(section).map(|k| k.name).collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{section:?}");
        }
    }

    #[test]
    fn every_spec_is_well_formed() {
        for k in KEYS {
            assert!(!k.help.trim().is_empty(), "{}", k.name);
            assert!(!k.sections.is_empty(), "{}", k.name);
            assert_eq!(k.name, k.name.to_ascii_lowercase());
            assert_eq!(k.protected, k.name.ends_with("_protected"), "{}", k.name);
            assert_eq!(k.protected, k.value_type == ValueType::Protected, "{}", k.name);
            if k.protected {
                assert_eq!(k.requirement, Requirement::Optional, "{}", k.name);
            }
            assert!(!k.deprecated && !k.windows_only, "{}", k.name);
        }
    }

    #[test]
    fn debug_and_ca_file_everywhere() {
        for section in SectionType::ALL {
            assert!(find_key(section, "debug").is_some());
            let ca = find_key(section, "http_ca_certs_file").unwrap();
            assert_eq!(ca.spec.default, Some("conf/ca-bundle.crt"));
        }
    }

    #[test]
    fn seven_numbered_stems() {
        let mut stems: Vec<_> = KEYS.iter().filter(|k| k.numbering != Numbering::Single).map(|k| k.name).collect();
        stems.sort_unstable();
        stems.dedup();
        assert_eq!(
            stems,
            ["exempt_ou", "exempt_username", "host", "port", "radius_ip", "radius_secret", "radius_secret_protected"]
        );
    }

    #[test]
    fn find_key_cases() {
        let m = find_key(S::AdClient, "host_2").unwrap();
        assert_eq!((m.spec.name, m.index), ("host", Some(2)));
        assert_eq!(find_key(S::AdClient, "host").unwrap().index, None);
        assert!(find_key(S::RadiusServerAuto, "radius_ip").is_none());
        let m = find_key(S::RadiusServerAuto, "radius_ip_1").unwrap();
        assert_eq!((m.spec.name, m.index), ("radius_ip", Some(1)));
        let m = find_key(S::RadiusServerEap, "radius_secret_protected_3").unwrap();
        assert_eq!((m.spec.name, m.index), ("radius_secret_protected", Some(3)));
        assert!(m.spec.protected);
        let m = find_key(S::RadiusServerAuto, "radius_secret_12").unwrap();
        assert_eq!((m.spec.name, m.index), ("radius_secret", Some(12)));
        assert!(find_key(S::RadiusServerAuto, "radius_secret_protected").is_none());
        assert!(find_key(S::RadiusServerAuto, "radius_secret_protected_").is_none());
        assert!(find_key(S::RadiusServerAuto, "radius_secret_1a").is_none());
        assert!(find_key(S::RadiusServerAuto, "radius_secret_99999999999").is_none());
        let m = find_key(S::Cloud, "skey_protected").unwrap();
        assert_eq!((m.spec.name, m.index), ("skey_protected", None));
        let m = find_key(S::RadiusClient, "port_2").unwrap();
        assert_eq!((m.spec.name, m.index), ("port", Some(2)));
        assert_eq!(m.spec.default, Some("1812"));
        assert!(find_key(S::AdClient, "port_2").is_none());
        assert!(find_key(S::AdClient, "no_such_key").is_none());
        assert!(find_key(S::RadiusServerAuto, "failmod").is_none());
        assert!(find_key(S::RadiusServerEap, "exempt_username_1").is_none());
        let m = find_key(S::LdapServerAuto, "exempt_ou_0").unwrap();
        assert_eq!(m.index, Some(0));
        assert!(find_key(S::Main, "skey").is_none());
    }

    #[test]
    fn per_section_variants() {
        let port = |s| find_key(s, "port").unwrap().spec.default;
        assert_eq!(port(S::AdClient), Some("389 (clear, starttls) or 636 (ldaps)"));
        assert_eq!(port(S::RadiusClient), Some("1812"));
        assert_eq!(port(S::RadiusServerChallenge), Some("1812"));
        assert_eq!(port(S::LdapServerAuto), Some("389"));
        assert_eq!(port(S::HttpProxy), Some("80"));
        let concat = |s| find_key(s, "allow_concat").unwrap().spec.default;
        assert_eq!(concat(S::RadiusServerAuto), Some("true"));
        assert_eq!(concat(S::LdapServerAuto), Some("true"));
        assert_eq!(concat(S::RadiusServerEap), Some("false"));
        assert!(find_key(S::RadiusServerConcat, "allow_concat").is_none());
        assert_eq!(
            find_key(S::AdClient, "service_account_password").unwrap().spec.requirement,
            Requirement::Conditional("required unless auth_type=sspi; or use service_account_password_protected")
        );
        assert_eq!(find_key(S::RadiusClient, "secret").unwrap().spec.requirement, Requirement::Required);
        let auth = find_key(S::AdClient, "auth_type").unwrap().spec.value_type;
        let ValueType::Enum(values) = auth else {
            panic!("auth_type is not an enum");
        };
        assert!(values.iter().any(|v| v.name == "sspi" && v.windows_only));
        assert_eq!(values.iter().filter(|v| v.windows_only).count(), 1);
    }

    #[test]
    fn twins_point_back() {
        for k in KEYS.iter().filter(|k| k.twin.is_some()) {
            let twin = k.twin.unwrap();
            assert!(k.secret, "{}", k.name);
            for &section in k.sections {
                let other = keys_for(section)
                    .find(|o| o.name == twin)
                    .unwrap_or_else(|| panic!("{} twin {twin} missing in {section:?}", k.name));
                assert_eq!(other.twin, Some(k.name), "{twin}");
                assert_eq!(other.numbering, k.numbering, "{twin}");
                assert_ne!(other.protected, k.protected, "{twin}");
            }
        }
        let secrets: Vec<_> = KEYS.iter().filter(|k| k.secret).map(|k| k.name).collect();
        for name in secrets {
            assert!(KEYS.iter().any(|k| k.name == name && k.twin.is_some()), "{name}");
        }
    }

    #[test]
    fn extra_lists_are_not_in_the_table() {
        for extra in RUNTIME_ONLY_KEYS.iter().chain(DEPRECATED_KEYS) {
            assert!(!extra.note.is_empty());
            for &section in extra.sections {
                assert!(find_key(section, extra.name).is_none(), "{} in {section:?}", extra.name);
            }
        }
        for later in LATER_KEYS {
            assert!(later.since.at_least(ProxyVersion::V6), "{}", later.spec.name);
            assert!(!later.source.is_empty() && !later.spec.help.is_empty());
            for &section in later.spec.sections {
                assert!(find_key(section, later.spec.name).is_none(), "{} in {section:?}", later.spec.name);
                assert!(find_later_key(section, later.spec.name).is_some());
            }
        }
        for &(section, alias, canonical) in ALIASES {
            assert!(find_key(section, alias).is_none());
            assert!(find_key(section, canonical).is_some());
        }
    }

    #[test]
    fn names_are_sorted_and_distinct() {
        let names: Vec<_> = all_key_names().collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(names.contains(&"radius_secret_protected"));
    }
}
