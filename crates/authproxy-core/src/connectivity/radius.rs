//! One RADIUS server: a Status-Server request (RFC 5997) with Message-Authenticator, as Duo's
//! tool sends it. No answer is only a warning: many servers do not implement Status-Server.

use std::net::{IpAddr, SocketAddr};

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use ring::rand::SecureRandom;
use tokio::net::UdpSocket;

use super::plan::{RadiusTarget, RADIUS_TRIES, RADIUS_TRY_TIMEOUT};
use super::runner::StepLog;
use super::{net, Problem, StepKind};
use crate::secrets::Protector;

const STATUS_SERVER: u8 = 12;
const ACCESS_ACCEPT: u8 = 2;
const ACCESS_REJECT: u8 = 3;
const ACCOUNTING_RESPONSE: u8 = 5;
const NAS_IP_ADDRESS: u8 = 4;
const MESSAGE_AUTHENTICATOR: u8 = 80;

/// Runs the Status-Server exchange, recording it in `log`.
pub async fn probe(target: &RadiusTarget, protector: &dyn Protector, log: &mut StepLog) {
    let step = log.begin(StepKind::StatusServer);
    let secret = match target.secret.resolve(protector) {
        Ok(s) => s,
        Err(problem) => return log.fail(step, problem),
    };
    let address = net::address_label(&target.host, target.port);
    let Ok(ip) = target.host.parse::<IpAddr>() else {
        return log.fail(
            step,
            Problem::DnsFailure {
                host: target.host.clone(),
                detail: "radius_client hosts must be IP addresses".into(),
            },
        );
    };
    let peer = SocketAddr::new(ip, target.port);
    let bind: SocketAddr = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().expect("literal address");
    let socket = match UdpSocket::bind(bind).await {
        Ok(s) => s,
        Err(e) => return log.fail(step, Problem::Network { address, detail: e.to_string() }),
    };
    if let Err(e) = socket.connect(peer).await {
        return log.fail(step, net::classify_connect_error(&e, &address));
    }
    let nas_ip = target
        .nas_ip
        .as_deref()
        .and_then(|v| v.parse::<IpAddr>().ok())
        .or_else(|| socket.local_addr().ok().map(|a| a.ip()));
    let rng = ring::rand::SystemRandom::new();
    let mut id = [0u8; 1];
    let mut authenticator = [0u8; 16];
    if rng.fill(&mut id).and_then(|()| rng.fill(&mut authenticator)).is_err() {
        return log.fail(step, Problem::Network { address, detail: "no random numbers available".into() });
    }
    let request = status_server(id[0], authenticator, nas_ip, secret.expose().as_bytes());
    let mut answer = [0u8; 4096];
    for _ in 0..RADIUS_TRIES {
        if let Err(e) = socket.send(&request).await {
            return log.warn(step, net::classify_connect_error(&e, &address));
        }
        match tokio::time::timeout(RADIUS_TRY_TIMEOUT, socket.recv(&mut answer)).await {
            Err(_) => {}
            Ok(Err(e)) => return log.warn(step, net::classify_connect_error(&e, &address)),
            Ok(Ok(n)) => {
                return match verify_answer(&answer[..n], id[0], &authenticator, secret.expose().as_bytes()) {
                    Ok(code) => log.pass(step, format!("answered with {}", code_name(code))),
                    Err(detail) => log.fail(step, Problem::RadiusBadAnswer { detail }),
                };
            }
        }
    }
    log.warn(step, Problem::RadiusNoAnswer { address, tries: RADIUS_TRIES });
}

fn code_name(code: u8) -> &'static str {
    match code {
        ACCESS_ACCEPT => "Access-Accept",
        ACCESS_REJECT => "Access-Reject",
        ACCOUNTING_RESPONSE => "Accounting-Response",
        _ => "an unexpected code",
    }
}

