//! TLS client settings that check certificates the way the proxy does, and name what failed.
//!
//! Chain and dates are checked by webpki against the configured CA file (or the system's CAs).
//! The host name is checked by Duo's own rule (`lib/ssl_verify.py`): the configured `host` is
//! matched against the certificate's DNS names, falling back to the subject CN only when there
//! are none; IP address entries are never consulted.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, Error as TlsError, PeerIncompatible,
    RootCertStore, SignatureScheme,
};

use super::Problem;

/// What to check, per connection.
#[derive(Debug, Clone)]
pub struct TlsPolicy {
    /// The host as configured (what Duo's rule matches).
    pub host: String,
    /// PEM CA file; `None` trusts the system's CAs.
    pub ca_file: Option<PathBuf>,
    /// Check the chain and dates at all (the proxy skips every check when hostname
    /// verification is off and no CA file is set).
    pub verify_chain: bool,
    /// Check the host name.
    pub verify_hostname: bool,
}

/// A client config plus the slot where its verifier leaves the reason it refused a certificate.
pub struct Prepared {
    /// For ldap3 or tokio-rustls.
    pub config: Arc<ClientConfig>,
    /// The named certificate problem, if the verifier refused one.
    pub refusal: Arc<Mutex<Option<Problem>>>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the client config for `policy`: TLS 1.2 or newer, our verifier.
///
/// # Errors
/// [`Problem::CaFileUnusable`] when the CA file cannot be read or holds no certificate.
pub fn prepare(policy: &TlsPolicy) -> Result<Prepared, Problem> {
    let provider = provider();
    let (roots, trusted) = match &policy.ca_file {
        Some(path) => (roots_from_file(path)?, format!("CA file {}", path.display())),
        None => (system_roots(), "the system's CAs".to_string()),
    };
    let inner =
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build().map_err(|e| {
            Problem::CaFileUnusable {
                path: policy.ca_file.as_deref().map_or_else(|| "(system)".into(), |p| p.display().to_string()),
                detail: e.to_string(),
            }
        })?;
    let refusal = Arc::new(Mutex::new(None));
    let verifier = ProxyVerifier {
        inner,
        provider: provider.clone(),
        host: policy.host.clone(),
        verify_chain: policy.verify_chain,
        verify_hostname: policy.verify_hostname && policy.verify_chain,
        trusted,
        refusal: refusal.clone(),
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Problem::TlsHandshake { detail: e.to_string() })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Prepared { config: Arc::new(config), refusal })
}

fn roots_from_file(path: &Path) -> Result<RootCertStore, Problem> {
    let unusable = |detail: String| Problem::CaFileUnusable { path: path.display().to_string(), detail };
    let pem = read_bounded(path).map_err(unusable)?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| unusable(format!("not a PEM certificate file: {e}")))?;
        roots.add(cert).map_err(|e| unusable(format!("a certificate in it is not usable: {e}")))?;
    }
    if roots.is_empty() {
        return Err(unusable("it holds no PEM certificate".into()));
    }
    Ok(roots)
}

/// The largest CA file read; real bundles are a few hundred KiB.
const MAX_CA_FILE: u64 = 16 * 1024 * 1024;

/// A CA file's bytes: a regular file of sane size only (not a device or a pipe).
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if meta.len() > MAX_CA_FILE {
        return Err(format!("it is {} MiB, too large for a CA bundle", meta.len() / (1024 * 1024)));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CA_FILE).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    Ok(bytes)
}

fn system_roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    roots
}

#[derive(Debug)]
struct ProxyVerifier {
    inner: Arc<WebPkiServerVerifier>,
    provider: Arc<CryptoProvider>,
    host: String,
    verify_chain: bool,
    verify_hostname: bool,
    trusted: String,
    refusal: Arc<Mutex<Option<Problem>>>,
}

impl ProxyVerifier {
    fn refuse(&self, problem: Problem, error: TlsError) -> Result<ServerCertVerified, TlsError> {
        if let Ok(mut slot) = self.refusal.lock() {
            *slot = Some(problem);
        }
        Err(error)
    }
}

impl ServerCertVerifier for ProxyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        if !self.verify_chain {
            return Ok(ServerCertVerified::assertion());
        }
        match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Ok(_)
            | Err(TlsError::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => {}
            Err(e) => {
                let problem = chain_problem(&e, end_entity, &self.trusted);
                return self.refuse(problem, e);
            }
        }
        if self.verify_hostname {
            let names = CertNames::read(end_entity);
            if !names.matches(&self.host) {
                let problem =
                    Problem::HostnameMismatch { host: self.host.clone(), certificate_names: names.describe() };
                return self.refuse(problem, TlsError::InvalidCertificate(CertificateError::NotValidForName));
            }
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

fn chain_problem(error: &TlsError, end_entity: &CertificateDer<'_>, trusted: &str) -> Problem {
    let validity = || {
        x509_parser::parse_x509_certificate(end_entity).ok().map(|(_, cert)| {
            let v = cert.validity();
            (
                v.not_before.to_rfc2822().unwrap_or_else(|_| v.not_before.to_string()),
                v.not_after.to_rfc2822().unwrap_or_else(|_| v.not_after.to_string()),
            )
        })
    };
    match error {
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer | CertificateError::BadSignature) => {
            Problem::UntrustedCertificate { trusted: trusted.to_string() }
        }
        TlsError::InvalidCertificate(CertificateError::Expired | CertificateError::ExpiredContext { .. }) => {
            Problem::CertificateExpired {
                not_after: validity().map_or_else(|| "an earlier date".into(), |(_, after)| after),
            }
        }
        TlsError::InvalidCertificate(CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }) => {
            Problem::CertificateNotYetValid {
                not_before: validity().map_or_else(|| "a later date".into(), |(before, _)| before),
            }
        }
        other => Problem::TlsHandshake { detail: other.to_string() },
    }
}

