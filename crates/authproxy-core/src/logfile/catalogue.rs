//! Known failures: each message signature the proxy writes, what it means, what to do, and the
//! config keys concerned. The catalogue is data ([`SIGNATURES`]), one entry per signature; the
//! first entry that matches a message explains it, so specific entries come before general ones.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::config::Document;
use crate::text::TextRange;

/// Where in the config a failure points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigTarget {
    /// Nothing in the config (the user, the directory, the client device).
    Nothing,
    /// Keys of the server section that handled the request (`radius_ip_*`: every numbered one);
    /// of every server section when the request's section is not known.
    ServerKeys(&'static [&'static str]),
    /// Keys of the client section the server section uses (`[ad_client]`, `[radius_client]`).
    ClientKeys(&'static [&'static str]),
    /// Every `*_protected` key.
    ProtectedKeys,
    /// Sections whose name starts with this.
    Sections(&'static str),
}

/// One known message signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    /// A stable name (`ad-52e-service-account`).
    pub id: &'static str,
    /// The message contains one of these (ASCII case ignored)…
    pub any: &'static [&'static str],
    /// …and all of these.
    pub all: &'static [&'static str],
    /// What happened, in a few words.
    pub title: &'static str,
    /// Why, in plain words.
    pub explanation: &'static str,
    /// What to do.
    pub fix: &'static str,
    /// The config lines concerned.
    pub config: ConfigTarget,
}

use ConfigTarget::{ClientKeys, Nothing, ProtectedKeys, Sections, ServerKeys};

const SERVICE_ACCOUNT: &[&str] =
    &["service_account_username", "service_account_password", "service_account_password_protected"];
const AD_HOSTS: &[&str] = &["host", "host_*", "port", "transport"];

