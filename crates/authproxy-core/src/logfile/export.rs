//! For support: a zip of the logs and the config with every secret masked by shape (values of
//! secret-looking keys, in entries and in comments), optionally with user names and IP addresses
//! replaced by consistent pseudonyms; and requests as JSON lines for a SIEM.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use rustc_hash::FxHashMap;
use serde_json::json;

use super::index::LogIndex;
use super::request::Request;
use crate::config::Document;
use crate::secrets::{looks_secret, MASK};
use crate::service::logs::mask_secrets;

/// What else to hide besides secrets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Replace each user name by `user-N` (the same N everywhere); raw packet dumps, which carry
    /// the name in their bytes, are dropped.
    pub users: bool,
    /// Replace each IP address by a documentation address (the same one everywhere).
    pub addresses: bool,
}

/// Hides secrets, and user names and addresses as asked, consistently over a whole bundle.
pub struct Redactor {
    options: Redaction,
    users: Option<(AhoCorasick, Vec<String>)>,
    user_names: FxHashMap<String, String>,
    address_pattern: Regex,
    addresses: FxHashMap<IpAddr, String>,
    drop_next_dump: bool,
}

impl Redactor {
    /// A redactor for the users `index` knows of.
    #[must_use]
    pub fn new(index: &LogIndex, options: Redaction) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let from_events: Vec<String> = index
            .files
            .iter()
            .flat_map(|f| match &f.entries {
                super::files::Entries::Json(events) => {
                    events.iter().filter_map(|e| e.fields(&f.bytes).map(|f| f.username.to_string())).collect::<Vec<_>>()
                }
                super::files::Entries::Text(_) => Vec::new(),
            })
            .collect();
        let known =
            index.requests.iter().filter_map(|r| r.user.as_deref()).chain(from_events.iter().map(String::as_str));
        for user in known {
            let user = user.trim();
            if user.is_empty() || user == "None" {
                continue;
            }
            // As written, in the Duo API call's form, in a Python repr or JSON string
            // (`EXAMPLE\\alice`), and with JSON's `\u00fc` escapes.
            for form in [user.to_owned(), url_encode(user), user.replace('\\', "\\\\"), json_escaped(user)] {
                if seen.insert(form.clone()) {
                    names.push(form);
                }
            }
        }
        let users = (options.users && !names.is_empty())
            .then(|| {
                AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&names).ok().map(|m| (m, names))
            })
            .flatten();
        Self {
            options,
            users,
            user_names: FxHashMap::default(),
            address_pattern: Regex::new(r"[0-9A-Fa-f:.]*[0-9A-Fa-f][0-9A-Fa-f:.]*")
                .unwrap_or_else(|_| unreachable!("a fixed pattern")),
            addresses: FxHashMap::default(),
            drop_next_dump: false,
        }
    }

    /// One line (or a multi-line entry) of a log, redacted.
    pub fn line(&mut self, line: &str) -> String {
        let mut text = mask_secrets(line);
        if self.options.users {
            let message = message_of(&text);
            let dump = self.drop_next_dump && (message.starts_with("b'") || message.starts_with("b\""));
            // LDAP traces carry the directory's names, mails and DNs.
            let trace = message.starts_with("C->S ") || message.starts_with("C<-S ");
            if dump || trace {
                let head = text.len() - message.len();
                let what = if dump { "[packet dump removed]" } else { "[LDAP trace removed]" };
                text = format!("{}{what}", &text[..head]);
            }
            self.drop_next_dump = message_of(&text).starts_with("Packet dump - ");
            text = self.replace_users(&text);
        }
        if self.options.addresses {
            text = self.replace_addresses(&text);
        }
        text
    }

    fn replace_users(&mut self, text: &str) -> String {
        let Some((matcher, names)) = &self.users else { return text.to_owned() };
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for found in matcher.find_iter(text) {
            let before = text[..found.start()].chars().next_back();
            let after = text[found.end()..].chars().next();
            let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
            let boundary = |c: Option<char>| c.is_none_or(|c| !word(c) && c != '.');
            // A full stop ends a sentence unless a word goes on after it (`alice.smith`).
            let mut rest = text[found.end()..].chars();
            let after_ok = boundary(after) || (after == Some('.') && rest.nth(1).is_none_or(|c| !word(c)));
            if !(boundary(before) && after_ok) {
                continue;
            }
            let name = &names[found.pattern().as_usize()];
            let count = self.user_names.len() + 1;
            let pseudonym = self.user_names.entry(canonical_user(name)).or_insert_with(|| format!("user-{count}"));
            out.push_str(&text[copied..found.start()]);
            out.push_str(pseudonym);
            copied = found.end();
        }
        out.push_str(&text[copied..]);
        out
    }

    fn replace_addresses(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for found in self.address_pattern.find_iter(text) {
            // A word made of address characters: an address only if it parses as one.
            let mut word = found.as_str().trim_end_matches(['.', ':']);
            // `10.0.0.5:51234`: the address before its port.
            if word.matches(':').count() == 1 && word.contains('.') {
                word = word.split(':').next().unwrap_or(word);
            }
            let Ok(address) = word.parse::<IpAddr>() else { continue };
            if matches!(address, IpAddr::V4(_)) && word.matches('.').count() != 3 {
                continue;
            }
            let count = self.addresses.len() as u32 + 1;
            let pseudonym = self.addresses.entry(address).or_insert_with(|| match address {
                // 198.18.0.0/15 (benchmarking), then 240.0.0.0/4 (reserved), and 2001:db8::/32
                // (documentation): never real hosts.
                IpAddr::V4(_) if count < 0x2_0000 => std::net::Ipv4Addr::from(0xC612_0000 + count).to_string(),
                IpAddr::V4(_) => std::net::Ipv4Addr::from(0xF000_0000 | (count & 0x0FFF_FFFF)).to_string(),
                IpAddr::V6(_) => format!("2001:db8::{count:x}"),
            });
            out.push_str(&text[copied..found.start()]);
            out.push_str(pseudonym);
            copied = found.start() + word.len();
        }
        out.push_str(&text[copied..]);
        out
    }

    /// How many distinct users and addresses were replaced.
    #[must_use]
    pub fn replaced(&self) -> (usize, usize) {
        (self.user_names.len(), self.addresses.len())
    }
}

