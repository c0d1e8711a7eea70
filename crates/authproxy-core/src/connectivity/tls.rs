//! TLS client settings that check certificates the way the proxy does, and name what failed.
//!
//! Chain and dates are checked by webpki against the configured CA file (or the system's CAs).
//! The host name is checked by Duo's own rule (`lib/ssl_verify.py`): the configured `host` is
//! matched against the certificate's DNS names, falling back to the subject CN only when there
//! are none; IP address entries are never consulted.
//!
//! A domain controller's certificate signed with SHA-1 or MD5 is judged by the proxy's version:
//! 6.0 and later refuse it, 5.x accepts it. webpki cannot verify such a signature at all, so for
//! 5.x the chain stays unverified and the refusal is recorded as a warning
//! ([`Problem::is_only_a_warning`]); the connection is never made on an unverified chain.

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
use crate::schema::ProxyVersion;

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
    /// How a certificate signed with SHA-1 or MD5 is judged.
    pub weak_hash: WeakHashRule,
}

/// How a server certificate signed with SHA-1 or MD5 is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakHashRule {
    /// No rule of its own (Duo's API): webpki cannot verify it, so the chain is refused as any
    /// chain with a bad signature.
    ChainOnly,
    /// A domain controller: proxy 6.0 and later refuse it, 5.x accepts it.
    DomainController {
        /// The proxy's version; `None` when unknown (judged as 6.0 and later would).
        proxy_version: Option<ProxyVersion>,
    },
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
        weak_hash: policy.weak_hash,
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
    weak_hash: WeakHashRule,
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
        let weak = match self.weak_hash {
            WeakHashRule::ChainOnly => None,
            WeakHashRule::DomainController { proxy_version } => {
                weak_signature(end_entity).map(|weak| (weak, proxy_version))
            }
        };
        // webpki checks the dates before any signature, so an expired certificate is named as
        // such; a weak one fails on its signature, which is then judged below, after the name.
        let unverified = match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Ok(_)
            | Err(TlsError::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => None,
            Err(e) if weak.is_some() && is_signature_error(&e) => Some(e),
            Err(e) => {
                let problem = chain_problem(&e, end_entity, &self.trusted);
                return self.refuse(problem, e);
            }
        };
        if self.verify_hostname {
            let names = CertNames::read(end_entity);
            if !names.matches(&self.host) {
                let problem =
                    Problem::HostnameMismatch { host: self.host.clone(), certificate_names: names.describe() };
                return self.refuse(problem, TlsError::InvalidCertificate(CertificateError::NotValidForName));
            }
        }
        if let Some((weak, proxy_version)) = weak {
            let problem = Problem::WeakCertificateSignature {
                hash: weak.hash.into(),
                algorithm: weak.algorithm.into(),
                proxy_version,
            };
            // A 5.x proxy accepts it, but its chain could not be verified here: refused all the
            // same (nothing is sent over an unverified connection), recorded as a warning.
            if !problem.is_only_a_warning() || unverified.is_some() {
                let error = unverified.unwrap_or(TlsError::InvalidCertificate(CertificateError::BadSignature));
                return self.refuse(problem, error);
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

/// A chain error from a signature algorithm webpki does not implement (SHA-1 and MD5 among them).
#[allow(deprecated)] // rustls still maps webpki's errors without context to the old variant
fn is_signature_error(error: &TlsError) -> bool {
    matches!(
        error,
        TlsError::InvalidCertificate(
            CertificateError::UnsupportedSignatureAlgorithm
                | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
                | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. }
        )
    )
}

/// A certificate signature made with a hash proxy 6.0 and later refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeakSignature {
    /// The hash, e.g. `SHA-1`.
    pub hash: &'static str,
    /// The signature algorithm, e.g. `ecdsa-with-SHA1`.
    pub algorithm: &'static str,
}

