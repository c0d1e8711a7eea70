//! Every way a probe can fail, each named on its own, with what to do about it.

use std::fmt;

use super::ad_codes;
use crate::schema::ProxyVersion;

/// The kind of server a probe talks to: the same failure needs different advice for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// An `[ad_client]` directory server (LDAP).
    Directory,
    /// Duo's API over HTTPS, directly.
    DuoApi,
    /// Duo's API through `[main] http_proxy_host`.
    DuoApiViaProxy,
    /// A `[radius_client]` RADIUS server (UDP).
    Radius,
    /// The `[main]` outbound HTTP proxy.
    HttpProxy,
}

/// A failure (or warning) of one probe step.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The name does not resolve.
    DnsFailure {
        /// The name looked up.
        host: String,
        /// The resolver's words.
        detail: String,
    },
    /// Nothing listens on the port (TCP RST).
    ConnectionRefused {
        /// `host:port`.
        address: String,
    },
    /// No TCP answer at all within the timeout (dropped SYNs, firewall, wrong address).
    ConnectTimeout {
        /// `host:port`.
        address: String,
        /// The limit that passed.
        seconds: u64,
    },
    /// The connection was made but the server said nothing within the timeout.
    ResponseTimeout {
        /// What was waited for.
        waiting_for: String,
        /// The limit that passed.
        seconds: u64,
    },
    /// Another network error (unreachable network, reset…).
    Network {
        /// `host:port`.
        address: String,
        /// The OS's words.
        detail: String,
    },
    /// The certificate chain does not lead to a trusted CA.
    UntrustedCertificate {
        /// Which CAs were trusted.
        trusted: String,
    },
    /// The certificate is not for the configured host name (Duo's rule: DNS names, then the CN).
    HostnameMismatch {
        /// The configured host.
        host: String,
        /// The names the certificate carries.
        certificate_names: String,
    },
    /// The certificate has expired.
    CertificateExpired {
        /// Its notAfter, as text.
        not_after: String,
    },
    /// The certificate is not valid yet.
    CertificateNotYetValid {
        /// Its notBefore, as text.
        not_before: String,
    },
    /// The domain controller's certificate is signed with SHA-1 (or MD5): proxy 6.0 and later
    /// refuse it, 5.x accepts SHA-1 (not MD5). A failure when the proxy is 6.0 or later, its version
    /// is unknown, or the hash is an MD one; a warning for SHA-1 on 5.x, where this check (which
    /// cannot verify such a signature) did not verify the chain.
    WeakCertificateSignature {
        /// The hash, e.g. `SHA-1`.
        hash: String,
        /// The certificate's signature algorithm, e.g. `sha1WithRSAEncryption`.
        algorithm: String,
        /// The proxy version the check was run for; `None` when unknown.
        proxy_version: Option<ProxyVersion>,
    },
    /// The CA file could not be used.
    CaFileUnusable {
        /// The path.
        path: String,
        /// Why.
        detail: String,
    },
    /// The TLS handshake failed for another reason (e.g. the port does not speak TLS).
    TlsHandshake {
        /// What happened.
        detail: String,
    },
    /// The port answered, but not as an LDAP server does (e.g. `ldap://` to an LDAPS port).
    NotLdap {
        /// What happened.
        detail: String,
    },
    /// The server rejected the credentials (LDAP 49), with AD's sub-code when given.
    InvalidCredentials {
        /// AD's `data` sub-code, e.g. `52e`.
        ad_code: Option<String>,
        /// The server's diagnostic text.
        server_text: String,
    },
    /// The server wants TLS or signing before a bind (LDAP 8).
    StrongerAuthRequired {
        /// The server's diagnostic text.
        server_text: String,
    },
    /// `search_dn` does not exist (LDAP 32).
    NoSuchObject {
        /// The DN searched.
        dn: String,
        /// The part of it that does exist, if the server said.
        matched: String,
    },
    /// The service account may not read there (LDAP 50, or AD's operations error without a bind).
    InsufficientAccess {
        /// The server's diagnostic text.
        server_text: String,
    },
    /// The search ran but matched no user.
    SearchFoundNothing {
        /// The base.
        dn: String,
        /// The filter used.
        filter: String,
    },
    /// Another LDAP result code.
    LdapError {
        /// The result code.
        code: u32,
        /// The server's diagnostic text.
        server_text: String,
    },
    /// The bind cannot be tested from this OS (sspi off Windows).
    NotTestableHere {
        /// Why.
        detail: String,
    },
    /// A `*_protected` secret could not be decrypted here.
    SecretUnavailable {
        /// The key.
        key: String,
        /// Why.
        detail: String,
    },
    /// The HTTP proxy refused the CONNECT.
    ProxyRefused {
        /// `host:port` of the proxy.
        proxy: String,
        /// Its status line.
        status: String,
    },
    /// Duo answered with an unexpected HTTP status or body.
    BadResponse {
        /// What came back.
        detail: String,
    },
    /// The clock differs from Duo's by more than 60 s.
    ClockDrift {
        /// Duo's time minus ours, in seconds.
        seconds: i64,
    },
    /// Duo rejected the integration key / secret key.
    DuoCredentialsRejected {
        /// Duo's error code, e.g. 40103.
        code: i64,
        /// Duo's message.
        message: String,
    },
    /// The RADIUS server did not answer Status-Server.
    RadiusNoAnswer {
        /// `host:port`.
        address: String,
        /// Tries made.
        tries: u32,
    },
    /// The RADIUS answer failed verification with the configured secret.
    RadiusBadAnswer {
        /// What did not match.
        detail: String,
    },
    /// A config value the check cannot use as it is (a host name with a line break, a user
    /// name with two domain separators, a filter that does not parse); nothing was sent.
    UnusableValue {
        /// The key holding it.
        key: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The server offers only TLS versions older than 1.2.
    TlsVersionTooOld {
        /// What the server offered or said.
        detail: String,
    },
    /// The probe stopped on an internal error (a bug, often met on a malformed answer).
    InternalError {
        /// Where the crash report was written.
        report: String,
    },
    /// The run was cancelled before this step finished.
    Cancelled,
}

