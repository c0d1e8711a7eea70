//! Duo API request signing. Version 2 is what the proxy's connectivity tool uses for
//! `/auth/v2/check`: HMAC-SHA1 over `Date\nMETHOD\nhost\n/path\nparams`, keyed by the skey.
//! Version 5, which Duo's current clients use, is HMAC-SHA512 over those lines plus the SHA-512
//! of the body and of the `x-duo-*` headers.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha512};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

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
    hex(&mac.finalize().into_bytes())
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lower-case hex SHA-512 of `bytes`.
#[must_use]
pub fn sha512_hex(bytes: &[u8]) -> String {
    hex(&Sha512::digest(bytes))
}

/// The hash of the `x-duo-*` headers for signature v5: names lower-cased and sorted, each
/// name then its value, joined with NUL. Other headers are not signed.
#[must_use]
pub fn canonical_x_duo_headers(headers: &[(&str, &str)]) -> String {
    let mut duo: Vec<(String, &str)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), *value))
        .filter(|(name, _)| name.starts_with("x-duo-"))
        .collect();
    duo.sort();
    let joined: Vec<&str> = duo.iter().flat_map(|(name, value)| [name.as_str(), *value]).collect();
    sha512_hex(joined.join("\0").as_bytes())
}

/// The exact text signed with signature v5. `params` are the query's (empty for a request whose
/// parameters travel as a JSON body); `body` is that body (empty for a GET).
#[must_use]
pub fn canonical_request_v5(
    date: &str,
    method: &str,
    host: &str,
    path: &str,
    params: &[(&str, &str)],
    body: &[u8],
    headers: &[(&str, &str)],
) -> String {
    format!(
        "{}\n{}\n{}",
        canonical_request(date, method, host, path, params),
        sha512_hex(body),
        canonical_x_duo_headers(headers)
    )
}