/// A user name and its escaped forms (URL, Python repr, JSON) are one person.
fn canonical_user(name: &str) -> String {
    let raw = name.as_bytes();
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (raw[i], raw.get(i + 1).copied()) {
            (b'%', Some(h)) if hex(h).is_some() && raw.get(i + 2).copied().and_then(hex).is_some() => {
                let (high, low) = (hex(h).unwrap_or(0), raw.get(i + 2).copied().and_then(hex).unwrap_or(0));
                // Two hex digits make one byte.
                bytes.push((high * 16 + low) as u8);
                i += 3;
            }
            (b'\\', Some(b'\\')) => {
                bytes.push(b'\\');
                i += 2;
            }
            (b'\\', Some(b'u')) if raw.len() >= i + 6 => {
                let unit = std::str::from_utf8(&raw[i + 2..i + 6]).ok().and_then(|h| u32::from_str_radix(h, 16).ok());
                match unit.and_then(char::from_u32) {
                    Some(c) => {
                        bytes.extend_from_slice(c.to_string().as_bytes());
                        i += 6;
                    }
                    None => {
                        bytes.push(raw[i]);
                        i += 1;
                    }
                }
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).to_lowercase()
}

/// `text` as a JSON string's body with non-ASCII escaped (`m\u00fcller`), as Python writes JSON.
fn json_escaped(text: &str) -> String {
    let mut out = String::new();
    for unit in text.encode_utf16() {
        match unit {
            0x5c => out.push_str("\\\\"),
            0x22 => out.push_str("\\\""),
            0x20..=0x7e => out.push(char::from(unit as u8)),
            _ => out.push_str(&format!("\\u{unit:04x}")),
        }
    }
    out
}

fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else if byte == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The message part of a text log line (after `] `), else the line.
fn message_of(line: &str) -> &str {
    match (line.find(" ["), line.find("] ")) {
        (Some(open), Some(close)) if open < close && line.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            &line[close + 2..]
        }
        _ => line,
    }
}