impl Problem {
    /// The value of `key` cannot be a host name.
    #[must_use]
    pub fn unusable_host_name(key: &str, host: &str) -> Self {
        let what = if host.contains('\n') {
            "it holds a line break (the next line is indented, so it continues the value)"
        } else if host.is_empty() {
            "it is empty"
        } else if host.chars().any(char::is_whitespace) {
            "it holds a space"
        } else {
            "it holds a character no host name has"
        };
        Self::UnusableValue { key: key.into(), detail: format!("it is not a host name: {what}; nothing was sent") }
    }

    /// A stable short name for the class (used in JSON and tests).
    #[must_use]
    pub fn class(&self) -> &'static str {
        match self {
            Self::DnsFailure { .. } => "dns_failure",
            Self::ConnectionRefused { .. } => "connection_refused",
            Self::ConnectTimeout { .. } => "connect_timeout",
            Self::ResponseTimeout { .. } => "response_timeout",
            Self::Network { .. } => "network",
            Self::UntrustedCertificate { .. } => "untrusted_certificate",
            Self::HostnameMismatch { .. } => "hostname_mismatch",
            Self::CertificateExpired { .. } => "certificate_expired",
            Self::CertificateNotYetValid { .. } => "certificate_not_yet_valid",
            Self::WeakCertificateSignature { .. } => "weak_certificate_signature",
            Self::CaFileUnusable { .. } => "ca_file_unusable",
            Self::TlsHandshake { .. } => "tls_handshake",
            Self::NotLdap { .. } => "not_ldap",
            Self::InvalidCredentials { .. } => "invalid_credentials",
            Self::StrongerAuthRequired { .. } => "stronger_auth_required",
            Self::NoSuchObject { .. } => "no_such_object",
            Self::InsufficientAccess { .. } => "insufficient_access",
            Self::SearchFoundNothing { .. } => "search_found_nothing",
            Self::LdapError { .. } => "ldap_error",
            Self::NotTestableHere { .. } => "not_testable_here",
            Self::SecretUnavailable { .. } => "secret_unavailable",
            Self::ProxyRefused { .. } => "proxy_refused",
            Self::BadResponse { .. } => "bad_response",
            Self::ClockDrift { .. } => "clock_drift",
            Self::DuoCredentialsRejected { .. } => "duo_credentials_rejected",
            Self::RadiusNoAnswer { .. } => "radius_no_answer",
            Self::RadiusBadAnswer { .. } => "radius_bad_answer",
            Self::UnusableValue { .. } => "unusable_value",
            Self::TlsVersionTooOld { .. } => "tls_version_too_old",
            Self::InternalError { .. } => "internal_error",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether the proxy itself lets this pass, so the step that meets it warns instead of
    /// failing: a SHA-1 domain controller certificate for a 5.x proxy.
    #[must_use]
    pub fn is_only_a_warning(&self) -> bool {
        matches!(
            self,
            Self::WeakCertificateSignature { hash, proxy_version: Some(v), .. }
                if hash == "SHA-1" && !v.at_least(ProxyVersion::V6)
        )
    }

    /// What to do about it, worded for the kind of server that failed; the same as
    /// [`Problem::advice`] where the kind makes no difference.
    #[must_use]
    pub fn advice_for(&self, service: Service) -> String {
        let duo = matches!(service, Service::DuoApi | Service::DuoApiViaProxy);
        match (self, service) {
            (Self::DnsFailure { .. }, Service::DuoApi) => {
                "check `api_host` (api-XXXXXXXX.duosecurity.com from the Duo Admin Panel) and that this machine's DNS \
                 resolves internet names; where only a web proxy reaches the internet, set [main] http_proxy_host"
                    .into()
            }
            (Self::ConnectionRefused { .. }, Service::DuoApi) => {
                "something on the way refused HTTPS (TCP 443) to Duo: allow outbound HTTPS from this machine to \
                 api-*.duosecurity.com in the firewall, or set [main] http_proxy_host and http_proxy_port if this \
                 network reaches the internet only through a web proxy"
                    .into()
            }
            (Self::ConnectTimeout { .. }, Service::DuoApi) => {
                "outbound HTTPS (TCP 443) to Duo gets no answer, which is what a firewall that drops it looks like: \
                 allow it to api-*.duosecurity.com, or set [main] http_proxy_host and http_proxy_port if this network \
                 reaches the internet only through a web proxy"
                    .into()
            }
            (
                Self::ConnectionRefused { .. } | Self::ConnectTimeout { .. },
                Service::DuoApiViaProxy | Service::HttpProxy,
            ) => "the web proxy in [main] did not accept the connection: check `http_proxy_host` and \
                 `http_proxy_port`, that the proxy runs, and that it lets this machine in"
                .into(),
            (Self::ResponseTimeout { .. }, _) if duo => {
                "the connection to Duo opened but no answer came: a firewall or web proxy that inspects HTTPS may be \
                 holding it; exempt api-*.duosecurity.com from inspection"
                    .into()
            }
            (Self::TlsHandshake { .. }, _) if duo => {
                "the TLS handshake with Duo failed: a firewall or web proxy that inspects HTTPS is the usual cause; \
                 exempt api-*.duosecurity.com from inspection"
                    .into()
            }
            (Self::UntrustedCertificate { .. }, _) if duo => {
                "Duo's certificate arrived signed by a CA the proxy does not trust, which is what HTTPS inspection \
                 looks like: exempt api-*.duosecurity.com from inspection, or set http_ca_certs_file to the \
                 inspecting CA"
                    .into()
            }
            (Self::ConnectionRefused { .. }, Service::Radius) => {
                "the host answered that nothing listens on that UDP port: check `port` (usually 1812) and that the \
                 RADIUS service runs there"
                    .into()
            }
            (Self::ConnectTimeout { .. }, Service::Radius) => {
                "the RADIUS server did not answer: check the address and `port`, that a firewall lets UDP through, \
                 and that the server lists this machine as a client"
                    .into()
            }
            _ => self.advice(),
        }
    }

    /// What to do about it.
    #[must_use]
    pub fn advice(&self) -> String {
        match self {
            Self::DnsFailure { .. } => {
                "check the host name's spelling, or use the server's IP address; make sure this machine's DNS server knows the name".into()
            }
            Self::ConnectionRefused { .. } => {
                "the host answered but nothing listens on that port: check `port` and `transport` (389 clear/starttls, 636 ldaps) and that the service runs".into()
            }
            Self::ConnectTimeout { .. } => {
                "the host did not answer at all: check the address, and that no firewall drops the traffic between this machine and the server".into()
            }
            Self::ResponseTimeout { .. } => {
                "the port accepts connections but the server never answered: check that it is the right service and port, or raise `timeout`".into()
            }
            Self::Network { .. } => "check the route from this machine to the server".into(),
            Self::UntrustedCertificate { .. } => {
                "set `ssl_ca_certs_file` (or `http_ca_certs_file`) to a PEM file holding the CA that issued the server's certificate".into()
            }
            Self::HostnameMismatch { .. } => {
                "use a host name that the certificate lists (as a DNS name, or as its CN when it lists none): the proxy never matches IP addresses in certificates; or set `ssl_verify_hostname=false`".into()
            }
            Self::CertificateExpired { .. } => "renew the server's certificate".into(),
            Self::CertificateNotYetValid { .. } => {
                "check this machine's clock and the certificate's start date".into()
            }
            Self::WeakCertificateSignature { .. } => {
                let when = if self.is_only_a_warning() {
                    "before upgrading the proxy to 6.0 or later, reissue"
                } else {
                    "reissue"
                };
                format!(
                    "{when} the domain controller's certificate signed with SHA-256 or stronger: set the hash \
                     algorithm of the issuing CA (AD CS: `certutil -setreg ca\\csp\\CNGHashAlgorithm SHA256`, then \
                     restart the CA) or of the certificate template to SHA-256, and enroll the DC for a new \
                     certificate"
                )
            }
            Self::CaFileUnusable { .. } => "point the CA setting at a readable PEM file of CA certificates".into(),
            Self::TlsHandshake { .. } => {
                "check that the port speaks TLS for this transport (636 for ldaps; 389 for clear and starttls)".into()
            }
            Self::NotLdap { .. } => {
                "the port does not speak plain LDAP: is it an LDAPS port (use transport=ldaps), or another service?".into()
            }
            Self::InvalidCredentials { ad_code, .. } => ad_code
                .as_deref()
                .and_then(ad_codes::explain)
                .map_or_else(
                    || "check the service account's user name (or bind_dn) and password".to_string(),
                    |(_, fix)| fix.to_string(),
                ),
            Self::StrongerAuthRequired { .. } => {
                "the server requires an encrypted connection for this bind: use transport=ldaps or starttls, or auth_type=ntlm2".into()
            }
            Self::NoSuchObject { .. } => "`search_dn` does not exist on this server: check its spelling".into(),
            Self::InsufficientAccess { .. } => {
                "give the service account read access to the users under `search_dn`".into()
            }
            Self::SearchFoundNothing { .. } => {
                "no user matched: check `search_dn`, `security_group_dn` (users must be members), `ldap_filter` and `username_attribute`".into()
            }
            Self::LdapError { .. } => "see the server's message".into(),
            Self::NotTestableHere { .. } => "run the check on the Windows server where the proxy runs".into(),
            Self::SecretUnavailable { .. } => {
                "protected values decrypt only on the Windows machine that made them: run the check there".into()
            }
            Self::ProxyRefused { .. } => {
                "check `http_proxy_host`/`http_proxy_port`, and that the proxy allows CONNECT to this host on port 443".into()
            }
            Self::BadResponse { .. } => "check `api_host`: it should be your account's api-XXXXXXXX.duosecurity.com".into(),
            Self::ClockDrift { .. } => "set this machine's clock right (enable NTP): Duo rejects requests signed more than 60 s off".into(),
            Self::DuoCredentialsRejected { .. } => {
                "copy the integration key and secret key again from the Duo Admin Panel application that matches this section".into()
            }
            Self::RadiusNoAnswer { .. } => {
                "the server may simply not implement Status-Server; otherwise check the address, port and that it lists this machine as a client".into()
            }
            Self::RadiusBadAnswer { .. } => "check that `secret` matches the RADIUS server's shared secret for this client".into(),
            Self::UnusableValue { key, .. } if key.ends_with("username") => format!(
                "write `{key}` as DOMAIN\\user (one backslash), user@domain.example, or the plain user name with \
                 ntlm_domain set"
            ),
            Self::UnusableValue { key, .. } if key.ends_with("filter") => {
                format!("fix `{key}`: it must be one LDAP filter in parentheses, as the validator explains")
            }
            Self::UnusableValue { key, .. } => format!(
                "write the host name alone after `{key}=`; a line indented below it is joined to the value, so \
                 un-indent it or start it with ; to make it a comment"
            ),
            Self::TlsVersionTooOld { .. } => {
                "enable TLS 1.2 on the server (on Windows Server 2012 R2 and later it is built in; 2008 R2 and 2012 need the \
                 TLS 1.2 update and registry settings): this check and current proxies refuse TLS 1.0 and 1.1"
                    .into()
            }
            Self::InternalError { .. } => {
                "please send the crash report to the developers; the other checks were not affected".into()
            }
            Self::Cancelled => "run the check again".into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DnsFailure { host, detail } => write!(f, "DNS lookup of {host} failed: {detail}"),
            Self::ConnectionRefused { address } => write!(f, "connection refused by {address}"),
            Self::ConnectTimeout { address, seconds } => {
                write!(f, "no answer from {address} within {seconds} s (connection timed out)")
            }
            Self::ResponseTimeout { waiting_for, seconds } => {
                write!(f, "connected, but no {waiting_for} within {seconds} s")
            }
            Self::Network { address, detail } => write!(f, "cannot reach {address}: {detail}"),
            Self::UntrustedCertificate { trusted } => {
                write!(f, "the server's certificate is not signed by a trusted CA ({trusted})")
            }
            Self::HostnameMismatch { host, certificate_names } => {
                write!(f, "the server's certificate is not valid for {host:?}; it names {certificate_names}")
            }
            Self::CertificateExpired { not_after } => write!(f, "the server's certificate expired on {not_after}"),
            Self::CertificateNotYetValid { not_before } => {
                write!(f, "the server's certificate is not valid before {not_before}")
            }
            Self::WeakCertificateSignature { hash, algorithm, proxy_version } => {
                write!(f, "the domain controller's certificate is signed with {hash} ({algorithm}); ")?;
                match proxy_version {
                    _ if hash != "SHA-1" => write!(
                        f,
                        "no proxy version accepts it: 5.x refuses {hash} signatures (OpenSSL rejects them), and 6.0 \
                         and later need SHA-256 or stronger"
                    ),
                    Some(v) if v.at_least(ProxyVersion::V6) => write!(
                        f,
                        "proxy 6.0 and later need SHA-256 or stronger and refuse it, so this proxy ({v}) cannot \
                         connect to it"
                    ),
                    Some(v) => write!(
                        f,
                        "this check cannot verify such a signature, so the certificate chain was not verified; \
                         proxy {v} still accepts {hash}, but 6.0 and later need SHA-256 or stronger and refuse it, \
                         so upgrading the proxy will break this connection"
                    ),
                    None => write!(
                        f,
                        "a 5.x proxy still accepts it, but proxy 6.0 and later need SHA-256 or stronger and refuse \
                         it (the proxy's version is not known here, so this counts as a failure)"
                    ),
                }
            }
            Self::CaFileUnusable { path, detail } => write!(f, "CA file {path}: {detail}"),
            Self::TlsHandshake { detail } => write!(f, "TLS handshake failed: {detail}"),
            Self::NotLdap { detail } => write!(f, "the server does not speak LDAP on this port: {detail}"),
            Self::InvalidCredentials { ad_code, server_text } => {
                write!(f, "invalid credentials (LDAP 49)")?;
                if let Some(code) = ad_code {
                    let meaning = ad_codes::explain(code).map_or("unknown AD reason", |(what, _)| what);
                    write!(f, ", AD data {code}: {meaning}")?;
                } else if !server_text.is_empty() {
                    write!(f, ": {server_text}")?;
                }
                Ok(())
            }
            Self::StrongerAuthRequired { server_text } => {
                write!(f, "the server requires stronger authentication (LDAP 8): {server_text}")
            }
            Self::NoSuchObject { dn, matched } => {
                write!(f, "search_dn {dn:?} does not exist (LDAP 32)")?;
                if !matched.is_empty() {
                    write!(f, "; the nearest existing entry is {matched:?}")?;
                }
                Ok(())
            }
            Self::InsufficientAccess { server_text } => {
                write!(f, "the service account may not search there: {server_text}")
            }
            Self::SearchFoundNothing { dn, filter } => {
                write!(f, "the search under {dn:?} found no user matching {filter}")
            }
            Self::LdapError { code, server_text } => write!(f, "LDAP error {code}: {server_text}"),
            Self::NotTestableHere { detail } | Self::BadResponse { detail } => f.write_str(detail),
            Self::SecretUnavailable { key, detail } => write!(f, "{key} cannot be used here: {detail}"),
            Self::ProxyRefused { proxy, status } => write!(f, "the HTTP proxy {proxy} refused CONNECT: {status}"),
            Self::ClockDrift { seconds } => {
                write!(
                    f,
                    "this machine's clock is {} s {} Duo's (limit 60 s)",
                    seconds.unsigned_abs(),
                    if *seconds > 0 { "behind" } else { "ahead of" }
                )
            }
            Self::DuoCredentialsRejected { code, message } => {
                write!(f, "Duo rejected the ikey/skey ({code}: {message})")
            }
            Self::RadiusNoAnswer { address, tries } => {
                write!(f, "no answer to Status-Server from {address} after {tries} tries")
            }
            Self::RadiusBadAnswer { detail } => write!(f, "the RADIUS answer does not verify: {detail}"),
            Self::UnusableValue { key, detail } => write!(f, "{key} cannot be used: {detail}"),
            Self::TlsVersionTooOld { detail } => {
                write!(f, "the server offers only TLS 1.0 or 1.1, older than the TLS 1.2 required: {detail}")
            }
            Self::InternalError { report } if report.is_empty() => {
                f.write_str("this check stopped on an internal error, often met on a malformed answer from the server")
            }
            Self::InternalError { report } => write!(
                f,
                "this check stopped on an internal error, often met on a malformed answer from the server; the \
                 crash report is {report}"
            ),
            Self::Cancelled => f.write_str("cancelled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_port_gets_advice_for_its_own_kind_of_server() {
        let refused = Problem::ConnectionRefused { address: "host:443".into() };
        let directory = refused.advice_for(Service::Directory);
        assert!(directory.contains("636 ldaps"), "{directory}");
        let duo = refused.advice_for(Service::DuoApi);
        assert!(duo.contains("HTTPS") && duo.contains("firewall") && duo.contains("http_proxy_host"), "{duo}");
        assert!(!duo.contains("ldaps"), "{duo}");
        let via = refused.advice_for(Service::DuoApiViaProxy);
        assert!(via.contains("http_proxy_port"), "{via}");
        let radius = refused.advice_for(Service::Radius);
        assert!(radius.contains("UDP") && !radius.contains("ldaps"), "{radius}");
        let expired = Problem::CertificateExpired { not_after: String::new() };
        assert_eq!(expired.advice_for(Service::DuoApi), expired.advice());
    }
}
