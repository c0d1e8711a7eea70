//! Decode arbitrary bytes in a code page, check they encode back unchanged, parse, check the
//! lossless round trip, then validate under both platforms' rules and render one of the reports as
//! text and JSON. The first byte's low bit chooses whether validation continues after a load
//! error, the second which report is rendered, the third the code page and the proxy version
//! (unknown, 5.0.0 or 6.8.0); inputs over 8 KiB are skipped (their work grows with size, not with new paths).
//! Completion and hover have their own target, `complete_hover`.
#![no_main]

use authproxy_core::config::{decode_in, encode, CodePage, Document};
use authproxy_core::schema::ProxyVersion;
use authproxy_core::schema::Platform;
use authproxy_core::validate::render::{file_report, text};
use authproxy_core::validate::{validate, Options};
use libfuzzer_sys::fuzz_target;

const MAX_INPUT: usize = 8 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_INPUT {
        return;
    }
    let choice = usize::from(data.get(2).copied().unwrap_or(0));
    let pages: Vec<CodePage> = CodePage::all().collect();
    let decoded = decode_in(data, pages[choice % pages.len()]);
    assert_eq!(encode(&decoded.text, decoded.encoding).as_deref(), Ok(data), "decoding lost bytes");
    let proxy_version = [None, Some(ProxyVersion::BASELINE), Some(ProxyVersion::new(6, 8, 0))][choice / 16 % 3];
    let source = decoded.text.as_str();
    let doc = Document::parse(source);
    assert_eq!(doc.to_text(), source, "round trip changed the text");

    let continue_after_load_error = data.first().is_some_and(|b| b & 1 == 1);
    let rendered = data.get(1).map_or(0, |b| usize::from(b & 1));
    for (i, platform) in [Platform::Linux, Platform::Windows].into_iter().enumerate() {
        let options = Options {
            platform: Some(platform),
            encoding: Some(decoded.encoding),
            proxy_version,
            continue_after_load_error,
            ..Options::default()
        };
        let diagnostics = validate(&doc, &options);
        for d in &diagnostics {
            assert!(d.range.end <= source.len() && source.is_char_boundary(d.range.start), "a range off the text");
        }
        if i == rendered {
            let _ = text("fuzz.cfg", &doc, &diagnostics);
            let json = serde_json::to_string(&file_report("fuzz.cfg", &doc, &diagnostics)).expect("report serialises");
            assert!(!json.is_empty());
        }
    }
});
