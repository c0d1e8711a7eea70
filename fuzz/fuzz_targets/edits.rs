//! Parse arbitrary text, pick one entry/section and one edit from the leading
//! bytes, apply it, and check that only the edited range changed and that the
//! result re-parses losslessly.
#![no_main]

use authproxy_core::config::{apply, decode, Document, Entry, TextEdit};
use libfuzzer_sys::fuzz_target;

/// Short strings (valid and invalid) for new keys, values and section names.
const WORDS: [&str; 12] = ["host", "skey", "port", "x", "", " spaced ", "a=b", "k:v", "#c", "[s]", "two\nlines", "é ü"];

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (op, target, word_a, word_b) = (data[0], data[1], data[2], data[3]);
    let decoded = decode(&data[4..]);
    let source = decoded.text.as_str();
    let doc = Document::parse(source);

    let entries: Vec<&Entry> = doc.sections.iter().flat_map(|s| s.entries.iter()).chain(doc.orphans.iter()).collect();
    let a = WORDS[usize::from(word_a) % WORDS.len()];
    let b = WORDS[usize::from(word_b) % WORDS.len()];

    let edit: Option<TextEdit> = match op % 5 {
        0..=2 if entries.is_empty() => None,
        0 => doc.set_value(entries[usize::from(target) % entries.len()], b).ok(),
        1 => doc.rename_key(entries[usize::from(target) % entries.len()], a).ok(),
        2 => Some(doc.delete_key(entries[usize::from(target) % entries.len()])),
        3 if doc.sections.is_empty() => None,
        3 => doc.insert_key(&doc.sections[usize::from(target) % doc.sections.len()], a, b).ok(),
        _ => doc.insert_section(a, &[(a, b), ("ikey", b)]).ok(),
    };
    let Some(edit) = edit else { return };

    let out = apply(source, std::slice::from_ref(&edit)).expect("an edit built from the document applies");
    let (start, end) = (edit.range.start, edit.range.end);
    assert!(out.starts_with(&source[..start]), "bytes before the edit changed");
    assert!(out.ends_with(&source[end..]), "bytes after the edit changed");
    assert_eq!(out.len(), source.len() - (end - start) + edit.insert.len());
    assert_eq!(&out[start..start + edit.insert.len()], edit.insert);

    let reparsed = Document::parse(&out);
    assert_eq!(reparsed.to_text(), out, "round trip of the edited text changed it");
});
