//! Duo API request signing, version 2 (what the proxy's connectivity tool uses for
//! `/auth/v2/check`): HMAC-SHA1 over `Date\nMETHOD\nhost\n/path\nparams`, keyed by the skey.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::schema::types::encode_base64;

/// The `Date` and `Authorization` headers of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// RFC 2822 date, also part of the signed text.
    pub date: String,
    /// `Basic base64(ikey:hexdigest)`.
    pub authorization: String,
}

/// Percent-encodes everything except `A-Z a-z 0-9 - . _ ~`, with upper-case hex.
#[must_use]
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Parameters sorted by key (then value), encoded and joined as `k=v&k=v`.
#[must_use]
pub fn canonical_params(params: &[(&str, &str)]) -> String {
    let mut encoded: Vec<(String, String)> =
        params.iter().map(|(k, v)| (percent_encode(k), percent_encode(v))).collect();
    encoded.sort();
    encoded.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// The exact text that is signed.
#[must_use]
pub fn canonical_request(date: &str, method: &str, host: &str, path: &str, params: &[(&str, &str)]) -> String {
    format!(
        "{date}\n{}\n{}\n{path}\n{}",
        method.to_ascii_uppercase(),
        host.to_ascii_lowercase(),
        canonical_params(params)
    )
}

/// Lower-case hex HMAC-SHA1 of `text` keyed by `skey`.
#[must_use]
pub fn hmac_sha1_hex(skey: &str, text: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(skey.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Signs a request made at `now`.
#[must_use]
pub fn sign(
    ikey: &str,
    skey: &str,
    method: &str,
    host: &str,
    path: &str,
    params: &[(&str, &str)],
    now: SystemTime,
) -> Signature {
    let date = rfc2822(now);
    let digest = hmac_sha1_hex(skey, &canonical_request(&date, method, host, path, params));
    Signature { authorization: format!("Basic {}", encode_base64(format!("{ikey}:{digest}").as_bytes())), date }
}

/// `Tue, 15 Nov 1994 12:45:26 -0000`, in UTC.
#[must_use]
pub fn rfc2822(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} -0000",
        WEEKDAYS[usize::try_from(days.rem_euclid(7)).unwrap_or(0)],
        MONTHS[usize::from(month - 1)],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u8::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u8::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_rfc2822_in_utc() {
        assert_eq!(rfc2822(UNIX_EPOCH + Duration::from_secs(784_903_526)), "Tue, 15 Nov 1994 12:45:26 -0000");
        assert_eq!(rfc2822(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 -0000");
        assert_eq!(rfc2822(UNIX_EPOCH + Duration::from_secs(951_782_400)), "Tue, 29 Feb 2000 00:00:00 -0000");
    }

    #[test]
    fn parameters_are_sorted_and_encoded_as_duo_does() {
        assert_eq!(
            canonical_params(&[("username", "root user"), ("realname", "First Last"), ("a", "~-._*")]),
            "a=~-._%2A&realname=First%20Last&username=root%20user"
        );
        assert_eq!(percent_encode("é/"), "%C3%A9%2F");
    }

    #[test]
    fn signature_matches_duo_clients_v2_example() {
        // duo_client's own test vector for sig v2 (Date "Tue, 21 Aug 2012 17:29:18 -0000").
        let text = canonical_request(
            "Tue, 21 Aug 2012 17:29:18 -0000",
            "PoSt",
            "foO.BaR52.cOm",
            "/Foo/BaR2/qux",
            &[
                ("\u{2665}\u{2665}\u{2665}\u{2665}", "\u{2665}"),
                ("bar", "\u{4e0d}\u{8981}"),
                ("baz", "\u{aab0}"),
                ("foo", "zork"),
            ],
        );
        assert!(text.starts_with("Tue, 21 Aug 2012 17:29:18 -0000\nPOST\nfoo.bar52.com\n/Foo/BaR2/qux\n"), "{text}");
        assert_eq!(
            hmac_sha1_hex("key", "The quick brown fox jumps over the lazy dog"),
            "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"
        );
        let sig = sign("DIXXXXXXXXXXXXXXXXXX", "s", "GET", "api-x.duosecurity.com", "/auth/v2/check", &[], UNIX_EPOCH);
        assert!(sig.authorization.starts_with("Basic RElYWFhYWFhYWFhYWFhYWFhYWFg6"), "{}", sig.authorization);
        assert_eq!(encode_base64(b"ab"), "YWI=");
        assert_eq!(encode_base64(b"abc"), "YWJj");
        assert_eq!(encode_base64(b"a"), "YQ==");
    }
}
