//! Where the proxy writes its logs, and log text with secret values masked (the log explorer,
//! [`crate::logfile`], reads them).

use std::path::{Path, PathBuf};

use crate::config::Document;
use crate::secrets::shape::{looks_secret, MASK};

/// Where the proxy writes its logs: `[main] log_dir` (relative to the install folder)
/// or `<install>/log`.
#[must_use]
pub fn log_dir(doc: &Document, install_dir: &Path) -> PathBuf {
    let configured =
        doc.section("main").and_then(|main| main.value("log_dir")).map(str::trim).filter(|v| !v.is_empty());
    match configured {
        Some(dir) => install_dir.join(dir),
        None => install_dir.join("log"),
    }
}

/// `line` with the value after any secret-looking key (`skey=…`, `password: …`, `'skey': '…'`)
/// replaced by [`MASK`], whatever the value's length. Key names are judged by
/// [`looks_secret`], so misspelt keys are masked too.
#[must_use]
pub fn mask_secrets(line: &str) -> String {
    let bytes = line.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    // Every index where the text is cut is next to an ASCII byte, so always a character boundary.
    while i < bytes.len() {
        if !is_word(bytes[i]) || (i > 0 && is_word(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let word_end = (i..bytes.len()).find(|&k| !is_word(bytes[k])).unwrap_or(bytes.len());
        // The value's end is looked for last: scanning every value to its end would make a line
        // of `a=a=a=…` quadratic.
        let Some(value_start) = value_start(bytes, word_end).filter(|_| looks_secret(&line[i..word_end])) else {
            i = word_end;
            continue;
        };
        let value = value_start.start..value_end(bytes, value_start.start, value_start.quote);
        if value.is_empty() || line[value.clone()].starts_with(MASK) {
            i = word_end;
            continue;
        }
        out.push_str(&line[copied..value.start]);
        out.push_str(MASK);
        copied = value.end;
        i = value.end.max(word_end);
    }
    out.push_str(&line[copied..]);
    out
}

/// Where a value starts, and the quote it is in, if any.
struct ValueStart {
    start: usize,
    quote: Option<u8>,
}

/// The value that follows a key ending at `at`: after an optional closing quote, spaces, `=` or
/// `:`, spaces and an optional opening quote.
fn value_start(bytes: &[u8], at: usize) -> Option<ValueStart> {
    let mut j = at;
    if matches!(bytes.get(j), Some(b'\'' | b'"')) {
        j += 1;
    }
    while matches!(bytes.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    if !matches!(bytes.get(j), Some(b'=' | b':')) {
        return None;
    }
    j += 1;
    while matches!(bytes.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    let quote = bytes.get(j).copied().filter(|b| matches!(b, b'\'' | b'"'));
    if quote.is_some() {
        j += 1;
    }
    Some(ValueStart { start: j, quote })
}

/// Where a value starting at `start` ends: at its closing quote, else at a space or comma.
fn value_end(bytes: &[u8], start: usize, quote: Option<u8>) -> usize {
    (start..bytes.len())
        .find(|&k| match quote {
            Some(q) => bytes[k] == q,
            None => bytes[k].is_ascii_whitespace() || bytes[k] == b',',
        })
        .unwrap_or(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_dir_comes_from_main_or_the_install_folder() {
        let install = Path::new("/opt/duoauthproxy");
        assert_eq!(log_dir(&Document::parse("[ad_client]\nhost=x\n"), install), install.join("log"));
        assert_eq!(log_dir(&Document::parse("[main]\nlog_dir=/var/log/duo\n"), install), PathBuf::from("/var/log/duo"));
        assert_eq!(log_dir(&Document::parse("[main]\nlog_dir=logs\n"), install), install.join("logs"));
    }

    #[test]
    fn secret_values_are_masked() {
        assert_eq!(mask_secrets("skey=abcdef123 ikey=DI"), "skey=******** ikey=DI");
        assert_eq!(mask_secrets("radius_secret_1: hunter2, next"), "radius_secret_1: ********, next");
        assert_eq!(mask_secrets("service_account_password = p@ss"), "service_account_password = ********");
        assert_eq!(mask_secrets("skey_protected=AQAAAN"), "skey_protected=AQAAAN");
        assert_eq!(mask_secrets("no secrets here"), "no secrets here");
        assert_eq!(mask_secrets("skey\t=\tabc"), "skey\t=\t********");
    }
}
