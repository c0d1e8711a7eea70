//! Decode arbitrary bytes, parse, check the lossless round trip, then validate
//! under every platform/option combination and render both output formats;
//! complete and hover at a few caret positions.
#![no_main]

use authproxy_manager::complete::{complete, hover};
use authproxy_manager::config::{apply, decode, Document};
use authproxy_manager::schema::Platform;
use authproxy_manager::validate::render::{file_report, text};
use authproxy_manager::validate::{validate, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = decode(data);
    let source = decoded.text.as_str();
    let doc = Document::parse(source);
    assert_eq!(doc.to_text(), source, "round trip changed the text");

    for platform in [Platform::Linux, Platform::Windows] {
        for continue_after_load_error in [false, true] {
            let options = Options {
                platform: Some(platform),
                encoding: Some(decoded.encoding),
                continue_after_load_error,
                ..Options::default()
            };
            let diagnostics = validate(&doc, &options);
            let _ = text("fuzz.cfg", &doc, &diagnostics);
            let report = file_report("fuzz.cfg", &doc, &diagnostics);
            let json = serde_json::to_string(&report).expect("report serialises");
            assert!(!json.is_empty());
        }
    }

    let len = source.len();
    for offset in [0, len / 3, len / 2, len] {
        let mut at = offset;
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        for c in complete(&doc, at, Platform::Windows) {
            assert!(apply(source, std::slice::from_ref(&c.edit)).is_ok(), "completion edit must apply");
        }
        let _ = hover(&doc, at);
    }
});