/// Whether the certificate (DER) is valid for `host` by Duo's rule, and the names it carries
/// as a report shows them. A certificate that does not parse has no names and matches nothing.
#[must_use]
pub fn certificate_matches(der: &[u8], host: &str) -> (bool, String) {
    let names = CertNames::read(&CertificateDer::from(der));
    (names.matches(host), names.describe())
}

/// The names in a certificate that Duo's rule looks at.
#[derive(Debug, Default)]
struct CertNames {
    dns: Vec<String>,
    ips: Vec<String>,
    common_names: Vec<String>,
}

impl CertNames {
    fn read(der: &CertificateDer<'_>) -> Self {
        let mut names = Self::default();
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else { return names };
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for name in &san.value.general_names {
                match name {
                    x509_parser::extensions::GeneralName::DNSName(d) => names.dns.push((*d).to_string()),
                    x509_parser::extensions::GeneralName::IPAddress(bytes) => names.ips.push(ip_text(bytes)),
                    _ => {}
                }
            }
        }
        names.common_names =
            cert.subject().iter_common_name().filter_map(|cn| cn.as_str().ok()).map(String::from).collect();
        names
    }

    fn matches(&self, host: &str) -> bool {
        let candidates = if self.dns.is_empty() { &self.common_names } else { &self.dns };
        candidates.iter().any(|pattern| wildcard_match(pattern, host))
    }

    fn describe(&self) -> String {
        let mut parts: Vec<String> = self.dns.iter().map(|d| format!("DNS:{d}")).collect();
        parts.extend(self.ips.iter().map(|ip| format!("IP:{ip} (the proxy never matches IP entries)")));
        if self.dns.is_empty() {
            parts.extend(self.common_names.iter().map(|cn| format!("CN={cn}")));
        }
        if parts.is_empty() {
            "no names at all".into()
        } else {
            parts.join(", ")
        }
    }
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => <[u8; 16]>::try_from(bytes).map(|b| std::net::Ipv6Addr::from(b).to_string()).unwrap_or_default(),
        _ => format!("{bytes:02x?}"),
    }
}

/// Matches a certificate name against a host, case-insensitively; a leading `*` label stands
/// for exactly one label.
fn wildcard_match(pattern: &str, host: &str) -> bool {
    let (pattern, host) =
        (pattern.trim_end_matches('.').to_ascii_lowercase(), host.trim_end_matches('.').to_ascii_lowercase());
    match pattern.strip_prefix("*.") {
        Some(rest) => host.split_once('.').is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        None => pattern == host,
    }
}

/// Names a TLS failure that the verifier did not record (closed connection, protocol error).
#[must_use]
pub fn handshake_problem(error: &std::io::Error) -> Problem {
    if error.kind() == std::io::ErrorKind::UnexpectedEof {
        return Problem::TlsHandshake {
            detail: "the server closed the connection during the handshake: this port does not seem to speak TLS"
                .into(),
        };
    }
    match error.get_ref().and_then(|inner| inner.downcast_ref::<TlsError>()) {
        Some(tls) => tls_problem(tls),
        None => Problem::TlsHandshake { detail: error.to_string() },
    }
}

/// Names a TLS error: a server stuck on TLS 1.0 or 1.1 gets its own failure.
#[must_use]
pub fn tls_problem(error: &TlsError) -> Problem {
    match error {
        TlsError::PeerIncompatible(
            PeerIncompatible::ServerDoesNotSupportTls12Or13 | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        ) => Problem::TlsVersionTooOld { detail: "it answered the handshake with an older TLS version".into() },
        TlsError::AlertReceived(AlertDescription::ProtocolVersion) => {
            Problem::TlsVersionTooOld { detail: "it refused TLS 1.2 and 1.3 (a protocol_version alert)".into() }
        }
        other => Problem::TlsHandshake { detail: other.to_string() },
    }
}

/// The recorded refusal, if any.
#[must_use]
pub fn take_refusal(slot: &Mutex<Option<Problem>>) -> Option<Problem> {
    slot.lock().ok().and_then(|mut s| s.take())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label_only() {
        assert!(wildcard_match("*.example.com", "dc1.example.com"));
        assert!(wildcard_match("DC1.Example.com", "dc1.example.COM"));
        assert!(!wildcard_match("*.example.com", "a.b.example.com"));
        assert!(!wildcard_match("*.example.com", "example.com"));
        assert!(!wildcard_match("localhost", "127.0.0.1"));
    }

    #[test]
    fn dns_names_win_over_the_common_name_and_ips_never_match() {
        let names = CertNames {
            dns: vec!["localhost".into()],
            ips: vec!["127.0.0.1".into()],
            common_names: vec!["127.0.0.1".into()],
        };
        assert!(names.matches("localhost"));
        assert!(!names.matches("127.0.0.1"), "Duo never consults IP entries nor the CN when DNS names exist");
        let cn_only = CertNames { dns: vec![], ips: vec!["127.0.0.1".into()], common_names: vec!["127.0.0.1".into()] };
        assert!(cn_only.matches("127.0.0.1"));
        assert!(cn_only.describe().contains("CN=127.0.0.1"));
    }

    #[test]
    fn a_missing_ca_file_is_named() {
        let policy = TlsPolicy {
            host: "h".into(),
            ca_file: Some("/nonexistent/ca.pem".into()),
            verify_chain: true,
            verify_hostname: true,
        };
        let Err(problem) = prepare(&policy) else { panic!("a missing file must not load") };
        assert_eq!(problem.class(), "ca_file_unusable");
    }
}
