//! Can the proxy load the file at all? Encoding, BOM, syntax, `[main] debug`.

use super::{checker_bool, value_range};
use crate::config::{Document, Encoding, SyntaxErrorKind, TextEdit};
use crate::schema::Platform;
use crate::text::TextRange;
use crate::validate::{Diagnostic, Kind, Options};

pub fn check(doc: &Document, options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    check_encoding(doc, options, out);
    if doc.text().starts_with('\u{feff}') {
        out.push(
            Diagnostic::new(
                Kind::ByteOrderMark,
                TextRange::new(0, '\u{feff}'.len_utf8()),
                "The file starts with a UTF-8 byte order mark (BOM). The proxy reads it as text, so it \
                 does not recognise the first section header and refuses to load the file. Save the \
                 file without a BOM (\"UTF-8\", not \"UTF-8 with BOM\").",
            )
            .with_fix("Remove the byte order mark", vec![TextEdit::delete(TextRange::new(0, 3))]),
        );
    }
    for error in &doc.errors {
        out.push(Diagnostic::new(Kind::LoadError, error.range, syntax_message(&error.kind)));
    }
    check_main_debug(doc, out);
}

fn syntax_message(kind: &SyntaxErrorKind) -> String {
    match kind {
        SyntaxErrorKind::MissingSectionHeader { bom: true } => {
            "No section header recognised: line 1 starts with a byte order mark, so the proxy does not \
             see a [section] header before the first setting and refuses to load the file. Save the \
             file without a BOM."
                .to_string()
        }
        SyntaxErrorKind::MissingSectionHeader { bom: false } => {
            "This line comes before any [section] header; the proxy refuses to load a file whose \
             first setting belongs to no section. Add a header such as [main] above it, or move it \
             into a section."
                .to_string()
        }
        SyntaxErrorKind::NoDelimiter => {
            "This line has no '=' or ':', so the proxy cannot parse it and refuses to load the file. \
             Write it as key=value, make it a comment by starting it with ';' or '#', or, if it is a \
             section header, close it with ']'."
                .to_string()
        }
        SyntaxErrorKind::EmptyKey => {
            "This line starts with its delimiter and has no key, so the proxy cannot parse it. Write \
             it as key=value."
                .to_string()
        }
        SyntaxErrorKind::DuplicateSection { first_name, first_line, .. } => format!(
            "Duplicate section: [{first_name}] already appears on line {}, and the proxy compares \
             section names ignoring case, so it refuses to load the file. Merge the two sections, or \
             number this one (e.g. [{}2]).",
            first_line + 1,
            first_name.to_lowercase().trim_end_matches(|c: char| c.is_ascii_digit())
        ),
        SyntaxErrorKind::DuplicateKey { key, section, first_line } => {
            let numbered_hint = if key == "host" { " For a second server use host_2." } else { "" };
            format!(
                "Duplicate key: '{key}' already appears in [{section}] on line {} (keys are compared \
                 ignoring case), so the proxy refuses to load the file. Remove one of them.{numbered_hint}",
                first_line + 1
            )
        }
    }
}

fn check_encoding(doc: &Document, options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    let text = doc.text();
    match (options.platform(), options.encoding.unwrap_or(Encoding::Utf8)) {
        (Platform::Linux, Encoding::Windows1252) => {
            let at = text.char_indices().find(|(_, c)| !c.is_ascii()).map_or(0, |(i, _)| i);
            let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
            out.push(Diagnostic::new(
                Kind::LoadError,
                TextRange::new(at, end),
                "The file is not valid UTF-8 (it looks like a Windows ANSI file). The Linux proxy reads \
                 authproxy.cfg as UTF-8 and cannot load it. Save it as UTF-8, or keep it ASCII.",
            ));
        }
        (Platform::Windows, Encoding::Windows1252) => {
            for (i, c) in text.char_indices().filter(|(_, c)| matches!(u32::from(*c), 0x81 | 0x8D | 0x8F | 0x90 | 0x9D))
            {
                out.push(Diagnostic::new(
                    Kind::LoadError,
                    TextRange::new(i, i + c.len_utf8()),
                    format!(
                        "Byte 0x{:02X} has no meaning in Windows-1252, so the proxy cannot decode the file \
                         and refuses to load it. Remove it, or save the file as ASCII.",
                        u32::from(c)
                    ),
                ));
            }
        }
        (Platform::Windows, Encoding::Utf8) => {
            for line in &doc.lines {
                let content = line.content.slice(text);
                let is_bom = |i: usize, c: char| c == '\u{feff}' && line.content.start + i == 0;
                let mut non_ascii = content.char_indices().filter(|&(i, c)| !(c.is_ascii() || is_bom(i, c)));
                let Some((first, _)) = non_ascii.next() else { continue };
                let end = non_ascii.next_back().map_or(first, |(i, _)| i);
                let end_len = content[end..].chars().next().map_or(0, char::len_utf8);
                out.push(Diagnostic::new(
                    Kind::NonAsciiText,
                    TextRange::new(line.content.start + first, line.content.start + end + end_len),
                    "Non-ASCII text: the Windows proxy reads authproxy.cfg in the ANSI code page (e.g. \
                     Windows-1252), so these UTF-8 characters reach it as different characters. Use ASCII \
                     here; for a password, store it as a *_protected value, which keeps UTF-8 intact.",
                ));
            }
        }
        (Platform::Linux, Encoding::Utf8) => {}
    }
}

/// `[main] debug` is read as a boolean while loading; a bad value stops the load.
fn check_main_debug(doc: &Document, out: &mut Vec<Diagnostic>) {
    let Some(main) = doc.sections.iter().find(|s| s.name.eq_ignore_ascii_case("main")) else { return };
    let inherited = || doc.sections.iter().filter(|s| s.is_default()).find_map(|s| s.get("debug"));
    let Some(debug) = main.get("debug").or_else(inherited) else { return };
    if checker_bool(&debug.value).is_none() {
        out.push(
            Diagnostic::new(
                Kind::LoadError,
                value_range(debug),
                "[main] debug must be true or false: the proxy reads it while loading the file and stops \
                 on anything else. There are no inline comments, so text after ';' or '#' is part of the \
                 value.",
            )
            .in_section(&main.name)
            .with_keys(["debug"]),
        );
    }
}
