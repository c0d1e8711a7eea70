//! A real HTTPS server on loopback that answers `/auth/v2/ping` and `/auth/v2/check` as Duo does
//! and verifies each request's signature itself (HMAC-SHA1, sig v2), plus an HTTP CONNECT proxy.

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The integration key the server accepts.
pub const IKEY: &str = "DIWJ8X6AEYOR5OMC6TQ1";
/// Its secret key.
pub const SKEY: &str = "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep";

/// A CA made for this test process, and a second one that signed nothing served here.
pub struct Pki {
    _dir: tempfile::TempDir,
    issuer: CertifiedIssuer<'static, KeyPair>,
    /// PEM of the CA that signs the servers' certificates.
    pub ca_file: PathBuf,
    /// PEM of an unrelated CA.
    pub other_ca_file: PathBuf,
}

fn make_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key")).expect("CA certificate")
}

/// The process's CAs.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let issuer = make_ca("authproxy-manager test CA");
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, issuer.pem()).expect("write CA");
        let other_ca_file = dir.path().join("other-ca.pem");
        std::fs::write(&other_ca_file, make_ca("unrelated CA").pem()).expect("write other CA");
        Pki { _dir: dir, issuer, ca_file, other_ca_file }
    })
}

/// How a test Duo server behaves.
pub struct DuoOptions {
    /// DNS names in its certificate.
    pub names: Vec<String>,
    /// Seconds added to its clock in ping answers.
    pub clock_offset: i64,
}

impl Default for DuoOptions {
    fn default() -> Self {
        Self { names: vec!["localhost".into()], clock_offset: 0 }
    }
}

/// A running test Duo API server.
pub struct DuoServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Requests whose signature verified.
    pub signed_ok: Arc<AtomicUsize>,
}

fn spawn_runtime<F: std::future::Future<Output = ()> + Send + 'static>(future: F) {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(future);
    });
}

/// Starts a server for `options` on a free port; it runs until the test process ends.
pub fn start(options: DuoOptions) -> DuoServer {
    let key = KeyPair::generate().expect("server key");
    let params = CertificateParams::new(options.names.clone()).expect("server params");
    let cert = params.signed_by(&key, &pki().issuer).expect("server certificate");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = StdListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let signed_ok = Arc::new(AtomicUsize::new(0));
    let counter = signed_ok.clone();
    let offset = options.clock_offset;
    spawn_runtime(async move {
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            let (acceptor, counter) = (acceptor.clone(), counter.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let Some(head) = read_head(&mut tls).await else { return };
                let (status, body) = answer(&head, offset, &counter);
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    DuoServer { port, signed_ok }
}

async fn read_head<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 || head.len() > 16_384 {
            return None;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).ok()
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().filter_map(|l| l.split_once(':')).find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

fn now() -> i64 {
    i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs()).expect("fits")
}

/// Routes one request: ping needs nothing, check needs a valid signature by IKEY/SKEY.
fn answer(head: &str, offset: i64, signed_ok: &AtomicUsize) -> (&'static str, String) {
    let request_line = head.lines().next().unwrap_or_default();
    let path = request_line.split_whitespace().nth(1).unwrap_or_default();
    let ok = format!(r#"{{"stat":"OK","response":{{"time":{}}}}}"#, now() + offset);
    match path {
        "/auth/v2/ping" => ("200 OK", ok),
        "/auth/v2/check" => {
            if verify_signature(head) {
                signed_ok.fetch_add(1, Ordering::SeqCst);
                ("200 OK", ok)
            } else {
                (
                    "401 Unauthorized",
                    r#"{"stat":"FAIL","code":40103,"message":"Invalid signature in request credentials"}"#.into(),
                )
            }
        }
        _ => ("404 Not Found", r#"{"stat":"FAIL","code":40401,"message":"Resource not found"}"#.into()),
    }
}

/// Duo's sig v2 check, written out here independently of the code under test.
fn verify_signature(head: &str) -> bool {
    let (Some(date), Some(auth), Some(host)) =
        (header(head, "Date"), header(head, "Authorization"), header(head, "Host"))
    else {
        return false;
    };
    let Some(decoded) =
        auth.strip_prefix("Basic ").and_then(|b| STANDARD.decode(b).ok()).and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    let Some((ikey, signature)) = decoded.split_once(':') else { return false };
    let host = host.split(':').next().unwrap_or_default().to_ascii_lowercase();
    let canonical = format!("{date}\nGET\n{host}\n/auth/v2/check\n");
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(SKEY.as_bytes()).expect("key");
    mac.update(canonical.as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    ikey == IKEY && signature == expected
}

/// A loopback HTTP proxy: CONNECT tunnels to 127.0.0.1 (or answers 403 when `refuse`).
/// Returns its port and the count of tunnels it opened.
pub fn start_connect_proxy(refuse: bool) -> (u16, Arc<AtomicUsize>) {
    let listener = StdListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let counter = tunnels.clone();
    spawn_runtime(async move {
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        loop {
            let Ok((mut client, _)) = listener.accept().await else { continue };
            let counter = counter.clone();
            tokio::spawn(async move {
                let Some(head) = read_head(&mut client).await else { return };
                let target = head.split_whitespace().nth(1).unwrap_or_default().to_string();
                let port = target.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok());
                let (true, Some(port)) = (!refuse && head.starts_with("CONNECT "), port) else {
                    let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").await;
                    return;
                };
                let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_ok() {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (port, tunnels)
}