/// Every known signature.
pub const SIGNATURES: &[Signature] = &[
    // AD bind errors: the service account's bind first, then the user's.
    Signature {
        id: "ad-52e-service-account",
        any: &["initial ldap bind to ad failed", "unable to bind as"],
        all: &["data 52e"],
        title: "The service account's password is wrong",
        explanation: "Active Directory refused the proxy's own bind (AD data 52e: invalid credentials) before it could look the user up.",
        fix: "Correct service_account_password (or re-protect service_account_password_protected) in the client section, and check service_account_username.",
        config: ClientKeys(SERVICE_ACCOUNT),
    },
    Signature {
        id: "ad-strong-auth-required",
        any: &["strongauthrequired", "you must enable ssl"],
        all: &[],
        title: "The domain controller requires signing or TLS",
        explanation: "The DC refuses simple binds over clear LDAP (LDAP signing is enforced).",
        fix: "Set transport=ldaps or starttls (with ssl_ca_certs_file), or auth_type=ntlm2/sspi, in the client section.",
        config: ClientKeys(&["transport", "auth_type", "ssl_ca_certs_file"]),
    },
    Signature {
        id: "ad-service-account-bind",
        any: &["initial ldap bind to ad failed", "was unable to bind as"],
        all: &[],
        title: "The service account cannot bind",
        explanation: "The proxy's own bind to the directory failed, so no user can be looked up or authenticated.",
        fix: "Check service_account_username and its password in the client section, and that the account is enabled and not locked.",
        config: ClientKeys(SERVICE_ACCOUNT),
    },
    Signature {
        id: "ad-52e",
        any: &["data 52e"],
        all: &[],
        title: "Wrong password",
        explanation: "Active Directory rejected the user's password (AD data 52e: invalid credentials).",
        fix: "The user should retype or reset the password. If every user fails, check the client device's password encoding (PAP).",
        config: Nothing,
    },
    Signature {
        id: "ad-525",
        any: &["data 525"],
        all: &[],
        title: "User not found in the directory",
        explanation: "Active Directory does not know this user name (AD data 525).",
        fix: "Check the user name's form (sAMAccountName or UPN) against username_attribute and search_dn in the client section.",
        config: ClientKeys(&["search_dn", "username_attribute"]),
    },
    Signature {
        id: "ad-530",
        any: &["data 530"],
        all: &[],
        title: "Logon not permitted at this time",
        explanation: "The account's logon hours forbid signing in now (AD data 530).",
        fix: "Change the user's logon hours in Active Directory.",
        config: Nothing,
    },
    Signature {
        id: "ad-531",
        any: &["data 531"],
        all: &[],
        title: "Logon not permitted from this workstation",
        explanation: "The account may only log on to listed computers, and the proxy is not one of them (AD data 531).",
        fix: "Add the proxy server to the user's \"Log On To\" list in Active Directory, or clear the restriction.",
        config: Nothing,
    },
    Signature {
        id: "ad-532",
        any: &["data 532"],
        all: &[],
        title: "Password expired",
        explanation: "The user's password has expired (AD data 532).",
        fix: "The user must change the password (or an administrator resets it).",
        config: Nothing,
    },
    Signature {
        id: "ad-533",
        any: &["data 533", "data 534"],
        all: &[],
        title: "Account disabled",
        explanation: "The account is disabled in Active Directory (AD data 533).",
        fix: "Enable the account in Active Directory.",
        config: Nothing,
    },
    Signature {
        id: "ad-701",
        any: &["data 701"],
        all: &[],
        title: "Account expired",
        explanation: "The account's expiry date has passed (AD data 701).",
        fix: "Extend the account's expiry date in Active Directory.",
        config: Nothing,
    },
    Signature {
        id: "ad-773",
        any: &["data 773"],
        all: &[],
        title: "Password must be changed",
        explanation: "\"User must change password at next logon\" is set (AD data 773); a RADIUS login cannot change it.",
        fix: "The user changes the password on a workstation first, or an administrator clears the flag.",
        config: Nothing,
    },
    Signature {
        id: "ad-775",
        any: &["data 775"],
        all: &[],
        title: "Account locked out",
        explanation: "Too many wrong passwords locked the account (AD data 775).",
        fix: "Unlock the account in Active Directory and find what keeps sending the old password.",
        config: Nothing,
    },
    Signature {
        id: "ldap-invalid-credentials",
        any: &["invalidcredentials"],
        all: &[],
        title: "Invalid credentials",
        explanation: "The directory refused a bind (LDAP result 49) without saying more.",
        fix: "If this is the service account, check its name and password in the client section; otherwise the user's password is wrong.",
        config: ClientKeys(SERVICE_ACCOUNT),
    },
    Signature {
        id: "ad-user-not-found-search",
        any: &["could not find user with username", "found too many users with username"],
        all: &[],
        title: "User not found by the search",
        explanation: "The search under search_dn found no user (or more than one) with this name and the configured filters.",
        fix: "Check search_dn, username_attribute, security_group_dn and ldap_filter in the client section.",
        config: ClientKeys(&["search_dn", "username_attribute", "security_group_dn", "ldap_filter"]),
    },
    Signature {
        id: "ad-security-group",
        any: &["security group dn for object sid but it could not be found"],
        all: &[],
        title: "Security group not found",
        explanation: "The group named by security_group_dn could not be read, so membership cannot be checked.",
        fix: "Correct security_group_dn in the client section (the full DN of an existing group).",
        config: ClientKeys(&["security_group_dn"]),
    },
    Signature {
        id: "ldap-invalid-filter",
        any: &["invalid ldap filter"],
        all: &[],
        title: "Invalid LDAP filter",
        explanation: "The configured filter (or an attribute it names) is not valid LDAP syntax.",
        fix: "Fix ldap_filter (and username_attribute) in the client section.",
        config: ClientKeys(&["ldap_filter", "username_attribute"]),
    },
    Signature {
        id: "ad-unreachable",
        any: &["ad connection failed", "ad connection timed out", "no remaining ad fallback hosts", "user timeout caused connection failure"],
        all: &[],
        title: "The directory server cannot be reached",
        explanation: "The proxy could not connect to any configured domain controller in time.",
        fix: "Check host, host_2, port and transport in the client section, DNS, and the firewall between the proxy and the DCs.",
        config: ClientKeys(AD_HOSTS),
    },
    Signature {
        id: "ldap-multiple-binds",
        any: &["bindrequest multiple times in the same ldap connection"],
        all: &[],
        title: "Second bind on one LDAP connection",
        explanation: "The application bound again on a connection that already did two-factor; the proxy drops the connection.",
        fix: "Make the application open a new connection per bind, or set allow_unlimited_binds=true in the ldap_server_auto section.",
        config: ServerKeys(&["allow_unlimited_binds", "exempt_primary_bind"]),
    },
    Signature {
        id: "ldap-client-tls",
        any: &["not able to establish an ssl connection"],
        all: &[],
        title: "LDAPS handshake with the application failed",
        explanation: "The application and the proxy could not agree on TLS for the LDAP listener.",
        fix: "Check ssl_key_path and ssl_cert_path in the ldap_server_auto section and the application's trust of that certificate.",
        config: ServerKeys(&["ssl_key_path", "ssl_cert_path"]),
    },
    Signature {
        id: "private-key-unreadable",
        any: &["could not open private key file"],
        all: &[],
        title: "Private key file unreadable",
        explanation: "The TLS private key named in the config cannot be opened.",
        fix: "Correct ssl_key_path (relative paths are from the install's conf folder) and the file's permissions.",
        config: ServerKeys(&["ssl_key_path"]),
    },
    // Duo's API.
    Signature {
        id: "duo-40102",
        // Not a bare "40102": directory-sync call ids are hex and hold it by chance.
        any: &["40102:", "\"code\": 40102", "invalid integration key"],
        all: &[],
        title: "Invalid integration key",
        explanation: "Duo does not know this integration key (Duo code 40102), or it belongs to another application type.",
        fix: "Copy the integration key of this application from the Duo Admin Panel into the section's ikey.",
        config: ServerKeys(&["ikey", "api_host"]),
    },
    Signature {
        id: "duo-40103",
        any: &["40103:", "\"code\": 40103", "invalid signature in request credentials", "invalid skey"],
        all: &[],
        title: "Invalid secret key",
        explanation: "Duo rejected the request's signature (Duo code 40103): the secret key does not match the integration key.",
        fix: "Copy the secret key from the Duo Admin Panel into the section's skey (or skey_protected).",
        config: ServerKeys(&["skey", "skey_protected"]),
    },
    Signature {
        id: "duo-dns",
        any: &["dnslookuperror", "dns lookup failed"],
        all: &[],
        title: "Name lookup failed",
        explanation: "The proxy could not resolve a host name (Duo's api_host or a directory server).",
        fix: "Check the server's DNS settings and the spelling of api_host (and host in the client section).",
        config: ServerKeys(&["api_host"]),
    },
    Signature {
        id: "duo-unreachable",
        any: &["tcptimedouterror", "api request failed", "not able to ping duo"],
        all: &[],
        title: "Duo's API cannot be reached",
        explanation: "The HTTPS connection to Duo failed or timed out; failmode decides whether users get in.",
        fix: "Allow outbound TCP 443 to api_host (or set http_proxy_host in [main]); check TLS inspection on the firewall.",
        config: ServerKeys(&["api_host", "failmode"]),
    },
    Signature {
        id: "duo-credentials",
        any: &["not able to validate the provided api credentials"],
        all: &[],
        title: "API credentials rejected",
        explanation: "The connectivity tool's signed call to Duo was refused: the ikey and skey do not match an application.",
        fix: "Copy ikey and skey from the Duo Admin Panel into the section.",
        config: ServerKeys(&["ikey", "skey", "skey_protected"]),
    },
    Signature {
        id: "time-drift",
        any: &["time drift between the auth proxy host and duo"],
        all: &[],
        title: "Clock drift",
        explanation: "The server's clock differs too much from Duo's; signed requests will be refused.",
        fix: "Synchronise the server's clock (NTP).",
        config: Nothing,
    },
    Signature {
        id: "failmode-safe",
        any: &["allowed duo login on preauth failure"],
        all: &[],
        title: "Let in without Duo (failmode safe)",
        explanation: "Duo could not be asked, and failmode=safe let the user in on the first factor only.",
        fix: "Fix the connection to Duo; set failmode=secure if users must never skip two-factor.",
        config: ServerKeys(&["failmode"]),
    },
    Signature {
        id: "failmode-secure",
        any: &["denied duo login on preauth failure"],
        all: &[],
        title: "Denied because Duo could not be asked (failmode secure)",
        explanation: "Duo could not be reached or refused the call, and the login was denied (Duo API errors such as 40102 always deny).",
        fix: "Find the API error above this line; fix the connection or the keys.",
        config: ServerKeys(&["failmode", "api_host", "ikey"]),
    },
    Signature {
        id: "login-timed-out",
        any: &["login timed out"],
        all: &[],
        title: "The user did not answer in time",
        explanation: "Duo's push or call was not approved before Duo gave up; the proxy sent Access-Reject.",
        fix: "The user should approve sooner. If the client retransmitted first, raise its RADIUS timeout to at least 60 s.",
        config: Nothing,
    },
    Signature {
        id: "not-enrolled",
        any: &["not enrolled", "enrollment link sent", "allowing unknown user"],
        all: &[],
        title: "User not enrolled in Duo",
        explanation: "Duo does not know this user; the application's new-user policy decided (deny, enroll or allow).",
        fix: "Check the user name as Duo sees it (username normalisation, domain prefix) and the application's new-user policy.",
        config: Nothing,
    },
    Signature {
        id: "no-factors",
        any: &["no duo factors usable with this configuration"],
        all: &[],
        title: "No usable second factor",
        explanation: "The user's devices offer nothing this section can use (push needs a phone with Duo Mobile).",
        fix: "Enroll a suitable device for the user, or allow passcodes (factors) in the section.",
        config: ServerKeys(&["factors"]),
    },
    // RADIUS clients.
    Signature {
        id: "radius-unknown-client",
        any: &["unknown client"],
        all: &[],
        title: "Unknown RADIUS client",
        explanation: "A packet came from an address no server section lists in radius_ip_N, so the proxy dropped it without an answer.",
        fix: "Add the device's address as the next radius_ip_N (with its radius_secret_N) in the section it should use.",
        config: ServerKeys(&["radius_ip_*"]),
    },
    Signature {
        id: "radius-secret-mismatch",
        any: &["cannot decode password"],
        all: &[],
        title: "Shared secret mismatch",
        explanation: "The password could not be decoded with the configured secret: the device and the proxy use different shared secrets.",
        fix: "Set the same secret on the device and in this client's radius_secret_N (or radius_secret_protected_N).",
        config: ServerKeys(&["radius_secret_*", "radius_secret_protected_*"]),
    },
    Signature {
        id: "radius-message-authenticator",
        any: &["invalid message-authenticator"],
        all: &[],
        title: "Invalid Message-Authenticator",
        explanation: "The packet's Message-Authenticator does not verify: the shared secrets differ.",
        fix: "Make the device's secret equal to the client's radius_secret_N.",
        config: ServerKeys(&["radius_secret_*", "radius_secret_protected_*"]),
    },
    Signature {
        id: "radius-duplicate-request",
        any: &["received duplicate request"],
        all: &[],
        title: "The client retransmitted",
        explanation: "The client gave up waiting and sent the same request again. Two-factor takes longer than most RADIUS clients wait (3-10 s by default).",
        fix: "Raise the client's RADIUS timeout to at least 60 s and its retries to 1-3. Retries to a second proxy send a second push.",
        config: Nothing,
    },
    Signature {
        id: "radius-primary-timeout",
        any: &["radius auth request timed out", "request timeout for (outgoing) id"],
        all: &[],
        title: "The primary RADIUS server did not answer",
        explanation: "The proxy's own RADIUS server (NPS or another) did not answer after every retry.",
        fix: "Check host, port and secret in the radius_client section, and that the server lists the proxy as a client.",
        config: ClientKeys(&["host", "host_*", "port", "secret", "secret_protected", "retries", "timeout"]),
    },
    Signature {
        id: "radius-bad-password-format",
        any: &["missing or improperly-formatted password", "missing or improperly formatted password"],
        all: &[],
        title: "Unsupported password format",
        explanation: "The client sent no PAP password (CHAP or MS-CHAP), which this section cannot use.",
        fix: "Set the device to PAP, or use radius_server_auto with a radius_client that handles MS-CHAPv2.",
        config: Nothing,
    },
    Signature {
        id: "radius-allow-concat-mschap",
        any: &["allow concat is configured, but is not supported"],
        all: &[],
        title: "Appended passcodes do not work with MS-CHAPv2",
        explanation: "allow_concat needs the password in clear (PAP); with MS-CHAPv2 the passcode cannot be split off.",
        fix: "Use PAP on the device, or stop appending passcodes and use push.",
        config: ServerKeys(&["allow_concat"]),
    },
    Signature {
        id: "radius-client-ip-port",
        any: &["user ip not provided", "invalid single ip"],
        all: &[],
        title: "No usable client IP",
        explanation: "The attribute named by client_ip_attr holds no plain address (often ip:port), so Authorized Networks policies do not apply.",
        fix: "Point client_ip_attr at an attribute with a bare address, or change what the device sends.",
        config: ServerKeys(&["client_ip_attr"]),
    },
    Signature {
        id: "primary-rejected",
        any: &["primary credentials rejected"],
        all: &[],
        title: "Password rejected",
        explanation: "The primary server (AD or RADIUS) rejected the user's password; Duo was not asked.",
        fix: "The user's password is wrong, or the account cannot log on; the lines before say why.",
        config: Nothing,
    },
    // The proxy's own configuration and secrets.
    Signature {
        id: "dpapi-decrypt",
        any: &["cryptunprotectdata", "could not be decrypted", "key not valid for use in specified state"],
        all: &[],
        title: "A protected secret cannot be decrypted",
        explanation: "A *_protected value was encrypted on another machine (or account); DPAPI values only work where they were made.",
        fix: "Protect the secret again on this server (Protect in this window, or authproxy_passwd).",
        config: ProtectedKeys,
    },
    Signature {
        id: "directory-sync-sections",
        any: &["sections must have the exact same"],
        all: &[],
        title: "Directory-sync sections differ",
        explanation: "Several [cloud] sections on one proxy must share the same settings.",
        fix: "Make the [cloud] sections identical, or run the other directory syncs on another proxy.",
        config: Sections("cloud"),
    },
    Signature {
        id: "config-missing-item",
        any: &["missing required configuration item", "a required configuration item is missing"],
        all: &[],
        title: "A required key is missing",
        explanation: "The proxy refused the configuration: a section lacks a required key.",
        fix: "Open the Problems list: the validator names the section and the key.",
        config: Nothing,
    },
];