/// A Status-Server packet with NAS-IP-Address (IPv4 only) and Message-Authenticator.
#[must_use]
pub fn status_server(id: u8, authenticator: [u8; 16], nas_ip: Option<IpAddr>, secret: &[u8]) -> Vec<u8> {
    let mut packet = vec![STATUS_SERVER, id, 0, 0];
    packet.extend_from_slice(&authenticator);
    if let Some(IpAddr::V4(v4)) = nas_ip {
        packet.extend_from_slice(&[NAS_IP_ADDRESS, 6]);
        packet.extend_from_slice(&v4.octets());
    }
    let ma_at = packet.len() + 2;
    packet.extend_from_slice(&[MESSAGE_AUTHENTICATOR, 18]);
    packet.extend_from_slice(&[0u8; 16]);
    let length = u16::try_from(packet.len()).expect("a short packet");
    packet[2..4].copy_from_slice(&length.to_be_bytes());
    let mac = hmac_md5(secret, &packet);
    packet[ma_at..ma_at + 16].copy_from_slice(&mac);
    packet
}

fn hmac_md5(key: &[u8], data: &[u8]) -> [u8; 16] {
    let mut mac = Hmac::<Md5>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Checks an answer's id, length, Response Authenticator and (when present) its
/// Message-Authenticator, all of which depend on the shared secret. Returns its code.
///
/// # Errors
/// What did not match.
pub fn verify_answer(packet: &[u8], id: u8, request_authenticator: &[u8; 16], secret: &[u8]) -> Result<u8, String> {
    if packet.len() < 20 {
        return Err(format!("a {}-byte packet is too short for RADIUS", packet.len()));
    }
    let length = usize::from(u16::from_be_bytes([packet[2], packet[3]]));
    if length < 20 || length > packet.len() {
        return Err("the packet's length field is wrong".into());
    }
    let packet = &packet[..length];
    if packet[1] != id {
        return Err(format!("it answers request {} instead of {id}", packet[1]));
    }
    let mut hasher = Md5::new();
    hasher.update(&packet[..4]);
    hasher.update(request_authenticator);
    hasher.update(&packet[20..]);
    hasher.update(secret);
    if hasher.finalize().as_slice() != &packet[4..20] {
        return Err("its Response Authenticator does not match: the shared secret differs".into());
    }
    let mut at = 20;
    while at + 2 <= packet.len() {
        let (kind, len) = (packet[at], usize::from(packet[at + 1]));
        if len < 2 || at + len > packet.len() {
            return Err("an attribute's length is wrong".into());
        }
        if kind == MESSAGE_AUTHENTICATOR && len == 18 {
            let mut copy = packet.to_vec();
            copy[4..20].copy_from_slice(request_authenticator);
            copy[at + 2..at + 18].fill(0);
            if hmac_md5(secret, &copy) != packet[at + 2..at + 18] {
                return Err("its Message-Authenticator does not match: the shared secret differs".into());
            }
        }
        at += len;
    }
    Ok(packet[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a server does: answer Accounting-Response with Response Authenticator and MA.
    fn answer(request: &[u8], secret: &[u8]) -> Vec<u8> {
        let mut reply = vec![ACCOUNTING_RESPONSE, request[1], 0, 38];
        reply.extend_from_slice(&request[4..20]);
        reply.extend_from_slice(&[MESSAGE_AUTHENTICATOR, 18]);
        reply.extend_from_slice(&[0; 16]);
        let ma = hmac_md5(secret, &reply);
        reply[22..38].copy_from_slice(&ma);
        let mut hasher = Md5::new();
        hasher.update(&reply);
        hasher.update(secret);
        reply[4..20].copy_from_slice(&hasher.finalize());
        reply
    }

    #[test]
    fn a_request_carries_a_valid_message_authenticator_and_answers_verify_with_the_secret() {
        let auth = [7u8; 16];
        let request = status_server(42, auth, Some("10.1.2.3".parse().unwrap()), b"s3cret");
        assert_eq!(request[0], STATUS_SERVER);
        assert_eq!(usize::from(u16::from_be_bytes([request[2], request[3]])), request.len());
        let mut zeroed = request.clone();
        let ma_at = request.len() - 16;
        zeroed[ma_at..].fill(0);
        assert_eq!(hmac_md5(b"s3cret", &zeroed), request[ma_at..]);
        let reply = answer(&request, b"s3cret");
        assert_eq!(verify_answer(&reply, 42, &auth, b"s3cret"), Ok(ACCOUNTING_RESPONSE));
        assert!(verify_answer(&reply, 42, &auth, b"other").unwrap_err().contains("shared secret differs"));
        assert!(verify_answer(&reply, 41, &auth, b"s3cret").is_err());
        assert!(verify_answer(&reply[..10], 42, &auth, b"s3cret").is_err());
    }
}
