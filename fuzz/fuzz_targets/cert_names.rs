//! Arbitrary bytes as a server certificate (DER) and a configured host: reading its names and
//! matching them by Duo's rule never panics.
#![no_main]

use authproxy_core::connectivity::tls::certificate_matches;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.first().map_or(0, |b| usize::from(*b)).min(data.len().saturating_sub(1));
    let (host, der) = data.get(1..).unwrap_or_default().split_at(split.min(data.len().saturating_sub(1)));
    let host = String::from_utf8_lossy(host);
    let (_matched, names) = certificate_matches(der, &host);
    assert!(!names.is_empty(), "a report always names what the certificate holds");
});