static MATCHER: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let mut needles = Vec::new();
    let mut owners = Vec::new();
    for (index, signature) in SIGNATURES.iter().enumerate() {
        for needle in signature.any {
            needles.push(*needle);
            owners.push(index);
        }
    }
    let matcher = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(needles)
        .unwrap_or_else(|_| unreachable!("the needles are plain text"));
    (matcher, owners)
});

/// The first signature (in catalogue order) that explains `message`.
#[must_use]
pub fn explain(message: &[u8]) -> Option<&'static Signature> {
    let (matcher, owners) = &*MATCHER;
    let mut best: Option<usize> = None;
    for found in matcher.find_overlapping_iter(message) {
        let index = owners[found.pattern().as_usize()];
        if best.is_some_and(|b| b <= index) {
            continue;
        }
        let all = SIGNATURES[index].all;
        if all.iter().all(|needle| contains_ignoring_case(message, needle.as_bytes())) {
            best = Some(index);
        }
    }
    best.map(|index| &SIGNATURES[index])
}

fn contains_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle))
}

/// A config line a failure points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLine {
    /// The section.
    pub section: String,
    /// The key as written, or `None` when the section itself is meant.
    pub key: Option<String>,
    /// 0-based line.
    pub line: usize,
    /// The key's (or the header's) range.
    pub range: TextRange,
}

