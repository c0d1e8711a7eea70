//! Value types and the checks the proxy's 5.0.0 checker applies to them (fact sheet §4).
//! One file per family of checker: numbers, LDAP names and filters, network addresses, TLS
//! cipher strings, text encodings, and files.

mod ciphers;
mod codecs;
mod files;
mod ldap;
mod network;
mod numbers;

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

pub use self::ciphers::cipher_list_selects_any;
pub use self::codecs::is_python_codec;
use self::codecs::is_windows_only_codec;
use self::files::check_path;
use self::ldap::{is_valid_dn, is_valid_ldap_filter};
use self::network::parse_single_ip;
pub use self::network::{parse_ip_range, ranges_overlap};
use self::numbers::is_port;
pub use self::numbers::{is_python_int, parse_python_int, python_int_is_negative};
use super::Platform;
use crate::config::paths::PathKind;

/// One allowed value of an enumerated key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumValue {
    /// The value as written (compared case-insensitively by the proxy).
    pub name: &'static str,
    /// Short help for completion.
    pub help: &'static str,
    /// Only accepted with Windows semantics (e.g. `auth_type=sspi`).
    pub windows_only: bool,
}

/// The type of a key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `true`/`false` (any case) or any integer.
    Bool,
    /// Any integer, sign allowed.
    Int,
    /// Integer ≥ 0 (Duo calls it "positive").
    NonNegInt,
    /// Integer in 1..=65535.
    Port,
    /// Any non-empty text.
    String,
    /// Integration key: `DI` + 18 upper-case letters or digits.
    Ikey,
    /// Secret key: 40 letters or digits.
    Skey,
    /// SSO registration key: `RI` + 18 upper-case letters or digits.
    Rikey,
    /// LDAP distinguished name (lenient; needs at least one `=`).
    Dn,
    /// Fully parenthesised LDAP search filter.
    LdapFilter,
    /// One IPv4 (strict dotted quad) or IPv6 address.
    SingleIp,
    /// Single IP, CIDR (`a.b.c.d/len` or `a.b.c.d/mask`) or ascending range `ip1-ip2`.
    IpRange,
    /// Comma-separated [`ValueType::IpRange`] items; blanks ignored; may be empty.
    IpList,
    /// Comma list of `auto`, `push`, `phone`, `passcode`.
    FactorList,
    /// One of a fixed set, compared case-insensitively.
    Enum(&'static [EnumValue]),
    /// `ssl3`, `tls1.0`, `tls1.1` or `tls1.2` (case-sensitive).
    TlsVersion,
    /// OpenSSL cipher string that selects at least one cipher.
    CipherList,
    /// A Python codec name such as `utf-8` or `cp1252`.
    Codec,
    /// A file the proxy can open: as given, or under `<install>/conf`.
    ReadableFile,
    /// A directory, relative to the install directory unless absolute.
    Directory,
    /// Base64 of a DPAPI blob (`*_protected` keys).
    Protected,
}

/// What the checker needs to know beyond the value itself.
#[derive(Debug, Clone, Copy)]
pub struct ValueContext<'a> {
    /// Whose semantics apply (enum values like `sspi`, path syntax).
    pub platform: Platform,
    /// The proxy's install directory, when known; file checks need it.
    pub install_dir: Option<&'a Path>,
}

/// Why a value was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    /// The value is wrong; the text says what a valid value looks like.
    #[error("{0}")]
    Invalid(String),
    /// The value could not be checked here (e.g. a path with no known install directory).
    #[error("{0}")]
    Unverifiable(String),
}