/// `doc`'s text with the value of every secret-looking key masked, in entries (continuation
/// lines included) and in commented-out lines.
#[must_use]
pub fn masked_config(doc: &Document) -> String {
    let mut text = doc.to_text();
    let mut values: Vec<crate::text::TextRange> = doc
        .sections
        .iter()
        .flat_map(|s| s.entries.iter())
        .chain(doc.orphans.iter())
        .filter(|e| looks_secret(&e.name) && !e.value_range.is_empty())
        .map(|e| e.value_range)
        .collect();
    values.sort_by_key(|r| std::cmp::Reverse(r.start));
    for range in values {
        text.replace_range(range.start..range.end, MASK);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        out.push_str(&mask_secrets(body));
        out.push_str(&line[body.len()..]);
    }
    out
}

/// What a bundle holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReport {
    /// Where it was written.
    pub path: PathBuf,
    /// The files in it.
    pub files: Vec<String>,
    /// How many user names and addresses were replaced.
    pub pseudonyms: (usize, usize),
}

/// Writes a support bundle to `out` (a zip): every log of `index` redacted, `config` masked,
/// the requests as JSON lines, and a note of what was hidden. The zip is written beside `out`
/// and moved in place, so a half-written bundle is never left.
///
/// # Errors
/// Writing fails.
pub fn write_bundle(
    index: &LogIndex,
    config: Option<&Document>,
    options: Redaction,
    out: &Path,
) -> std::io::Result<BundleReport> {
    let mut redactor = Redactor::new(index, options);
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = tempfile::NamedTempFile::new_in(dir)?;
    let mut zip = zip::ZipWriter::new(temp.reopen()?);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files = Vec::new();
    let to_io = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    for file in &index.files {
        let name = format!("log/{}", file.display_name());
        zip.start_file(name.as_str(), deflated).map_err(to_io)?;
        let text = super::text_of(&file.bytes);
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\r', '\n']);
            zip.write_all(redactor.line(body).as_bytes())?;
            zip.write_all(&line.as_bytes()[body.len()..])?;
        }
        files.push(name);
    }
    if let Some(doc) = config {
        zip.start_file("authproxy.cfg", deflated).map_err(to_io)?;
        let masked = masked_config(doc);
        let masked = if options.users || options.addresses {
            masked.split_inclusive('\n').map(|l| redactor.line(l)).collect::<String>()
        } else {
            masked
        };
        zip.write_all(masked.as_bytes())?;
        files.push("authproxy.cfg".to_owned());
    }
    zip.start_file("requests.jsonl", deflated).map_err(to_io)?;
    let all: Vec<u32> = (0..index.requests.len() as u32).collect();
    zip.write_all(json_lines(index, &all, Some(&mut redactor)).as_bytes())?;
    files.push("requests.jsonl".to_owned());
    zip.start_file("README.txt", deflated).map_err(to_io)?;
    let (users, addresses) = redactor.replaced();
    let note = format!(
        "Support bundle written by authproxy-manager {}.\n\
         Secrets: every value of a secret-looking key is replaced by {MASK}, in the config (comments included) and in the logs.\n\
         User names: {}.\nIP addresses: {}.\n",
        env!("CARGO_PKG_VERSION"),
        if options.users { format!("replaced by user-N ({users} names); raw packet dumps removed") } else { "kept".to_owned() },
        if options.addresses { format!("replaced by 198.18.x.x / 2001:db8:: addresses ({addresses} addresses)") } else { "kept".to_owned() },
    );
    zip.write_all(note.as_bytes())?;
    files.push("README.txt".to_owned());
    zip.finish().map_err(to_io)?;
    temp.persist(out).map_err(|e| e.error)?;
    Ok(BundleReport { path: out.to_path_buf(), files, pseudonyms: redactor.replaced() })
}