/// The lines of `doc` that `target` names, for a request served by `section` (if known). A key
/// that is absent points at its section's header.
#[must_use]
pub fn config_lines(target: ConfigTarget, doc: &Document, section: Option<&str>) -> Vec<ConfigLine> {
    let server_sections = || -> Vec<&crate::config::Section> {
        let named = section.and_then(|s| doc.section(s));
        match named {
            Some(found) => vec![found],
            None => doc.regular_sections().filter(|s| is_server(&s.name)).collect(),
        }
    };
    match target {
        Nothing => Vec::new(),
        ServerKeys(keys) => keys_in(&server_sections(), keys),
        ClientKeys(keys) => {
            let clients: Vec<&crate::config::Section> = match section.and_then(|s| doc.section(s)) {
                Some(server) => client_of(doc, server).into_iter().collect(),
                None => doc.regular_sections().filter(|s| s.name.to_ascii_lowercase().contains("client")).collect(),
            };
            keys_in(&clients, keys)
        }
        ProtectedKeys => doc
            .regular_sections()
            .flat_map(|s| s.entries.iter().filter(|e| e.name.contains("_protected")).map(move |e| line_of(s, Some(e))))
            .collect(),
        Sections(prefix) => doc
            .regular_sections()
            .filter(|s| s.name.to_ascii_lowercase().starts_with(prefix))
            .map(|s| line_of(s, None))
            .collect(),
    }
}

