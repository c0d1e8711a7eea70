//! Printing a parsed document gives back the input, byte for byte, and every span
//! slices to exactly what it names.

use authproxy_manager::config::{decode, encode, Document, LineKind};

use crate::util::all_fixtures;

fn assert_lossless(text: &str, what: &str) {
    let doc = Document::parse(text);
    assert_eq!(doc.to_text(), text, "{what}: round trip");
    let mut cursor = 0;
    for line in &doc.lines {
        assert_eq!(line.content.start, cursor, "{what}: lines tile the text");
        cursor = line.eol.end;
        if let LineKind::Entry { key, delimiter, .. } = &line.kind {
            assert!(matches!(delimiter.slice(text), "=" | ":"), "{what}: delimiter span");
            assert!(key.end <= delimiter.start);
        }
    }
    assert_eq!(cursor, text.len(), "{what}: lines cover the whole text");
    for section in &doc.sections {
        assert_eq!(section.name_range.slice(text), section.name, "{what}: section name span");
        for entry in &section.entries {
            assert_eq!(entry.key_range.slice(text), entry.key, "{what}: key span");
            if !entry.is_multiline() {
                assert_eq!(entry.value_range.slice(text), entry.value, "{what}: value span");
            }
        }
    }
}

#[test]
fn every_fixture_round_trips_byte_for_byte() {
    for path in all_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let decoded = decode(&bytes);
        assert_lossless(&decoded.text, &path.display().to_string());
        assert_eq!(encode(&Document::parse(&decoded.text).to_text(), decoded.encoding).unwrap(), bytes);
    }
}

#[test]
fn line_ending_bom_and_whitespace_variants_round_trip() {
    for path in all_fixtures() {
        let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
        let name = path.display().to_string();
        let crlf = text.replace('\n', "\r\n");
        assert_lossless(&crlf, &format!("{name} as CRLF"));
        let mixed: String = text
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, l)| {
                if i % 2 == 0 {
                    l.replace('\n', "\r\n")
                } else if i % 3 == 0 {
                    l.replace('\n', "\r")
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert_lossless(&mixed, &format!("{name} mixed endings"));
        assert_lossless(&format!("\u{feff}{text}"), &format!("{name} with BOM"));
        assert_lossless(text.trim_end_matches('\n'), &format!("{name} without final newline"));
        let trailing: String = text.split_inclusive('\n').map(|l| l.replace('\n', "  \t\n")).collect();
        assert_lossless(&trailing, &format!("{name} with trailing spaces"));
    }
}

#[test]
fn crlf_files_keep_their_line_endings_in_the_model() {
    let text = "[main]\r\ndebug=true\r\n";
    let doc = Document::parse(text);
    assert!(doc.lines.iter().all(|l| l.eol.slice(text) == "\r\n"));
    assert_eq!(doc.sections[0].value("debug"), Some("true"));
}

#[test]
fn windows_1252_bytes_survive_unchanged() {
    let bytes = b"; caf\xe9 \x80 \x81\r\n[main]\r\nlog_dir=log\r\n".to_vec();
    let decoded = decode(&bytes);
    assert_lossless(&decoded.text, "cp1252");
    assert_eq!(encode(&decoded.text, decoded.encoding).unwrap(), bytes);
}