/// The requests at `positions` as JSON lines (one object per request); each text field goes
/// through `redactor` when one is given.
pub fn json_lines(index: &LogIndex, positions: &[u32], mut redactor: Option<&mut Redactor>) -> String {
    let mut out = String::new();
    for &position in positions {
        let request = &index.requests[position as usize];
        let mut value = request_json(index, request);
        if let Some(redactor) = redactor.as_deref_mut() {
            redact_strings(&mut value, redactor);
        }
        out.push_str(&value.to_string());
        out.push('\n');
    }
    out
}

fn redact_strings(value: &mut serde_json::Value, redactor: &mut Redactor) {
    match value {
        serde_json::Value::String(text) => *text = redactor.line(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact_strings(v, redactor)),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(|v| redact_strings(v, redactor)),
        _ => {}
    }
}

/// One request as a JSON object.
#[must_use]
pub fn request_json(index: &LogIndex, request: &Request) -> serde_json::Value {
    let time = |micros: i64| super::time::Timestamp { utc_micros: micros, offset_minutes: 0 }.to_string();
    let findings: Vec<&str> = index.findings_of(request).map(|(_, s)| s.id).collect();
    json!({
        "time": request.start.map(|t| t.to_string()),
        "kind": format!("{:?}", request.kind).to_lowercase(),
        "user": request.user.as_deref(),
        "client_ip": request.client.map(|c| c.to_string()),
        "client_port": request.port,
        "radius_id": request.radius_id,
        "section": request.section.as_deref(),
        "outcome": request.outcome.name(),
        "reason": request.reason.as_deref(),
        "preauth": request.preauth.as_deref(),
        "duplicates": request.duplicates,
        "duration_ms": request.duration_micros().map(|d| d / 1000),
        "phases": request.phases.iter().map(|p| json!({"phase": p.kind.label(), "time": time(p.utc_micros)})).collect::<Vec<_>>(),
        "known_failures": findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_entries_and_comments_are_masked_and_nothing_else_changes() {
        let doc = Document::parse(
            "[ad_client]\nhost=dc1\nservice_account_password=Hunter2!\n; skey = oldsecret123\nsecret_key_x: \"a b\"\n",
        );
        let masked = masked_config(&doc);
        assert!(!masked.contains("Hunter2") && !masked.contains("oldsecret123") && !masked.contains("a b"), "{masked}");
        assert!(masked.starts_with("[ad_client]\nhost=dc1\nservice_account_password=********\n"));
        assert_eq!(masked.lines().count(), 5);
    }

    #[test]
    fn escaped_forms_of_a_name_and_addresses_with_ports_are_replaced() {
        let mut redactor = Redactor {
            options: Redaction { users: true, addresses: true },
            users: None,
            user_names: FxHashMap::default(),
            address_pattern: Regex::new(r"[0-9A-Fa-f:.]*[0-9A-Fa-f][0-9A-Fa-f:.]*").unwrap(),
            addresses: FxHashMap::default(),
            drop_next_dump: false,
        };
        let names: Vec<String> =
            ["EXAMPLE\\alice", "EXAMPLE\\\\alice", "müller", "m\\u00fcller"].map(String::from).to_vec();
        redactor.users = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&names)
            .ok()
            .map(|m| (m, names));
        let line = redactor.line(
            "dropping packet from 10.0.0.5:51234 - Unknown Client: 10.0.0.5; dn='EXAMPLE\\\\alice' {\"username\": \"m\\u00fcller\"} example\\ALICE. https://10.0.0.6:443/ C->S LDAPMessage(x)",
        );
        for gone in ["10.0.0.5", "10.0.0.6", "alice", "ALICE", "00fc"] {
            assert!(!line.contains(gone), "{gone} in {line}");
        }
        assert!(line.contains("198.18.0.1:51234 - Unknown Client: 198.18.0.1"), "{line}");
        assert_eq!(redactor.replaced().0, 2, "each escaped form is the same person: {line}");
        assert_eq!(json_escaped("m\u{fc}ller \\"), "m\\u00fcller \\\\");
    }

    #[test]
    fn urls_are_encoded_as_the_proxy_writes_them() {
        assert_eq!(url_encode("müller x"), "m%C3%BCller+x");
        assert_eq!(canonical_user("M%C3%BCller"), "müller");
    }
}