fn is_server(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("radius_server") || lower.starts_with("ldap_server")
}

/// The client section a server section uses: its `client`, else `[main] client`, else the only
/// section named like a client.
fn client_of<'a>(doc: &'a Document, server: &crate::config::Section) -> Option<&'a crate::config::Section> {
    let named = server
        .value("client")
        .or_else(|| doc.section("main").and_then(|m| m.value("client")))
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(name) = named {
        return doc.regular_sections().find(|s| s.name.eq_ignore_ascii_case(name));
    }
    let mut clients = doc.regular_sections().filter(|s| s.name.to_ascii_lowercase().contains("client"));
    match (clients.next(), clients.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

fn keys_in(sections: &[&crate::config::Section], keys: &[&str]) -> Vec<ConfigLine> {
    let mut lines = Vec::new();
    for section in sections {
        let before = lines.len();
        for key in keys {
            let matching = section.entries.iter().filter(|e| match key.strip_suffix('*') {
                Some(prefix) => e.name.starts_with(prefix),
                None => e.name == *key,
            });
            lines.extend(matching.map(|e| line_of(section, Some(e))));
        }
        if lines.len() == before {
            lines.push(line_of(section, None));
        }
    }
    lines
}

fn line_of(section: &crate::config::Section, entry: Option<&crate::config::Entry>) -> ConfigLine {
    match entry {
        Some(entry) => ConfigLine {
            section: section.name.to_string(),
            key: Some(entry.key.to_string()),
            line: entry.line,
            range: entry.key_range,
        },
        None => {
            ConfigLine { section: section.name.to_string(), key: None, line: section.line, range: section.header_range }
        }
    }
}
