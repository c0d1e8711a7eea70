//! Arbitrary bytes as a RADIUS server's answer to Status-Server: verification never panics.
//! The first byte's low bit picks a raw answer, or one whose Response Authenticator is made
//! right for the fixed secret, so the attribute walk and the Message-Authenticator check run too.
#![no_main]

use authproxy_core::connectivity::radius::verify_answer;
use libfuzzer_sys::fuzz_target;
use md5::{Digest, Md5};

const SECRET: &[u8] = b"fuzz-shared-secret";

fuzz_target!(|data: &[u8]| {
    if data.len() < 18 {
        return;
    }
    let (mode, id) = (data[0], data[1]);
    let authenticator = <[u8; 16]>::try_from(&data[2..18]).unwrap_or_default();
    let mut packet = data[18..].to_vec();
    if mode & 1 == 1 && packet.len() >= 20 {
        let length = u16::try_from(packet.len()).unwrap_or(u16::MAX);
        packet[1] = id;
        packet[2..4].copy_from_slice(&length.to_be_bytes());
        let mut hasher = Md5::new();
        hasher.update(&packet[..4]);
        hasher.update(authenticator);
        hasher.update(&packet[20..]);
        hasher.update(SECRET);
        let digest = hasher.finalize();
        packet[4..20].copy_from_slice(&digest);
    }
    if let Ok(code) = verify_answer(&packet, id, &authenticator, SECRET) {
        assert_eq!(code, packet[0]);
    }
});