/// Checks `value` (already stripped, as the proxy's parser leaves it) against `ty`.
///
/// # Errors
/// [`TypeError::Invalid`] when the proxy's checker would reject the value,
/// [`TypeError::Unverifiable`] when this host cannot decide (missing install directory).
pub fn check_value(ty: ValueType, value: &str, ctx: &ValueContext<'_>) -> Result<(), TypeError> {
    match ty {
        ValueType::Bool => ok_if(
            value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") || is_python_int(value),
            "expected true, false or a whole number",
        ),
        ValueType::Int => ok_if(is_python_int(value), "expected a whole number"),
        ValueType::NonNegInt => {
            ok_if(python_int_is_negative(value) == Some(false), "expected a whole number that is 0 or more")
        }
        ValueType::Port => ok_if(is_port(value), "expected a port number from 1 to 65535"),
        ValueType::String => ok_if(!value.is_empty(), "expected a non-empty value"),
        ValueType::Ikey => ok_if(
            is_duo_key(value, b"DI"),
            "expected an integration key: DI followed by 18 upper-case letters or digits (20 characters)",
        ),
        ValueType::Skey => ok_if(
            value.len() == 40 && value.bytes().all(|b| b.is_ascii_alphanumeric()),
            "expected a secret key of exactly 40 letters or digits",
        ),
        ValueType::Rikey => ok_if(
            is_duo_key(value, b"RI"),
            "expected a registration key: RI followed by 18 upper-case letters or digits (20 characters)",
        ),
        ValueType::Dn => ok_if(
            is_valid_dn(value),
            "expected an LDAP distinguished name such as CN=Users,DC=example,DC=com \
             (every part needs an attribute=value pair)",
        ),
        ValueType::LdapFilter => ok_if(
            is_valid_ldap_filter(value),
            "expected a fully parenthesised LDAP filter such as (objectClass=user) or \
             (&(objectClass=user)(memberOf=CN=VPN,DC=example,DC=com))",
        ),
        ValueType::SingleIp => ok_if(
            parse_single_ip(value).is_some(),
            "expected a single IPv4 address (dotted quad such as 192.0.2.10, no leading zeros) \
             or IPv6 address, without a prefix length or host name",
        ),
        ValueType::IpRange => ok_if(parse_ip_range(value).is_some(), IP_RANGE_HELP),
        ValueType::IpList => ok_if(
            value.split(',').map(str::trim).filter(|item| !item.is_empty()).all(|item| parse_ip_range(item).is_some()),
            "expected a comma-separated list of IP addresses, CIDR blocks \
             (10.0.0.0/8 or 10.0.0.0/255.0.0.0) or ascending ranges (10.0.0.1-10.0.0.9)",
        ),
        ValueType::FactorList => check_factor_list(value),
        ValueType::Enum(values) => check_enum(values, value, ctx.platform),
        ValueType::TlsVersion => ok_if(
            matches!(value, "ssl3" | "tls1.0" | "tls1.1" | "tls1.2"),
            "expected one of ssl3, tls1.0, tls1.1, tls1.2 (lower case)",
        ),
        ValueType::CipherList => ok_if(
            cipher_list_selects_any(value),
            "expected an OpenSSL cipher string that selects at least one cipher, \
             such as HIGH:!aNULL:!MD5 or DEFAULT",
        ),
        ValueType::Codec => {
            if ctx.platform == Platform::Linux && is_windows_only_codec(value) {
                return Err(TypeError::Invalid(
                    "this encoding is only available on Windows; expected a Python text \
                     encoding name such as utf-8, latin-1, cp1252 or utf-16"
                        .to_owned(),
                ));
            }
            ok_if(
                is_python_codec(value),
                "expected a Python text encoding name such as utf-8, latin-1, cp1252 or utf-16",
            )
        }
        ValueType::ReadableFile => check_path(value, ctx, PathKind::File),
        ValueType::Directory => check_path(value, ctx, PathKind::Directory),
        ValueType::Protected => ok_if(
            !value.is_empty() && STANDARD.decode(value).is_ok(),
            "expected a protected secret: standard base64 text (letters, digits, + and /, \
             padded with = to a multiple of 4 characters)",
        ),
    }
}

