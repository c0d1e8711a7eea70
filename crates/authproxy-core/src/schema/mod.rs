//! The proxy's schema: section types, the keys each accepts, and value types.
//!
//! One table ([`keys::KEYS`]) drives validation, completion and hover help.
//! Facts come from the Duo Authentication Proxy 5.0.0 checker and runtime.

pub mod keys;
pub mod types;
pub mod version;

use serde::Serialize;

pub use keys::{find_key, keys_for, KeyMatch, KeySpec, Numbering, Requirement};
pub use types::{check_value, TypeError, ValueType};
pub use version::ProxyVersion;

/// Which operating system's proxy semantics apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Windows: DPAPI-protected secrets, `auth_type=sspi`, ANSI code page file reading.
    Windows,
    /// Linux: no protected secrets, no SSPI, UTF-8 file reading.
    Linux,
}

impl Platform {
    /// The platform this program was compiled for (Linux semantics on every non-Windows OS).
    #[must_use]
    pub fn host() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Linux
        }
    }

    /// Lower-case name as used on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Windows => "windows",
            Self::Linux => "linux",
        }
    }
}

/// The 14 section types the proxy's checker accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionType {
    Main,
    AdClient,
    RadiusClient,
    DuoOnlyClient,
    RadiusServerAuto,
    RadiusServerChallenge,
    RadiusServerIframe,
    RadiusServerConcat,
    RadiusServerDuoOnly,
    RadiusServerEap,
    LdapServerAuto,
    Cloud,
    Sso,
    HttpProxy,
}

/// What a section does, derived from its name as the proxy derives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Listens for applications (name contains `server`).
    Server,
    /// Primary authenticator (name contains `client`).
    Client,
    /// Directory sync connector (name contains `cloud`).
    Cloud,
    /// Outbound CONNECT proxy (name contains `http_proxy`).
    HttpProxy,
    /// `[main]`, `[sso]` and unknown names.
    None,
}

impl SectionType {
    /// Every section type, in the order used for completion.
    pub const ALL: [SectionType; 14] = [
        Self::Main,
        Self::AdClient,
        Self::RadiusClient,
        Self::DuoOnlyClient,
        Self::RadiusServerAuto,
        Self::RadiusServerChallenge,
        Self::RadiusServerIframe,
        Self::RadiusServerConcat,
        Self::RadiusServerDuoOnly,
        Self::RadiusServerEap,
        Self::LdapServerAuto,
        Self::Cloud,
        Self::Sso,
        Self::HttpProxy,
    ];