/// Signature algorithms with SHA-1 or an older hash, by OID (RSASSA-PSS is read from its parameters).
const WEAK_SIGNATURES: &[(&str, &str, &str)] = &[
    ("1.2.840.113549.1.1.2", "md2WithRSAEncryption", "MD2"),
    ("1.2.840.113549.1.1.3", "md4WithRSAEncryption", "MD4"),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption", "MD5"),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption", "SHA-1"),
    ("1.3.14.3.2.3", "md5WithRSA", "MD5"),
    ("1.3.14.3.2.25", "md5WithRSASignature", "MD5"),
    ("1.3.14.3.2.27", "dsaWithSHA1", "SHA-1"),
    ("1.3.14.3.2.29", "sha1WithRSASignature", "SHA-1"),
    ("1.2.840.10040.4.3", "dsa-with-sha1", "SHA-1"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1", "SHA-1"),
];

/// The weak hash the certificate (DER) is signed with, if it is SHA-1 or older; `None` for a
/// stronger one or a certificate that does not parse.
#[must_use]
pub fn weak_signature(der: &[u8]) -> Option<WeakSignature> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let algorithm = &cert.signature_algorithm;
    let oid = algorithm.algorithm.to_id_string();
    if let Some((_, name, hash)) = WEAK_SIGNATURES.iter().find(|(id, _, _)| *id == oid) {
        return Some(WeakSignature { hash, algorithm: name });
    }
    // RSASSA-PSS names its hash in its parameters, SHA-1 when they leave it out.
    if oid == "1.2.840.113549.1.1.10" {
        use x509_parser::signature_algorithm::SignatureAlgorithm;
        if let Ok(SignatureAlgorithm::RSASSA_PSS(params)) = SignatureAlgorithm::try_from(algorithm) {
            match params.hash_algorithm_oid().to_id_string().as_str() {
                "1.3.14.3.2.26" => return Some(WeakSignature { hash: "SHA-1", algorithm: "RSASSA-PSS with SHA-1" }),
                "1.2.840.113549.2.5" => return Some(WeakSignature { hash: "MD5", algorithm: "RSASSA-PSS with MD5" }),
                _ => {}
            }
        }
    }
    None
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
            weak_hash: WeakHashRule::ChainOnly,
        };
        let Err(problem) = prepare(&policy) else { panic!("a missing file must not load") };
        assert_eq!(problem.class(), "ca_file_unusable");
    }

    const CA: &str = include_str!("testdata/ca.pem");
    const ECDSA_SHA1: &str = include_str!("testdata/ecdsa-sha1.pem");
    const ECDSA_SHA256: &str = include_str!("testdata/ecdsa-sha256.pem");
    /// 2030-01-01, inside the test certificates' validity (2026 to 2126).
    const IN_2030: u64 = 1_893_456_000;

    fn der(pem: &str) -> CertificateDer<'static> {
        CertificateDer::from_pem_slice(pem.as_bytes()).expect("a PEM certificate")
    }

    #[test]
    fn sha1_and_md5_signatures_are_weak_sha256_ones_are_not() {
        let cases = [
            (ECDSA_SHA1, Some(("SHA-1", "ecdsa-with-SHA1"))),
            (include_str!("testdata/rsa-sha1.pem"), Some(("SHA-1", "sha1WithRSAEncryption"))),
            (include_str!("testdata/rsa-md5.pem"), Some(("MD5", "md5WithRSAEncryption"))),
            (include_str!("testdata/rsa-pss-sha1.pem"), Some(("SHA-1", "RSASSA-PSS with SHA-1"))),
            (ECDSA_SHA256, None),
            (include_str!("testdata/rsa-pss-sha256.pem"), None),
            (CA, None),
        ];
        for (pem, expected) in cases {
            let found = weak_signature(&der(pem)).map(|w| (w.hash, w.algorithm));
            assert_eq!(found, expected, "{pem}");
        }
        assert_eq!(weak_signature(b"not a certificate"), None);
    }

    #[test]
    fn an_md5_signed_certificate_fails_for_every_proxy_version() {
        for version in [None, Some(ProxyVersion::BASELINE), Some(ProxyVersion::new(6, 8, 0))] {
            let md5 = Problem::WeakCertificateSignature {
                hash: "MD5".into(),
                algorithm: "md5WithRSAEncryption".into(),
                proxy_version: version,
            };
            assert!(!md5.is_only_a_warning(), "{version:?}");
            assert!(md5.to_string().contains("no proxy version accepts it"), "{md5}");
        }
    }

    /// Our verifier over the test CA, for `host`, judging weak hashes by `rule`, at `unix_seconds`.
    fn verify(pem: &str, host: &str, rule: WeakHashRule, unix_seconds: u64) -> Result<(), Problem> {
        let provider = provider();
        let mut roots = RootCertStore::empty();
        roots.add(der(CA)).unwrap();
        let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build().unwrap();
        let verifier = ProxyVerifier {
            inner,
            provider,
            host: host.into(),
            verify_chain: true,
            verify_hostname: true,
            weak_hash: rule,
            trusted: "the test CA".into(),
            refusal: Arc::default(),
        };
        let name = ServerName::try_from(host.to_string()).unwrap();
        let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(unix_seconds));
        match verifier.verify_server_cert(&der(pem), &[], &name, &[], now) {
            Ok(_) => Ok(()),
            Err(e) => Err(take_refusal(&verifier.refusal).unwrap_or_else(|| panic!("{e} refused without a problem"))),
        }
    }

    fn dc(version: Option<&str>) -> WeakHashRule {
        WeakHashRule::DomainController { proxy_version: version.map(|v| v.parse().unwrap()) }
    }

    #[test]
    fn a_sha1_dc_certificate_fails_for_6_and_unknown_versions_and_only_warns_for_5() {
        let for_6 = verify(ECDSA_SHA1, "localhost", dc(Some("6.8.0")), IN_2030).unwrap_err();
        assert_eq!(for_6.class(), "weak_certificate_signature", "{for_6}");
        assert!(!for_6.is_only_a_warning());
        let text = for_6.to_string();
        assert!(text.contains("SHA-1") && text.contains("6.0") && text.contains("6.8.0"), "{text}");
        assert!(for_6.advice().contains("SHA-256"), "{}", for_6.advice());

        let unknown = verify(ECDSA_SHA1, "localhost", dc(None), IN_2030).unwrap_err();
        assert_eq!(unknown.class(), "weak_certificate_signature", "{unknown}");
        assert!(!unknown.is_only_a_warning());
        assert!(unknown.to_string().contains("5.x") && unknown.to_string().contains("6.0"), "{unknown}");

        // 5.x accepts it, but webpki cannot verify it: refused here, as a warning, never "verified".
        let for_5 = verify(ECDSA_SHA1, "localhost", dc(Some("5.0.0")), IN_2030).unwrap_err();
        assert_eq!(for_5.class(), "weak_certificate_signature", "{for_5}");
        assert!(for_5.is_only_a_warning());
        assert!(for_5.to_string().contains("not verified"), "{for_5}");
        assert!(for_5.advice().contains("before upgrading"), "{}", for_5.advice());

        assert_eq!(verify(ECDSA_SHA256, "localhost", dc(Some("6.8.0")), IN_2030), Ok(()));
        assert_eq!(verify(ECDSA_SHA256, "localhost", dc(None), IN_2030), Ok(()));
    }

    #[test]
    fn an_expired_or_wrong_host_sha1_certificate_is_named_as_such() {
        let in_2200 = 7_258_118_400;
        let expired = verify(ECDSA_SHA1, "localhost", dc(Some("6.8.0")), in_2200).unwrap_err();
        assert_eq!(expired.class(), "certificate_expired", "{expired}");
        let wrong_host = verify(ECDSA_SHA1, "dc1.example.com", dc(Some("6.8.0")), IN_2030).unwrap_err();
        assert_eq!(wrong_host.class(), "hostname_mismatch", "{wrong_host}");
    }

    #[test]
    fn the_sha1_rule_is_for_domain_controllers_only() {
        let duo = verify(ECDSA_SHA1, "localhost", WeakHashRule::ChainOnly, IN_2030).unwrap_err();
        assert_ne!(duo.class(), "weak_certificate_signature", "{duo}");
    }
}
