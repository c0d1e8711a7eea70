//! Arbitrary bytes as a log folder's `authproxy.log` and `authevents.log`: indexed, merged,
//! grouped into requests and explained without a panic; every entry shown masked (masking twice
//! changes nothing more); and a secret after a secret-looking key never survives masking.
#![no_main]

use std::path::Path;

use authproxy_core::logfile::catalogue::explain;
use authproxy_core::logfile::files::{Family, LogFileName};
use authproxy_core::logfile::{display_text, LogIndex};
use authproxy_core::service::logs::mask_secrets;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let (text, json) = data.split_at(split);
    let name = |file: &str, family| LogFileName { path: file.into(), family, rotation: None, modified_micros: None };
    let index = LogIndex::from_files(
        Path::new("."),
        vec![(name("authproxy.log", Family::Proxy), text.to_vec()), (name("authevents.log", Family::AuthEvents), json.to_vec())],
    );
    let total: usize = index.files.iter().map(|f| f.entries.len()).sum();
    assert_eq!(index.order.len(), total, "every entry merged once");
    for entry in index.entries() {
        let shown = display_text(entry.bytes());
        assert_eq!(mask_secrets(&shown), shown, "masking twice changes nothing more");
        let _ = explain(entry.explained_bytes());
    }
    for request in &index.requests {
        assert!(!request.entries.is_empty());
        let _ = index.findings_of(request).count();
    }
    let text = String::from_utf8_lossy(data);
    let secret = format!("FUZZSECRET{}", text.len());
    let probe = format!("{text} skey={secret}");
    // The text itself may hold the same characters; the appended one must be gone.
    let left = mask_secrets(&probe).matches(&secret).count();
    assert!(left <= mask_secrets(&text).matches(&secret).count(), "a secret survived masking");
});