    /// The section name without a number, e.g. `ad_client`.
    #[must_use]
    pub fn base_name(self) -> &'static str {
        match self {
            Self::Main => "main",
            Self::AdClient => "ad_client",
            Self::RadiusClient => "radius_client",
            Self::DuoOnlyClient => "duo_only_client",
            Self::RadiusServerAuto => "radius_server_auto",
            Self::RadiusServerChallenge => "radius_server_challenge",
            Self::RadiusServerIframe => "radius_server_iframe",
            Self::RadiusServerConcat => "radius_server_concat",
            Self::RadiusServerDuoOnly => "radius_server_duo_only",
            Self::RadiusServerEap => "radius_server_eap",
            Self::LdapServerAuto => "ldap_server_auto",
            Self::Cloud => "cloud",
            Self::Sso => "sso",
            Self::HttpProxy => "http_proxy",
        }
    }

    /// Type of a section as the proxy resolves it: the name lower-cased with
    /// trailing ASCII digits stripped (`[ad_client2]` is an `ad_client`).
    #[must_use]
    pub fn from_section_name(name: &str) -> Option<Self> {
        if name.is_ascii() {
            let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
            return Self::ALL.into_iter().find(|t| t.base_name().eq_ignore_ascii_case(stem));
        }
        // Unicode lower-casing can turn non-ASCII letters into ASCII ones (the Kelvin sign becomes `k`).
        let lower = name.to_lowercase();
        Self::from_base_name(lower.trim_end_matches(|c: char| c.is_ascii_digit()))
    }

    /// Exact base-name lookup (`ad_client`, not `ad_client2`).
    #[must_use]
    pub fn from_base_name(stem: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.base_name() == stem)
    }

    /// Whether this is one of the six RADIUS server types.
    #[must_use]
    pub fn is_radius_server(self) -> bool {
        matches!(
            self,
            Self::RadiusServerAuto
                | Self::RadiusServerChallenge
                | Self::RadiusServerIframe
                | Self::RadiusServerConcat
                | Self::RadiusServerDuoOnly
                | Self::RadiusServerEap
        )
    }

    /// Whether this section type talks to Duo's API with `ikey`/`skey`/`api_host`.
    #[must_use]
    pub fn uses_duo_api(self) -> bool {
        self.is_radius_server() || matches!(self, Self::LdapServerAuto | Self::Cloud)
    }

    /// One-line description for completion and hover.
    #[must_use]
    pub fn help(self) -> &'static str {
        match self {
            Self::Main => "Proxy-wide settings: logging, outbound HTTP proxy, listen interface, FIPS mode.",
            Self::AdClient => "Primary authentication against Active Directory or another LDAP directory.",
            Self::RadiusClient => "Primary authentication against an existing RADIUS server such as NPS.",
            Self::DuoOnlyClient => "No primary authentication: Duo's second factor is the only check.",
            Self::RadiusServerAuto => {
                "RADIUS listener that sends an automatic push or phone call, or takes an appended passcode."
            }
            Self::RadiusServerChallenge => "RADIUS listener that answers with a challenge so the user picks a factor.",
            Self::RadiusServerIframe => {
                "RADIUS listener for VPN portals that show Duo's interactive prompt in an iframe."
            }
            Self::RadiusServerConcat => "RADIUS listener that expects the passcode appended to the password.",
            Self::RadiusServerDuoOnly => {
                "RADIUS listener where Duo is the only factor; the password field carries the passcode or factor."
            }
            Self::RadiusServerEap => "RADIUS listener for PEAP / EAP-GTC clients such as wireless controllers.",
            Self::LdapServerAuto => "LDAP listener that adds Duo to simple binds from applications.",
            Self::Cloud => "Directory sync connector: lets Duo import users and groups from AD through this proxy.",
            Self::Sso => "Active Directory authentication source for Duo Single Sign-On.",
            Self::HttpProxy => "Makes this proxy an HTTP CONNECT proxy toward Duo for other Duo integrations.",
        }
    }
}

/// Role of a section name, from substrings of the lower-cased name (server before client).
#[must_use]
pub fn role_of(section_name: &str) -> Role {
    let lower: std::borrow::Cow<'_, str> = if section_name.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        section_name.to_lowercase().into()
    } else {
        section_name.into()
    };
    if lower.contains("server") {
        Role::Server
    } else if lower.contains("client") {
        Role::Client
    } else if lower.contains("cloud") {
        Role::Cloud
    } else if lower.contains("http_proxy") {
        Role::HttpProxy
    } else {
        Role::None
    }
}

/// The number a section name carries (`ad_client2` → 2), if any.
#[must_use]
pub fn section_number(name: &str) -> Option<u32> {
    let digits_start = name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    name[digits_start..].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_sections_resolve_to_their_type() {
        assert_eq!(SectionType::from_section_name("ad_client2"), Some(SectionType::AdClient));
        assert_eq!(SectionType::from_section_name("CLOUD3"), Some(SectionType::Cloud));
        assert_eq!(SectionType::from_section_name("radius_server_auto10"), Some(SectionType::RadiusServerAuto));
        assert_eq!(SectionType::from_section_name("ad_client_2"), None);
        assert_eq!(SectionType::from_section_name("radius_server_auto2a"), None);
        assert_eq!(SectionType::from_section_name("radius_server"), None);
        assert_eq!(SectionType::from_section_name("mock_client"), None);
        assert_eq!(SectionType::from_section_name("AD_\u{212A}LIENT"), None, "Kelvin sign is not C");
        assert_eq!(SectionType::from_section_name("\u{212A}\u{212A}"), None);
        assert_eq!(SectionType::from_section_name("ma\u{130}n"), None);
    }

    #[test]
    fn roles_follow_name_substrings() {
        assert_eq!(role_of("radius_server_auto"), Role::Server);
        assert_eq!(role_of("ad_client2"), Role::Client);
        assert_eq!(role_of("cloud"), Role::Cloud);
        assert_eq!(role_of("http_proxy"), Role::HttpProxy);
        assert_eq!(role_of("main"), Role::None);
        assert_eq!(role_of("sso"), Role::None);
    }

    #[test]
    fn section_numbers() {
        assert_eq!(section_number("ad_client2"), Some(2));
        assert_eq!(section_number("ad_client"), None);
    }
}
