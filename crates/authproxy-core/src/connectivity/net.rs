//! Name lookup and TCP connect, each bounded and each failure named.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;

use super::runner::StepLog;
use super::{Problem, StepKind};

/// Resolves `host:port` (an IP literal resolves to itself).
///
/// # Errors
/// [`Problem::DnsFailure`] when the name does not resolve; [`Problem::ResponseTimeout`] when the
/// resolver does not answer in time.
pub async fn resolve(host: &str, port: u16, timeout: Duration) -> Result<Vec<SocketAddr>, Problem> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match tokio::time::timeout(timeout, tokio::net::lookup_host((bare, port))).await {
        Err(_) => {
            Err(Problem::ResponseTimeout { waiting_for: format!("DNS answer for {host}"), seconds: timeout.as_secs() })
        }
        Ok(Err(e)) => Err(Problem::DnsFailure { host: host.to_string(), detail: dns_detail(&e) }),
        Ok(Ok(addrs)) => {
            let addrs: Vec<_> = addrs.collect();
            if addrs.is_empty() {
                Err(Problem::DnsFailure { host: host.to_string(), detail: "the name has no addresses".into() })
            } else {
                Ok(addrs)
            }
        }
    }
}

fn dns_detail(e: &io::Error) -> String {
    let text = e.to_string();
    text.strip_prefix("failed to lookup address information: ").unwrap_or(&text).to_string()
}

/// Connects to the first address that accepts, within `timeout` overall.
///
/// # Errors
/// [`Problem::ConnectionRefused`], [`Problem::ConnectTimeout`] or [`Problem::Network`], for the
/// last address tried.
pub async fn connect(addrs: &[SocketAddr], label: &str, timeout: Duration) -> Result<TcpStream, Problem> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last = Problem::ConnectTimeout { address: label.to_string(), seconds: timeout.as_secs() };
    for addr in addrs {
        match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = classify_connect_error(&e, label),
            Err(_) => {
                return Err(Problem::ConnectTimeout { address: label.to_string(), seconds: timeout.as_secs() });
            }
        }
    }
    Err(last)
}

/// Names a failed `connect`.
#[must_use]
pub fn classify_connect_error(e: &io::Error, address: &str) -> Problem {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => Problem::ConnectionRefused { address: address.to_string() },
        io::ErrorKind::TimedOut => Problem::ConnectTimeout { address: address.to_string(), seconds: 0 },
        _ => Problem::Network { address: address.to_string(), detail: e.to_string() },
    }
}

/// The addresses a name resolved to, for a step's detail.
#[must_use]
pub fn describe_addrs(addrs: &[SocketAddr]) -> String {
    addrs.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>().join(", ")
}

/// Probes a TCP service (the `[main]` HTTP proxy): DNS, then TCP connect.
pub async fn probe(host: &str, port: u16, timeout: Duration, log: &mut StepLog) {
    let step = log.begin(StepKind::Dns);
    let addrs = match resolve(host, port, timeout).await {
        Ok(addrs) => {
            log.pass(step, describe_addrs(&addrs));
            addrs
        }
        Err(problem) => return log.fail_and_skip(step, problem, &[StepKind::Tcp]),
    };
    let step = log.begin(StepKind::Tcp);
    match connect(&addrs, &address_label(host, port), timeout).await {
        Ok(stream) => log.pass(step, stream.peer_addr().map_or_else(|_| String::new(), |a| a.to_string())),
        Err(problem) => log.fail(step, problem),
    }
}

/// `host:port`, with brackets around IPv6 literals.
#[must_use]
pub fn address_label(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_port_is_refused_and_an_invalid_name_is_a_dns_failure() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let refused = connect(&[addr], "127.0.0.1:x", Duration::from_secs(3)).await.unwrap_err();
        assert_eq!(refused.class(), "connection_refused");
        let dns = resolve("no-such-host.invalid", 389, Duration::from_secs(5)).await.unwrap_err();
        assert_eq!(dns.class(), "dns_failure", "{dns}");
        assert_eq!(address_label("::1", 636), "[::1]:636");
    }
}
