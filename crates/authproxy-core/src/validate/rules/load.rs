//! Can the proxy load the file at all? Encoding, BOM, syntax, `[main] debug`.

use super::{checker_bool, value_range};
use crate::config::{Document, Encoding, SyntaxErrorKind, TextEdit};
use crate::schema::Platform;
use crate::text::TextRange;
use crate::validate::cascade::is_broken_header;
use crate::validate::{Diagnostic, Kind, Options};

pub fn check(doc: &Document, options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    check_encoding(doc, options, out);
    for error in &doc.errors {
        let message = if error.kind == SyntaxErrorKind::NoDelimiter && is_broken_header(doc, error.range) {
            broken_header_message(doc, error.line)
        } else {
            syntax_message(&error.kind)
        };
        let mut finding = Diagnostic::new(Kind::LoadError, error.range, message);
        let bom_at = error.range.start;
        if error.kind == (SyntaxErrorKind::MissingSectionHeader { bom: true })
            && doc.text()[bom_at..].starts_with('\u{feff}')
        {
            let bom = TextRange::new(bom_at, bom_at + '\u{feff}'.len_utf8());
            finding = Diagnostic { range: bom, ..finding }
                .with_fix("Remove the byte order mark", vec![TextEdit::delete(bom)]);
        }
        out.push(finding);
    }
    check_main_debug(doc, out);
}

fn broken_header_message(doc: &Document, line: usize) -> String {
    let above = doc.sections.iter().rev().find(|s| s.line < line).map(|s| s.name.to_string());
    let read_as = match above {
        Some(name) => format!("the lines below it are read as part of [{name}]"),
        None => "the lines below it belong to no section".to_string(),
    };
    format!(
        "This section header has no closing ']', so the proxy cannot parse the line and refuses to load \
         the file; {read_as}, and they are not checked until the header is fixed. Close it with ']'."
    )
}

fn syntax_message(kind: &SyntaxErrorKind) -> String {
    match kind {
        SyntaxErrorKind::MissingSectionHeader { bom: true } => {
            "No section header recognised: this line starts with a UTF-8 byte order mark (BOM), which the \
             proxy reads as text, so it sees no [section] header before it and refuses to load the file. \
             Remove it: save the file without a BOM (\"UTF-8\", not \"UTF-8 with BOM\")."
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
    let first_non_ascii = || char_range(text, text.char_indices().find(|(_, c)| !c.is_ascii()).map_or(0, |(i, _)| i));
    match (options.platform(), options.encoding.unwrap_or(Encoding::Utf8)) {
        (Platform::Linux, Encoding::Ansi(_) | Encoding::Undecodable { .. }) => {
            out.push(Diagnostic::new(
                Kind::LoadError,
                first_non_ascii(),
                "The file is not valid UTF-8 (it looks like a Windows ANSI file). The Linux proxy reads \
                 authproxy.cfg as UTF-8 and cannot load it. Save it as UTF-8, or keep it ASCII.",
            ));
        }
        (Platform::Windows, Encoding::Undecodable { expected, offset, decodes: true }) => {
            out.push(Diagnostic::new(
                Kind::NonAsciiText,
                char_range(text, char_at_byte(text, offset)),
                format!(
                    "The proxy reads this file in {expected}, but a character here is written in one of its two \
                     byte forms, which this tool could not keep if it showed the text; the file is shown and saved \
                     byte for byte instead (as Windows-1252). Type only ASCII in it, or retype the character."
                ),
            ));
        }
        (Platform::Windows, Encoding::Undecodable { expected, offset, decodes: false }) => {
            out.push(Diagnostic::new(
                Kind::LoadError,
                char_range(text, char_at_byte(text, offset)),
                format!(
                    "These bytes are neither UTF-8 nor text in {expected}, the code page the Windows proxy reads \
                     the file in, so it cannot decode the file and refuses to load it. If this file comes from \
                     a server with another code page, set that one (the status bar, or --codepage); otherwise \
                     retype the text here, or keep it ASCII."
                ),
            ));
        }
        (Platform::Windows, Encoding::Ansi(page)) if page.is_single_byte() => {
            for (i, c) in text.char_indices().filter(|(_, c)| (0x80..0xA0).contains(&u32::from(*c))) {
                out.push(Diagnostic::new(
                    Kind::LoadError,
                    TextRange::new(i, i + c.len_utf8()),
                    format!(
                        "Byte 0x{:02X} has no meaning in {page}, so the proxy cannot decode the file and refuses \
                         to load it. Remove it, or save the file as ASCII.",
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
                    "Non-ASCII text: the Windows proxy reads authproxy.cfg in the machine's ANSI code page (e.g. \
                     Windows-1252), so these UTF-8 characters reach it as different characters. Use ASCII \
                     here; for a password, store it as a *_protected value, which keeps UTF-8 intact.",
                ));
            }
        }
        (Platform::Windows, Encoding::Ansi(_)) | (Platform::Linux, Encoding::Utf8) => {}
    }
}

/// The text offset of file byte `offset` in text decoded one character per byte (Windows-1252).
fn char_at_byte(text: &str, offset: usize) -> usize {
    text.char_indices().nth(offset).map_or(text.len(), |(i, _)| i)
}

/// The character at byte `at` of `text` (empty at its end).
fn char_range(text: &str, at: usize) -> TextRange {
    TextRange::new(at, at + text[at..].chars().next().map_or(0, char::len_utf8))
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