const IP_RANGE_HELP: &str = "expected an IP address, a CIDR block (10.0.0.0/8 or \
                             10.0.0.0/255.0.0.0) or an ascending range (10.0.0.1-10.0.0.9)";

fn ok_if(ok: bool, help: &str) -> Result<(), TypeError> {
    if ok {
        Ok(())
    } else {
        Err(TypeError::Invalid(help.to_owned()))
    }
}

fn is_duo_key(s: &str, prefix: &[u8]) -> bool {
    let b = s.as_bytes();
    b.len() == 20 && b.starts_with(prefix) && b[2..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

const FACTORS: [&str; 4] = ["auto", "push", "phone", "passcode"];

fn check_factor_list(value: &str) -> Result<(), TypeError> {
    const HELP: &str = "expected a comma-separated list of auto, push, phone, passcode";
    let items: Vec<&str> = value.split(',').collect();
    for (i, item) in items.iter().enumerate() {
        if !FACTORS.contains(&item.trim()) {
            return Err(TypeError::Invalid(HELP.to_owned()));
        }
        if items[..i].contains(item) {
            return Err(TypeError::Invalid(format!("a factor is listed twice; {HELP}, each at most once")));
        }
    }
    Ok(())
}

fn check_enum(values: &[EnumValue], value: &str, platform: Platform) -> Result<(), TypeError> {
    // Enum names are lower-case ASCII; a non-ASCII value may still lower-case to one (Kelvin sign → k).
    let lower: std::borrow::Cow<'_, str> = if value.is_ascii() { value.into() } else { value.to_lowercase().into() };
    let found = values.iter().find(|v| v.name.eq_ignore_ascii_case(&lower));
    let allowed = || {
        values.iter().filter(|v| !(v.windows_only && platform == Platform::Linux)).map(|v| v.name).collect::<Vec<_>>()
    };
    match found {
        Some(v) if v.windows_only && platform == Platform::Linux => Err(TypeError::Invalid(format!(
            "{} is only available on Windows; expected one of: {}",
            v.name,
            allowed().join(", ")
        ))),
        Some(_) => Ok(()),
        None => Err(TypeError::Invalid(format!("expected one of: {}", allowed().join(", ")))),
    }
}

#[cfg(test)]
pub(super) mod test_support {
    use super::*;
    use std::path::PathBuf;

    /// A fresh install folder with `top.pem`, `conf/ca.pem` and `log/`.
    pub(super) fn scratch_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "authproxy-types-{tag}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
        ));
        std::fs::create_dir_all(dir.join("conf")).unwrap();
        std::fs::create_dir_all(dir.join("log")).unwrap();
        std::fs::write(dir.join("top.pem"), "x").unwrap();
        std::fs::write(dir.join("conf").join("ca.pem"), "x").unwrap();
        dir
    }

    pub(super) const LINUX: ValueContext<'static> = ValueContext { platform: Platform::Linux, install_dir: None };
    pub(super) const WINDOWS: ValueContext<'static> = ValueContext { platform: Platform::Windows, install_dir: None };

    pub(super) fn valid(ty: ValueType, v: &str) -> bool {
        check_value(ty, v, &LINUX).is_ok()
    }

    pub(super) fn table(ty: ValueType, good: &[&str], bad: &[&str]) {
        for v in good {
            assert!(valid(ty, v), "{ty:?} should accept {v:?}: {:?}", check_value(ty, v, &LINUX));
        }
        for v in bad {
            let err = check_value(ty, v, &LINUX);
            assert!(matches!(err, Err(TypeError::Invalid(_))), "{ty:?} should reject {v:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    const MODES: &[EnumValue] = &[
        EnumValue { name: "plain", help: "", windows_only: false },
        EnumValue { name: "NTLM2", help: "", windows_only: false },
        EnumValue { name: "sspi", help: "", windows_only: true },
    ];

    #[test]
    fn strings_and_keys() {
        table(ValueType::String, &["x", "a b"], &[""]);
        table(
            ValueType::Ikey,
            &["DIABCDEFGHIJ0123456789"[..20].as_ref(), "DI0123456789ABCDEFGH"],
            &["DIabcdefghij01234567", "DI0123456789ABCDEFG", "DI0123456789ABCDEFGHI", "RI0123456789ABCDEFGH", ""],
        );
        table(
            ValueType::Skey,
            &[&"a".repeat(40), &"Zz9".repeat(13).chars().chain("x".chars()).collect::<String>()],
            &[&"a".repeat(39), &"a".repeat(41), &format!("{}-", "a".repeat(39)), &"é".repeat(20)],
        );
        table(ValueType::Rikey, &["RI0123456789ABCDEFGH"], &["DI0123456789ABCDEFGH", "ri0123456789ABCDEFGH"]);
    }

    #[test]
    fn factor_lists() {
        table(
            ValueType::FactorList,
            &["auto", "push,phone", "push, push", "auto , passcode", "passcode,phone,push,auto"],
            &["", "push,", "push,,phone", "Push", "sms", "push,push", "auto,phone,auto"],
        );
        match check_value(ValueType::FactorList, "push,push", &LINUX) {
            Err(TypeError::Invalid(m)) => assert!(m.contains("twice")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn enums() {
        table(ValueType::Enum(MODES), &["plain", "PLAIN", "ntlm2"], &["", "kerberos", "plain "]);
        assert!(check_value(ValueType::Enum(MODES), "SSPI", &WINDOWS).is_ok());
        match check_value(ValueType::Enum(MODES), "sspi", &LINUX) {
            Err(TypeError::Invalid(m)) => assert!(m.contains("only available on Windows")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn tls_versions() {
        table(
            ValueType::TlsVersion,
            &["ssl3", "tls1.0", "tls1.1", "tls1.2"],
            &["tls1.3", "TLS1.2", "tls1", "", "tls1.2 "],
        );
    }

    #[test]
    fn messages_never_echo_the_value() {
        let secret = "SuperSecretValue123";
        let types = [
            ValueType::Bool,
            ValueType::Int,
            ValueType::NonNegInt,
            ValueType::Port,
            ValueType::Ikey,
            ValueType::Skey,
            ValueType::Rikey,
            ValueType::Dn,
            ValueType::LdapFilter,
            ValueType::SingleIp,
            ValueType::IpRange,
            ValueType::IpList,
            ValueType::FactorList,
            ValueType::Enum(MODES),
            ValueType::TlsVersion,
            ValueType::CipherList,
            ValueType::Codec,
            ValueType::ReadableFile,
            ValueType::Directory,
            ValueType::Protected,
        ];
        let dir = scratch_dir("msg");
        let ctx = ValueContext { platform: Platform::Linux, install_dir: Some(&dir) };
        for ty in types {
            match check_value(ty, secret, &ctx) {
                Err(TypeError::Invalid(m) | TypeError::Unverifiable(m)) => {
                    assert!(!m.contains(secret), "{ty:?}: {m}");
                    assert!(!m.is_empty());
                }
                Ok(()) => panic!("{ty:?} accepted the probe"),
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let inputs = ["é", "\u{0}", "(", ")", "\\", "-", "+", "/", "::", "(é=\\", "1.2.3.4/é", "é-é", "@", "DEFAULT"];
        let all = [
            ValueType::Bool,
            ValueType::Port,
            ValueType::Ikey,
            ValueType::Dn,
            ValueType::LdapFilter,
            ValueType::IpRange,
            ValueType::IpList,
            ValueType::FactorList,
            ValueType::CipherList,
            ValueType::Codec,
            ValueType::Protected,
        ];
        for ty in all {
            for v in inputs {
                let _ = check_value(ty, v, &WINDOWS);
            }
        }
    }
}
