//! Arbitrary bytes as a RADIUS server's answer to Status-Server: verification never panics,
//! and an answer that verifies came from someone holding the secret (built here to match).
#![no_main]

use authproxy_manager::connectivity::radius::verify_answer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 18 {
        return;
    }
    let (id, authenticator, packet) = (data[0], <[u8; 16]>::try_from(&data[1..17]).unwrap_or_default(), &data[17..]);
    if let Ok(code) = verify_answer(packet, id, &authenticator, b"fuzz-shared-secret") {
        assert_eq!(code, packet[0]);
    }
});
