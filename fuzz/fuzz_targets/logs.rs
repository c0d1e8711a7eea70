//! Arbitrary bytes as a log file's tail: lines are cut, masked and classified without a panic,
//! every kept line is masked idempotently, and a secret after a secret-looking key never
//! survives masking.
#![no_main]

use authproxy_core::service::logs::{classify, mask_secrets, tail_lines};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (max_lines, cut) = match data.first() {
        Some(b) => (usize::from(*b % 16), b & 0x80 != 0),
        None => (4, false),
    };
    let lines = tail_lines(data.get(1..).unwrap_or_default(), max_lines, cut);
    assert!(lines.len() <= max_lines);
    for line in &lines {
        assert_eq!(mask_secrets(&line.text), line.text, "masking twice changes nothing more");
        let _ = classify(&line.text);
    }
    let text = String::from_utf8_lossy(data);
    let secret = format!("FUZZSECRET{}", text.len());
    let probe = format!("{text} skey={secret}");
    // The text itself may hold the same characters; the appended one must be gone.
    let left = mask_secrets(&probe).matches(&secret).count();
    assert!(left <= mask_secrets(&text).matches(&secret).count(), "a secret survived masking");
});
