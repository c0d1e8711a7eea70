//! Decode arbitrary bytes, parse, and complete and hover at a few caret positions (chosen by
//! the first bytes, any of them may fall inside a character): never a panic, and every
//! completion's edit applies to the text.
#![no_main]

use authproxy_core::complete::{complete, hover};
use authproxy_core::config::{apply, decode, Document};
use authproxy_core::schema::Platform;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > 8 * 1024 {
        return;
    }
    let decoded = decode(data);
    let source = decoded.text.as_str();
    let doc = Document::parse(source);
    let len = source.len();
    let picks = data.iter().take(2).map(|b| usize::from(*b) * len / 255);
    for offset in picks.chain([len]) {
        let mut at = offset.min(len);
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        for platform in [Platform::Windows, Platform::Linux] {
            for c in complete(&doc, at, platform) {
                assert!(apply(source, std::slice::from_ref(&c.edit)).is_ok(), "completion edit must apply");
            }
        }
        let _ = hover(&doc, at);
    }
});
