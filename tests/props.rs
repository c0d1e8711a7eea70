//! Property tests: random documents round-trip and never make the validator panic;
//! random edits change only their own range.

use authproxy_manager::config::{apply, Document, TextEdit};
use authproxy_manager::schema::Platform;
use authproxy_manager::validate::{validate, Options};
use proptest::prelude::*;

use crate::util::document;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_documents_round_trip_and_validate(text in document()) {
        let doc = Document::parse(&text);
        prop_assert_eq!(doc.to_text(), text.clone());
        for platform in [Platform::Linux, Platform::Windows] {
            for keep_going in [false, true] {
                let options = Options { platform: Some(platform), continue_after_load_error: keep_going, ..Options::default() };
                for d in validate(&doc, &options) {
                    prop_assert!(d.range.end <= text.len());
                    prop_assert!(text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end));
                    if let Some(fix) = &d.fix {
                        prop_assert!(apply(&text, &fix.edits).is_ok());
                    }
                }
            }
        }
    }

    /// Each edit stays inside the part of the file it is about (the value it sets, the key it
    /// renames, the lines it deletes, the end of the section or file it appends to): every byte
    /// before and after that part is the same as before, and the result still parses losslessly.
    #[test]
    fn random_edits_change_only_their_range(text in document(), pick in any::<usize>(), op in 0u8..5, word in "[a-z_]{1,10}", value in "[ -~]{0,16}") {
        let doc = Document::parse(&text);
        let entries: Vec<_> = doc.sections.iter().flat_map(|s| s.entries.iter()).collect();
        let entry = (!entries.is_empty()).then(|| entries[pick % entries.len()]);
        let section = (!doc.sections.is_empty()).then(|| &doc.sections[pick % doc.sections.len()]);
        let line_end = |line: usize| doc.lines[line].eol.end;
        // The edit, and the bytes it may touch.
        let planned: Option<(TextEdit, std::ops::Range<usize>)> = match (op, entry, section) {
            (0, Some(e), _) => doc.set_value(e, &value).ok().map(|edit| (edit, e.delimiter.end..e.value_range.end.max(e.delimiter.end))),
            (1, Some(e), _) if !e.key.is_empty() => doc.rename_key(e, &word).ok().map(|edit| (edit, e.key_range.start..e.key_range.end)),
            (2, Some(e), _) => Some((doc.delete_key(e), doc.lines[e.line].content.start..line_end(e.last_line))),
            (3, _, Some(s)) => {
                let last = s.entries.last().map_or(s.line, |e| e.last_line);
                doc.insert_key(s, &word, &value).ok().map(|edit| (edit, line_end(last)..line_end(last)))
            }
            (4, _, _) => doc.insert_section(&word, &[(word.as_str(), value.as_str())]).ok().map(|edit| (edit, text.len()..text.len())),
            _ => None,
        };
        let Some((edit, allowed)) = planned else { return Ok(()) };
        let out = apply(&text, std::slice::from_ref(&edit)).unwrap();
        let grown = out.len() as isize - text.len() as isize;
        let after = usize::try_from(allowed.end as isize + grown).unwrap();
        prop_assert_eq!(&out.as_bytes()[..allowed.start], &text.as_bytes()[..allowed.start], "bytes before the edited part changed");
        prop_assert_eq!(&out.as_bytes()[after..], &text.as_bytes()[allowed.end..], "bytes after the edited part changed");
        let reparsed = Document::parse(&out);
        prop_assert_eq!(reparsed.to_text(), out);
    }
}

#[test]
fn set_value_and_insert_key_give_the_value_back() {
    let text = "[radius_server_auto]\r\nfailmode = safe ; old\r\n";
    let doc = Document::parse(text);
    let edit = doc.set_value(&doc.sections[0].entries[0], "secure").unwrap();
    let out = apply(text, &[edit]).unwrap();
    assert_eq!(Document::parse(&out).sections[0].value("failmode"), Some("secure"));
    let doc = Document::parse(&out);
    let out = apply(&out, &[doc.insert_key(&doc.sections[0], "port", "1813").unwrap()]).unwrap();
    assert_eq!(out, "[radius_server_auto]\r\nfailmode = secure\r\nport = 1813\r\n");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn completion_and_hover_never_panic_and_their_edits_apply(text in document(), at in any::<usize>()) {
        use authproxy_manager::complete::{complete, hover};
        let doc = Document::parse(&text);
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let offset = boundaries[at % boundaries.len()];
        for platform in [Platform::Linux, Platform::Windows] {
            for c in complete(&doc, offset, platform) {
                prop_assert!(apply(&text, std::slice::from_ref(&c.edit)).is_ok(), "{c:?}");
            }
        }
        if let Some(h) = hover(&doc, offset) {
            prop_assert!(h.range.contains_inclusive(offset));
        }
    }
}

/// A log line made of arbitrary text around secret-looking `key=value` pairs, with any spacing,
/// quoting and non-ASCII text.
fn log_line() -> impl Strategy<Value = (String, String)> {
    let key = prop_oneof![
        Just("skey"),
        Just("radius_secret_1"),
        Just("radius_secert_2"),
        Just("service_account_password"),
        Just("Passwort_password"),
    ];
    let form = prop_oneof![
        Just("{k}={s}"),
        Just("{k}: {s}"),
        Just("{k} = {s}"),
        Just("'{k}': '{s}'"),
        Just("\"{k}\":\"{s}\"")
    ];
    ("\\PC{0,40}", key, form, "[A-Za-z0-9+/]{8,24}", "\\PC{0,40}").prop_map(|(before, key, form, secret, after)| {
        let pair = form.replace("{k}", key).replace("{s}", &secret);
        (format!("{before} {pair} {after}"), secret)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn masking_any_text_never_panics_and_is_stable(text in "\\PC{0,200}") {
        let masked = authproxy_manager::service::logs::mask_secrets(&text);
        prop_assert_eq!(authproxy_manager::service::logs::mask_secrets(&masked), masked.clone());
        if !text.contains('=') && !text.contains(':') {
            prop_assert_eq!(masked, text);
        }
    }

    #[test]
    fn a_secret_after_a_secret_looking_key_is_always_masked((line, secret) in log_line()) {
        let masked = authproxy_manager::service::logs::mask_secrets(&line);
        prop_assert!(!masked.contains(&secret), "{} -> {}", line, masked);
    }

    #[test]
    fn any_bytes_are_read_as_a_log_and_shown_masked(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        use authproxy_manager::logfile::{display_text, files::{Family, LogFileName}, LogIndex};
        let name = LogFileName { path: "authproxy.log".into(), family: Family::Proxy, rotation: None, modified_micros: None };
        let index = LogIndex::from_files(std::path::Path::new("."), vec![(name, bytes.clone())]);
        let lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty() && l != b"\r").count();
        prop_assert!(index.order.len() <= lines);
        for entry in index.entries() {
            let shown = display_text(entry.bytes());
            prop_assert_eq!(authproxy_manager::service::logs::mask_secrets(&shown), shown.clone());
        }
    }
}
