//! RADIUS Status-Server against a responder that signs its answers with the shared secret.

use std::net::UdpSocket;

use authproxy_manager::connectivity::{StepKind, StepOutcome, Verdict};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};

use super::{assert_fails_at, assert_passed, outcome, single};

/// Answers each Status-Server with Access-Accept, authenticated with `secret` (RFC 5997).
fn responder(secret: &'static [u8]) -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok((n, from)) = socket.recv_from(&mut buffer) {
            let request = &buffer[..n];
            if n < 20 || request[0] != 12 {
                continue;
            }
            let mut reply = vec![2, request[1], 0, 38];
            reply.extend_from_slice(&request[4..20]);
            reply.extend_from_slice(&[80, 18]);
            reply.extend_from_slice(&[0; 16]);
            let mut mac = Hmac::<Md5>::new_from_slice(secret).unwrap();
            mac.update(&reply);
            let ma = mac.finalize().into_bytes();
            reply[22..38].copy_from_slice(&ma);
            let mut hash = Md5::new();
            hash.update(&reply);
            hash.update(secret);
            let authenticator = hash.finalize();
            reply[4..20].copy_from_slice(&authenticator);
            let _ = socket.send_to(&reply, from);
        }
    });
    port
}

fn section(port: u16, secret: &str) -> String {
    format!("[radius_client]\nhost=127.0.0.1\nport={port}\nsecret={secret}\n")
}

#[test]
fn status_server_is_answered_and_verified_with_the_shared_secret() {
    let port = responder(b"radius-secret");
    assert_passed(&single(&section(port, "radius-secret")));
    let wrong = single(&section(port, "another-secret"));
    let problem = assert_fails_at(&wrong, StepKind::StatusServer, "radius_bad_answer").to_string();
    assert!(problem.contains("shared secret differs"), "{problem}");
}

#[test]
fn silence_is_only_a_warning_as_in_duos_tool() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let r = single(&section(port, "s"));
    assert!(
        matches!(outcome(&r, StepKind::StatusServer), StepOutcome::Warning { problem } if problem.class() == "radius_no_answer"),
        "{r:#?}"
    );
    assert_eq!(r.verdict, Verdict::Warning);
    drop(silent);
}