/// The `Authorization` header for signature v5.
#[must_use]
#[allow(clippy::too_many_arguments)]
pub fn authorization_v5(
    ikey: &str,
    skey: &str,
    date: &str,
    method: &str,
    host: &str,
    path: &str,
    params: &[(&str, &str)],
    body: &[u8],
    headers: &[(&str, &str)],
) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(skey.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(canonical_request_v5(date, method, host, path, params, body, headers).as_bytes());
    let digest = hex(&mac.finalize().into_bytes());
    format!("Basic {}", STANDARD.encode(format!("{ikey}:{digest}")))
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
    Signature { authorization: format!("Basic {}", STANDARD.encode(format!("{ikey}:{digest}"))), date }
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

    /// The parameters of the signing tests in Duo's Python client (duo_client_python,
    /// tests/test_client.py): four keys and values of CJK and other non-ASCII characters.
    const UNICODE_PARAMS: [(&str, &str); 4] = [
        (
            "\u{469a}\u{287b}\u{35d0}\u{8ef3}\u{6727}\u{502a}\u{0810}\u{d091}\u{c8}\u{c170}",
            "\u{0f45}\u{1a76}\u{341a}\u{654c}\u{c23f}\u{9b09}\u{abe2}\u{8343}\u{1b27}\u{60d0}",
        ),
        (
            "\u{7449}\u{7e4b}\u{ccfb}\u{59ff}\u{fe5f}\u{83b7}\u{adcc}\u{900c}\u{cfd1}\u{7813}",
            "\u{8db7}\u{5022}\u{92d3}\u{42ef}\u{207d}\u{8730}\u{acfe}\u{5617}\u{0946}\u{4e30}",
        ),
        (
            "\u{7470}\u{9314}\u{901c}\u{9eae}\u{40d8}\u{4201}\u{82d8}\u{8c70}\u{1d31}\u{a042}",
            "\u{17d9}\u{0ba8}\u{9358}\u{aadf}\u{a42a}\u{48be}\u{fb96}\u{6fe9}\u{b7ff}\u{32f3}",
        ),
        (
            "\u{c2c5}\u{2c1d}\u{2620}\u{3617}\u{96b3}F\u{8605}\u{20e8}\u{ac21}\u{5934}",
            "\u{fba9}\u{41aa}\u{bd83}\u{840b}\u{2615}\u{3e6e}\u{652d}\u{a8b5}\u{d56b}U",
        ),
    ];

    #[test]
    fn v2_matches_duo_client_pythons_vectors() {
        let date = "Fri, 07 Dec 2012 17:18:00 -0000";
        let text = canonical_request(date, "PoSt", "foO.BAr52.cOm", "/Foo/BaR2/qux", &UNICODE_PARAMS);
        // test_v2: the whole canonical request.
        assert_eq!(
            text,
            "Fri, 07 Dec 2012 17:18:00 -0000\nPOST\nfoo.bar52.com\n/Foo/BaR2/qux\n\
             %E4%9A%9A%E2%A1%BB%E3%97%90%E8%BB%B3%E6%9C%A7%E5%80%AA%E0%A0%90%ED%82%91%C3%88%EC%85%B0=\
             %E0%BD%85%E1%A9%B6%E3%90%9A%E6%95%8C%EC%88%BF%E9%AC%89%EA%AF%A2%E8%8D%83%E1%AC%A7%E6%83%90&\
             %E7%91%89%E7%B9%8B%EC%B3%BB%E5%A7%BF%EF%B9%9F%E8%8E%B7%EA%B7%8C%E9%80%8C%EC%BF%91%E7%A0%93=\
             %E8%B6%B7%E5%80%A2%E9%8B%93%E4%8B%AF%E2%81%BD%E8%9C%B0%EA%B3%BE%E5%98%97%E0%A5%86%E4%B8%B0&\
             %E7%91%B0%E9%8C%94%E9%80%9C%E9%BA%AE%E4%83%98%E4%88%81%E8%8B%98%E8%B1%B0%E1%B4%B1%EA%81%82=\
             %E1%9F%99%E0%AE%A8%E9%8D%98%EA%AB%9F%EA%90%AA%E4%A2%BE%EF%AE%96%E6%BF%A9%EB%9F%BF%E3%8B%B3&\
             %EC%8B%85%E2%B0%9D%E2%98%A0%E3%98%97%E9%9A%B3F%E8%98%85%E2%83%A8%EA%B0%A1%E5%A4%B4=\
             %EF%AE%A9%E4%86%AA%EB%B6%83%E8%90%8B%E2%98%95%E3%B9%AE%E6%94%AD%EA%A2%B5%ED%95%ABU"
        );
        // test_hmac_sha1: the complete signature and header.
        let skey = "gtdfxv9YgVBYcF6dl2Eq17KUQJN2PLM2ODVTkvoT";
        assert_eq!(hmac_sha1_hex(skey, &text), "f01811cbbf9561623ab45b893096267fd46a5178");
        assert_eq!(
            format!("Basic {}", STANDARD.encode(format!("test_ikey:{}", hmac_sha1_hex(skey, &text)))),
            "Basic dGVzdF9pa2V5OmYwMTgxMWNiYmY5NTYxNjIzYWI0NWI4OTMwOTYyNjdmZDQ2YTUxNzg="
        );
        // canon_params' own cases.
        assert_eq!(
            canonical_params(&[("realname", "First Last"), ("username", "root")]),
            "realname=First%20Last&username=root"
        );
        assert_eq!(canonical_params(&[("foo_bar", "2"), ("foo", "1")]), "foo=1&foo_bar=2");
        assert_eq!(
            canonical_params(&[("p", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")]),
            "p=%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D~"
        );
        assert_eq!(canonical_params(&[("w", "\t\n\x0b\x0c\r ")]), "w=%09%0A%0B%0C%0D%20");
    }

    #[test]
    fn v5_matches_duo_hmac_pythons_vectors() {
        // duo_hmac_python, test/test_hmac.py: the date also travels as the x-duo-date header.
        let (ikey, skey) = ("DIABCDEFGHIJKLMNOPQR", "testtesttesttesttesttesttesttesttesttest");
        let (host, path, date) = ("api-xxxxxxxx.duosecurity.com", "/api/path", "Fri, 24 May 2024 12:00:00 -0000");
        let signed = |method: &str, params: &[(&str, &str)], body: &str, extra: &[(&str, &str)]| {
            let mut headers = vec![("x-duo-date", date)];
            headers.extend_from_slice(extra);
            let header = authorization_v5(ikey, skey, date, method, host, path, params, body.as_bytes(), &headers);
            let decoded = STANDARD.decode(header.trim_start_matches("Basic ")).unwrap();
            String::from_utf8(decoded).unwrap().trim_start_matches("DIABCDEFGHIJKLMNOPQR:").to_string()
        };
        let params = [("foo", "bar"), ("one", "1"), ("bool", "true")];
        let extra = [("x-duo-foo", "bar"), ("x-duo-bar", "foo"), ("non-duo-bar", "duo")];
        let cases = [
            (signed("GET", &[], "", &[]), "c454639d75b4e3d99b8b1d5e41cd7bb2d2d8ba55f6811f786dfb0edd4facd2f3a5e6d6c837f31f6826706325b4ed7dcdc5f11164948e57a7032a524990e01583"),
            (signed("POST", &[], "{}", &[]), "12a05d783b2e58e36f37df8a6907835496fbe20fb3d04b15036c82b1694fc58d1c0451b937fb9ba6e7c2b44d89b473af708166183d216aea13e52742a57f239f"),
            (signed("GET", &[("foo", "bar")], "", &[]), "88fe80f3b242b992f4b301408d524a886274d3ed0c4c7bd184e1b4ff378e68ea05d9433c09938078c49517a6c4264c950be9ff5cc28ad2d448cea24bc93887ca"),
            (signed("POST", &[], r#"{"foo":"bar"}"#, &[]), "643770af31006c584a758d926250e46a90d79100d21f7a0313c3e77d64fa3c5d2c94e2c9081a2b65343cc3d5f2ed21f7300ea50b00640cb1760f323192307d37"),
            (signed("GET", &params, "", &extra), "d46556726800415dc78cefc3fb4e11dcf3ee1342904f276ed5c8e3427878bd5376ea6c5551b90bf707fab53f6f1d20a114898898705d28268824edd0be5f1d53"),
            (signed("POST", &[], r#"{"bool":"true","foo":"bar","one":"1"}"#, &extra), "def7b7359b0399543b61d3d1a4252c1908eb486039168aa7d1c93545f052e121062e4d0d3cae80f0f125dc497c43c53b62c9db58cacd21394a3b17ad972e3793"),
            (signed("POST", &[], r#"{"bool":"true","foo":"bar","one":"1"}"#, &[]), "68cab6a42be216a0e055772ed8d8870b383fc986ee4bd7b9234689e239be677c8edf61e33eaddd83e2b9414c98ff30bfca0bf2e1f44831074f5c474bf4af9fd7"),
        ];
        for (i, (got, want)) in cases.iter().enumerate() {
            assert_eq!(got, want, "case {i}");
        }
        // test_canonicalization.py: the header hash alone, names in any case.
        assert_eq!(
            canonical_x_duo_headers(&[("x-duo-A", "header_value_1"), ("X-Duo-B", "header_value_2")]),
            "60be11a30e0756f2ee2afdce1db849b987dcf86c1133394bd7bbbc9877920330c4d78aceacbb377ab8cbd9a8efe6a410fed4047376635ac71226ab46ca10d2b1"
        );
        assert_eq!(
            sha512_hex(b"{}"),
            "27c74670adb75075fad058d5ceaf7b20c4e7786c83bae8a32f626f9782af34c9a33c2046ef60fd2a7878d378e29fec851806bbd9a67878f3a9f1cda4830763fd"
        );
    }
}
