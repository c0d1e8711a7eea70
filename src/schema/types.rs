//! Value types and the checks the proxy's 5.0.0 checker applies to them (fact sheet §4).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use super::Platform;
use crate::config::paths::{self, Lookup, PathKind};

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
            !value.is_empty() && decode_base64(value).is_some(),
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

// ---------------------------------------------------------------------------
// Python int()
// ---------------------------------------------------------------------------

/// Splits a Python `int()` literal (base 10) into its sign and its digits with
/// underscores and leading zeros removed (`"0"` for zero). `None` if not an int.
fn python_int_digits(s: &str) -> Option<(bool, String)> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let mut digits = String::with_capacity(body.len());
    let mut prev_digit = false;
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => {
                prev_digit = true;
                if !(digits.is_empty() && b == b'0') {
                    digits.push(char::from(b));
                }
            }
            b'_' if prev_digit => prev_digit = false,
            _ => return None,
        }
    }
    if !prev_digit {
        // Empty or ends with an underscore.
        return None;
    }
    if digits.is_empty() {
        digits.push('0');
    }
    Some((neg, digits))
}

/// Whether Python's `int()` accepts `s` (base 10, any size).
#[must_use]
pub fn is_python_int(s: &str) -> bool {
    python_int_digits(s).is_some()
}

/// `Some(true)` when `s` is a Python int below zero, `Some(false)` when it is an
/// int ≥ 0 (`-0` included), `None` when it is not an int. Works for any size.
#[must_use]
pub fn python_int_is_negative(s: &str) -> Option<bool> {
    python_int_digits(s).map(|(neg, digits)| neg && digits != "0")
}

/// The value of a Python `int()` literal; `None` if not an int or outside `i128`.
#[must_use]
pub fn parse_python_int(s: &str) -> Option<i128> {
    let (neg, digits) = python_int_digits(s)?;
    let mut v: i128 = 0;
    for b in digits.bytes() {
        let d = i128::from(b - b'0');
        v = v.checked_mul(10)?;
        v = if neg { v.checked_sub(d)? } else { v.checked_add(d)? };
    }
    Some(v)
}

fn is_port(s: &str) -> bool {
    matches!(parse_python_int(s), Some(1..=65535))
}

fn is_duo_key(s: &str, prefix: &[u8]) -> bool {
    let b = s.as_bytes();
    b.len() == 20 && b.starts_with(prefix) && b[2..].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

// ---------------------------------------------------------------------------
// Distinguished names (ldaptor `DistinguishedName`)
// ---------------------------------------------------------------------------

/// ldaptor's `_splitOnNotEscaped`: a backslash keeps the next character,
/// spaces after a separator are dropped, the empty string has no parts.
fn split_not_escaped(s: &[char], sep: char) -> Vec<Vec<char>> {
    let mut parts: Vec<Vec<char>> = Vec::new();
    if s.is_empty() {
        return parts;
    }
    parts.push(Vec::new());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == '\\' {
            let end = (i + 2).min(s.len());
            if let Some(last) = parts.last_mut() {
                last.extend_from_slice(&s[i..end]);
            }
            i = end;
        } else if c == sep {
            parts.push(Vec::new());
            i += 1;
            while s.get(i) == Some(&' ') {
                i += 1;
            }
        } else {
            if let Some(last) = parts.last_mut() {
                last.push(c);
            }
            i += 1;
        }
    }
    parts
}

/// ldaptor's `unescape`; `None` where Python would raise.
fn ldap_unescape(s: &[char]) -> Option<String> {
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        if s[i] != '\\' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        let next = *s.get(i + 1)?;
        if "0123456789abcdef".contains(next) {
            // Python: chr(int(s[1:3], 16)); int() tolerates surrounding whitespace.
            let hi = next.to_digit(16)?;
            let v = match s.get(i + 2) {
                Some(c) if c.is_ascii_hexdigit() => hi * 16 + c.to_digit(16)?,
                Some(c) if c.is_whitespace() => hi,
                Some(_) => return None,
                None => hi,
            };
            out.push(char::from_u32(v)?);
            i += 3;
        } else {
            out.push(next);
            i += 2;
        }
    }
    Some(out)
}

fn is_valid_dn(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    split_not_escaped(&chars, ',').iter().all(|rdn| {
        split_not_escaped(rdn, '+').iter().all(|ava| ldap_unescape(ava).is_some_and(|text| text.contains('=')))
    })
}

// ---------------------------------------------------------------------------
// LDAP filters (RFC 4515 / ldaptor parseFilter)
// ---------------------------------------------------------------------------

const MAX_FILTER_DEPTH: usize = 100;

struct FilterParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl FilterParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// filter = "(" filtercomp ")"
    fn filter(&mut self, depth: usize) -> bool {
        if depth > MAX_FILTER_DEPTH || !self.eat(b'(') {
            return false;
        }
        let ok = match self.peek() {
            Some(b'&' | b'|') => {
                self.pos += 1;
                let mut count = 0;
                while self.peek() == Some(b'(') {
                    if !self.filter(depth + 1) {
                        return false;
                    }
                    count += 1;
                }
                count > 0
            }
            Some(b'!') => {
                self.pos += 1;
                self.filter(depth + 1)
            }
            _ => self.item(),
        };
        ok && self.eat(b')')
    }

    /// descr (ALPHA *(ALPHA / DIGIT / "-")) or numericoid.
    fn oid(&mut self) -> bool {
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() => {
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'-') {
                    self.pos += 1;
                }
                true
            }
            Some(c) if c.is_ascii_digit() => {
                let mut parts = 0;
                loop {
                    let start = self.pos;
                    while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return false;
                    }
                    parts += 1;
                    if !(self.peek() == Some(b'.') && matches!(self.s.get(self.pos + 1), Some(c) if c.is_ascii_digit()))
                    {
                        break;
                    }
                    self.pos += 1;
                }
                parts >= 2
            }
            _ => false,
        }
    }

    /// attributedescription = attributetype *(";" option)
    fn attr(&mut self) -> bool {
        if !self.oid() {
            return false;
        }
        while self.peek() == Some(b';') {
            self.pos += 1;
            let start = self.pos;
            while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'-') {
                self.pos += 1;
            }
            if self.pos == start {
                return false;
            }
        }
        true
    }

    /// An assertion value up to the closing parenthesis. `*` is allowed only
    /// when `stars` (substring filters). Escapes must be `\XX` hex.
    fn value(&mut self, stars: bool) -> bool {
        loop {
            match self.peek() {
                None => return false,
                Some(b')') => return true,
                Some(b'(' | 0) => return false,
                Some(b'*') if !stars => return false,
                Some(b'\\') => {
                    let ok = matches!(
                        (self.s.get(self.pos + 1), self.s.get(self.pos + 2)),
                        (Some(a), Some(b)) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit()
                    );
                    if !ok {
                        return false;
                    }
                    self.pos += 3;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// item = simple / present / substring / extensible
    fn item(&mut self) -> bool {
        let has_attr = self.attr();
        match self.peek() {
            Some(b'=') if has_attr => {
                self.pos += 1;
                // equality, presence (`*`) and substrings all allow stars.
                self.value(true)
            }
            Some(b'~' | b'>' | b'<') if has_attr => {
                self.pos += 1;
                self.eat(b'=') && self.value(false)
            }
            Some(b':') => {
                // extensible = attr [":dn"] [":" rule] ":=" value / [":dn"] ":" rule ":=" value
                let mut has_rule = false;
                if self.s[self.pos..].starts_with(b":dn") {
                    let after = self.s.get(self.pos + 3).copied();
                    if after == Some(b':') {
                        self.pos += 3;
                    }
                }
                if self.s[self.pos..].starts_with(b":=") {
                    self.pos += 2;
                } else {
                    self.pos += 1; // ':'
                    if !self.oid() {
                        return false;
                    }
                    has_rule = true;
                    if !self.s[self.pos..].starts_with(b":=") {
                        return false;
                    }
                    self.pos += 2;
                }
                (has_attr || has_rule) && self.value(false)
            }
            _ => false,
        }
    }
}

fn is_valid_ldap_filter(value: &str) -> bool {
    let mut p = FilterParser { s: value.as_bytes(), pos: 0 };
    p.filter(0) && p.pos == p.s.len()
}

// ---------------------------------------------------------------------------
// IP addresses and ranges
// ---------------------------------------------------------------------------

/// Strict dotted-quad IPv4 as `inet_pton` reads it.
fn parse_ipv4_strict(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut n = 0;
    for part in s.split('.') {
        if n == 4 || part.is_empty() || part.len() > 3 {
            return None;
        }
        if !part.bytes().all(|b| b.is_ascii_digit()) || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        octets[n] = part.parse().ok()?;
        n += 1;
    }
    (n == 4).then(|| Ipv4Addr::from(octets))
}

fn parse_single_ip(s: &str) -> Option<IpAddr> {
    if let Some(v4) = parse_ipv4_strict(s) {
        return Some(IpAddr::V4(v4));
    }
    if !s.contains(':') || s.contains('%') {
        return None;
    }
    s.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// A prefix length as Python's ipaddress reads it: ASCII digits only, ≤ `max`.
fn parse_prefix_len(s: &str, max: u32) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = s.trim_start_matches('0');
    if trimmed.len() > 3 {
        return None;
    }
    let n: u32 = if trimmed.is_empty() { 0 } else { trimmed.parse().ok()? };
    (n <= max).then_some(n)
}

/// Prefix length of an IPv4 netmask (`255.255.0.0`) or hostmask (`0.0.255.255`).
fn ipv4_mask_prefix(mask: Ipv4Addr) -> Option<u32> {
    let m = u32::from(mask);
    if m.leading_ones() + m.trailing_zeros() >= 32 {
        return Some(m.leading_ones());
    }
    let h = !m;
    if h.leading_ones() + h.trailing_zeros() >= 32 {
        return Some(h.leading_ones());
    }
    None
}

fn v4_bounds(addr: Ipv4Addr, prefix: u32) -> (IpAddr, IpAddr) {
    let a = u32::from(addr);
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    (IpAddr::V4(Ipv4Addr::from(a & mask)), IpAddr::V4(Ipv4Addr::from(a | !mask)))
}

fn v6_bounds(addr: Ipv6Addr, prefix: u32) -> (IpAddr, IpAddr) {
    let a = u128::from(addr);
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    (IpAddr::V6(Ipv6Addr::from(a & mask)), IpAddr::V6(Ipv6Addr::from(a | !mask)))
}

/// The inclusive first and last address of one IP/range item: a single IP,
/// `a.b.c.d/len`, `a.b.c.d/netmask`, `a.b.c.d/hostmask`, `ipv6/len` or an
/// ascending `ip1-ip2` of one family. Host bits in a CIDR are accepted.
#[must_use]
pub fn parse_ip_range(s: &str) -> Option<(IpAddr, IpAddr)> {
    if let Some((addr, net)) = s.split_once('/') {
        return match parse_single_ip(addr)? {
            IpAddr::V4(a) => {
                let prefix = match parse_prefix_len(net, 32) {
                    Some(p) => p,
                    None => ipv4_mask_prefix(parse_ipv4_strict(net)?)?,
                };
                Some(v4_bounds(a, prefix))
            }
            IpAddr::V6(a) => Some(v6_bounds(a, parse_prefix_len(net, 128)?)),
        };
    }
    if let Some((lo, hi)) = s.split_once('-') {
        let lo = parse_single_ip(lo)?;
        let hi = parse_single_ip(hi)?;
        let ordered = match (lo, hi) {
            (IpAddr::V4(a), IpAddr::V4(b)) => a <= b,
            (IpAddr::V6(a), IpAddr::V6(b)) => a <= b,
            _ => false,
        };
        return ordered.then_some((lo, hi));
    }
    parse_single_ip(s).map(|ip| (ip, ip))
}

/// Whether two inclusive address ranges share an address (never across families).
#[must_use]
pub fn ranges_overlap(a: (IpAddr, IpAddr), b: (IpAddr, IpAddr)) -> bool {
    match (a, b) {
        ((IpAddr::V4(a0), IpAddr::V4(a1)), (IpAddr::V4(b0), IpAddr::V4(b1))) => a0 <= b1 && b0 <= a1,
        ((IpAddr::V6(a0), IpAddr::V6(a1)), (IpAddr::V6(b0), IpAddr::V6(b1))) => a0 <= b1 && b0 <= a1,
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Factor lists and enums
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// OpenSSL cipher strings (OpenSSL 1.1.1 rules: `ssl_cipher_process_rulestr`)
// ---------------------------------------------------------------------------

// Key exchange.
const K_RSA: u32 = 1;
const K_DHE: u32 = 1 << 1;
const K_ECDHE: u32 = 1 << 2;
const K_PSK: u32 = 1 << 3;
const K_ECDHEPSK: u32 = 1 << 4;
const K_DHEPSK: u32 = 1 << 5;
const K_RSAPSK: u32 = 1 << 6;
const K_SRP: u32 = 1 << 7;
const K_ANYPSK: u32 = K_PSK | K_ECDHEPSK | K_DHEPSK | K_RSAPSK;
// Authentication.
const A_RSA: u32 = 1;
const A_ECDSA: u32 = 1 << 1;
const A_NULL: u32 = 1 << 2;
const A_PSK: u32 = 1 << 3;
const A_DSS: u32 = 1 << 4;
const A_SRP: u32 = 1 << 5;
// Encryption.
const E_AES128: u32 = 1;
const E_AES256: u32 = 1 << 1;
const E_AES128GCM: u32 = 1 << 2;
const E_AES256GCM: u32 = 1 << 3;
const E_CHACHA20: u32 = 1 << 4;
const E_3DES: u32 = 1 << 5;
const E_RC4: u32 = 1 << 6;
const E_NULL: u32 = 1 << 7;
const E_CAMELLIA128: u32 = 1 << 8;
const E_CAMELLIA256: u32 = 1 << 9;
const E_SEED: u32 = 1 << 10;
const E_DES: u32 = 1 << 11; // single DES: no cipher has it any more
const E_AESGCM: u32 = E_AES128GCM | E_AES256GCM;
const E_AES: u32 = E_AES128 | E_AES256 | E_AESGCM;
const E_CAMELLIA: u32 = E_CAMELLIA128 | E_CAMELLIA256;
// MAC.
const M_SHA1: u32 = 1;
const M_SHA256: u32 = 1 << 1;
const M_SHA384: u32 = 1 << 2;
const M_MD5: u32 = 1 << 3;
const M_AEAD: u32 = 1 << 4;
// Minimum protocol version.
const P_SSL3: u32 = 1;
const P_TLS1: u32 = 1 << 1;
const P_TLS12: u32 = 1 << 2;
// Strength group (eNULL ciphers belong to none).
const S_HIGH: u32 = 1;
const S_MEDIUM: u32 = 1 << 1;
const S_LOW: u32 = 1 << 2;
const S_NONE: u32 = 0;

/// One TLS ≤ 1.2 cipher suite by its OpenSSL name.
struct Cipher {
    name: &'static str,
    kx: u32,
    au: u32,
    enc: u32,
    mac: u32,
    proto: u32,
    strength: u32,
    /// Compiled in by default (RC4 needs `enable-weak-ssl-ciphers`).
    available: bool,
}

const fn c(name: &'static str, kx: u32, au: u32, enc: u32, mac: u32, proto: u32, strength: u32) -> Cipher {
    Cipher { name, kx, au, enc, mac, proto, strength, available: true }
}

const fn weak(name: &'static str, kx: u32, au: u32, mac: u32, proto: u32) -> Cipher {
    Cipher { name, kx, au, enc: E_RC4, mac, proto, strength: S_MEDIUM, available: false }
}

#[rustfmt::skip]
const CIPHERS: &[Cipher] = &[
    c("ECDHE-ECDSA-AES256-GCM-SHA384", K_ECDHE, A_ECDSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES256-GCM-SHA384", K_ECDHE, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-DSS-AES256-GCM-SHA384", K_DHE, A_DSS, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-RSA-AES256-GCM-SHA384", K_DHE, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-CHACHA20-POLY1305", K_ECDHE, A_ECDSA, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-RSA-CHACHA20-POLY1305", K_ECDHE, A_RSA, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-RSA-CHACHA20-POLY1305", K_DHE, A_RSA, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES128-GCM-SHA256", K_ECDHE, A_ECDSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES128-GCM-SHA256", K_ECDHE, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-DSS-AES128-GCM-SHA256", K_DHE, A_DSS, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-RSA-AES128-GCM-SHA256", K_DHE, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES256-SHA384", K_ECDHE, A_ECDSA, E_AES256, M_SHA384, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES256-SHA384", K_ECDHE, A_RSA, E_AES256, M_SHA384, P_TLS12, S_HIGH),
    c("DHE-RSA-AES256-SHA256", K_DHE, A_RSA, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("DHE-DSS-AES256-SHA256", K_DHE, A_DSS, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES128-SHA256", K_ECDHE, A_ECDSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES128-SHA256", K_ECDHE, A_RSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("DHE-RSA-AES128-SHA256", K_DHE, A_RSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("DHE-DSS-AES128-SHA256", K_DHE, A_DSS, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES256-SHA", K_ECDHE, A_ECDSA, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("ECDHE-RSA-AES256-SHA", K_ECDHE, A_RSA, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("DHE-RSA-AES256-SHA", K_DHE, A_RSA, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-AES256-SHA", K_DHE, A_DSS, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-RSA-CAMELLIA256-SHA", K_DHE, A_RSA, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-CAMELLIA256-SHA", K_DHE, A_DSS, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("ECDHE-ECDSA-AES128-SHA", K_ECDHE, A_ECDSA, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("ECDHE-RSA-AES128-SHA", K_ECDHE, A_RSA, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("DHE-RSA-AES128-SHA", K_DHE, A_RSA, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-AES128-SHA", K_DHE, A_DSS, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-RSA-CAMELLIA128-SHA", K_DHE, A_RSA, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-CAMELLIA128-SHA", K_DHE, A_DSS, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-RSA-SEED-SHA", K_DHE, A_RSA, E_SEED, M_SHA1, P_SSL3, S_MEDIUM),
    c("AES256-GCM-SHA384", K_RSA, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("AES128-GCM-SHA256", K_RSA, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("AES256-SHA256", K_RSA, A_RSA, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("AES128-SHA256", K_RSA, A_RSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("AES256-SHA", K_RSA, A_RSA, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("AES128-SHA", K_RSA, A_RSA, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("CAMELLIA256-SHA", K_RSA, A_RSA, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("CAMELLIA128-SHA", K_RSA, A_RSA, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("SEED-SHA", K_RSA, A_RSA, E_SEED, M_SHA1, P_SSL3, S_MEDIUM),
    c("ECDHE-ECDSA-DES-CBC3-SHA", K_ECDHE, A_ECDSA, E_3DES, M_SHA1, P_TLS1, S_MEDIUM),
    c("ECDHE-RSA-DES-CBC3-SHA", K_ECDHE, A_RSA, E_3DES, M_SHA1, P_TLS1, S_MEDIUM),
    c("EDH-RSA-DES-CBC3-SHA", K_DHE, A_RSA, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("EDH-DSS-DES-CBC3-SHA", K_DHE, A_DSS, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("DES-CBC3-SHA", K_RSA, A_RSA, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("ADH-AES256-GCM-SHA384", K_DHE, A_NULL, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ADH-AES128-GCM-SHA256", K_DHE, A_NULL, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ADH-AES256-SHA256", K_DHE, A_NULL, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("ADH-AES128-SHA256", K_DHE, A_NULL, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("ADH-AES256-SHA", K_DHE, A_NULL, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-AES128-SHA", K_DHE, A_NULL, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-CAMELLIA256-SHA", K_DHE, A_NULL, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-CAMELLIA128-SHA", K_DHE, A_NULL, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-DES-CBC3-SHA", K_DHE, A_NULL, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("AECDH-AES256-SHA", K_ECDHE, A_NULL, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("AECDH-AES128-SHA", K_ECDHE, A_NULL, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("AECDH-DES-CBC3-SHA", K_ECDHE, A_NULL, E_3DES, M_SHA1, P_TLS1, S_MEDIUM),
    c("AECDH-NULL-SHA", K_ECDHE, A_NULL, E_NULL, M_SHA1, P_TLS1, S_NONE),
    c("ECDHE-ECDSA-NULL-SHA", K_ECDHE, A_ECDSA, E_NULL, M_SHA1, P_TLS1, S_NONE),
    c("ECDHE-RSA-NULL-SHA", K_ECDHE, A_RSA, E_NULL, M_SHA1, P_TLS1, S_NONE),
    c("NULL-SHA256", K_RSA, A_RSA, E_NULL, M_SHA256, P_TLS12, S_NONE),
    c("NULL-SHA", K_RSA, A_RSA, E_NULL, M_SHA1, P_SSL3, S_NONE),
    c("NULL-MD5", K_RSA, A_RSA, E_NULL, M_MD5, P_SSL3, S_NONE),
    c("PSK-AES256-GCM-SHA384", K_PSK, A_PSK, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("PSK-AES128-GCM-SHA256", K_PSK, A_PSK, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("PSK-CHACHA20-POLY1305", K_PSK, A_PSK, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("PSK-AES256-CBC-SHA384", K_PSK, A_PSK, E_AES256, M_SHA384, P_TLS1, S_HIGH),
    c("PSK-AES128-CBC-SHA256", K_PSK, A_PSK, E_AES128, M_SHA256, P_TLS1, S_HIGH),
    c("PSK-AES256-CBC-SHA", K_PSK, A_PSK, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("PSK-AES128-CBC-SHA", K_PSK, A_PSK, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("PSK-3DES-EDE-CBC-SHA", K_PSK, A_PSK, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("PSK-NULL-SHA", K_PSK, A_PSK, E_NULL, M_SHA1, P_SSL3, S_NONE),
    c("ECDHE-PSK-CHACHA20-POLY1305", K_ECDHEPSK, A_PSK, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-PSK-AES256-CBC-SHA", K_ECDHEPSK, A_PSK, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("ECDHE-PSK-AES128-CBC-SHA", K_ECDHEPSK, A_PSK, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("DHE-PSK-AES256-GCM-SHA384", K_DHEPSK, A_PSK, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-PSK-AES128-GCM-SHA256", K_DHEPSK, A_PSK, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-PSK-CHACHA20-POLY1305", K_DHEPSK, A_PSK, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("RSA-PSK-AES256-GCM-SHA384", K_RSAPSK, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("RSA-PSK-AES128-GCM-SHA256", K_RSAPSK, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("SRP-AES-256-CBC-SHA", K_SRP, A_SRP, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("SRP-RSA-AES-256-CBC-SHA", K_SRP, A_RSA, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("SRP-AES-128-CBC-SHA", K_SRP, A_SRP, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    weak("RC4-SHA", K_RSA, A_RSA, M_SHA1, P_SSL3),
    weak("RC4-MD5", K_RSA, A_RSA, M_MD5, P_SSL3),
    weak("ECDHE-RSA-RC4-SHA", K_ECDHE, A_RSA, M_SHA1, P_TLS1),
    weak("ECDHE-ECDSA-RC4-SHA", K_ECDHE, A_ECDSA, M_SHA1, P_TLS1),
    weak("AECDH-RC4-SHA", K_ECDHE, A_NULL, M_SHA1, P_TLS1),
    weak("ADH-RC4-MD5", K_DHE, A_NULL, M_MD5, P_SSL3),
    weak("PSK-RC4-SHA", K_PSK, A_PSK, M_SHA1, P_SSL3),
];

/// A cipher-string alias: a cipher matches when, for every non-zero mask, one of
/// its attribute bits is in the mask.
struct Alias {
    name: &'static str,
    kx: u32,
    au: u32,
    enc: u32,
    mac: u32,
    proto: u32,
    strength: u32,
}

const fn al(name: &'static str, kx: u32, au: u32, enc: u32, mac: u32, proto: u32) -> Alias {
    Alias { name, kx, au, enc, mac, proto, strength: 0 }
}

const fn st(name: &'static str, strength: u32) -> Alias {
    Alias { name, kx: 0, au: 0, enc: 0, mac: 0, proto: 0, strength }
}

const NOT_NULL_AU: u32 = !A_NULL;
const NOT_NULL_ENC: u32 = !E_NULL;

#[rustfmt::skip]
const ALIASES: &[Alias] = &[
    al("ALL", 0, 0, NOT_NULL_ENC, 0, 0),
    al("COMPLEMENTOFALL", 0, 0, E_NULL, 0, 0),
    al("COMPLEMENTOFDEFAULT", K_DHE | K_ECDHE, A_NULL, NOT_NULL_ENC, 0, 0),
    st("HIGH", S_HIGH),
    st("MEDIUM", S_MEDIUM),
    st("LOW", S_LOW),
    al("aNULL", 0, A_NULL, 0, 0, 0),
    al("eNULL", 0, 0, E_NULL, 0, 0),
    al("NULL", 0, 0, E_NULL, 0, 0),
    al("kRSA", K_RSA, 0, 0, 0, 0),
    al("aRSA", 0, A_RSA, 0, 0, 0),
    al("RSA", K_RSA, 0, 0, 0, 0),
    al("kEDH", K_DHE, 0, 0, 0, 0),
    al("kDHE", K_DHE, 0, 0, 0, 0),
    al("EDH", K_DHE, NOT_NULL_AU, 0, 0, 0),
    al("DHE", K_DHE, NOT_NULL_AU, 0, 0, 0),
    al("ADH", K_DHE, A_NULL, 0, 0, 0),
    al("kEECDH", K_ECDHE, 0, 0, 0, 0),
    al("kECDHE", K_ECDHE, 0, 0, 0, 0),
    al("ECDH", K_ECDHE, 0, 0, 0, 0),
    al("EECDH", K_ECDHE, NOT_NULL_AU, 0, 0, 0),
    al("ECDHE", K_ECDHE, NOT_NULL_AU, 0, 0, 0),
    al("AECDH", K_ECDHE, A_NULL, 0, 0, 0),
    al("aECDSA", 0, A_ECDSA, 0, 0, 0),
    al("ECDSA", 0, A_ECDSA, 0, 0, 0),
    al("aDSS", 0, A_DSS, 0, 0, 0),
    al("DSS", 0, A_DSS, 0, 0, 0),
    al("kPSK", K_PSK, 0, 0, 0, 0),
    al("kECDHEPSK", K_ECDHEPSK, 0, 0, 0, 0),
    al("kDHEPSK", K_DHEPSK, 0, 0, 0, 0),
    al("kRSAPSK", K_RSAPSK, 0, 0, 0, 0),
    al("aPSK", 0, A_PSK, 0, 0, 0),
    al("PSK", K_ANYPSK, 0, 0, 0, 0),
    al("kSRP", K_SRP, 0, 0, 0, 0),
    al("aSRP", 0, A_SRP, 0, 0, 0),
    al("SRP", K_SRP, 0, 0, 0, 0),
    al("AES", 0, 0, E_AES, 0, 0),
    al("AES128", 0, 0, E_AES128 | E_AES128GCM, 0, 0),
    al("AES256", 0, 0, E_AES256 | E_AES256GCM, 0, 0),
    al("AESGCM", 0, 0, E_AESGCM, 0, 0),
    al("CHACHA20", 0, 0, E_CHACHA20, 0, 0),
    al("CAMELLIA", 0, 0, E_CAMELLIA, 0, 0),
    al("CAMELLIA128", 0, 0, E_CAMELLIA128, 0, 0),
    al("CAMELLIA256", 0, 0, E_CAMELLIA256, 0, 0),
    al("SEED", 0, 0, E_SEED, 0, 0),
    al("3DES", 0, 0, E_3DES, 0, 0),
    al("DES", 0, 0, E_DES, 0, 0),
    al("RC4", 0, 0, E_RC4, 0, 0),
    al("FIPS", 0, 0, E_AES | E_3DES, 0, 0),
    al("MD5", 0, 0, 0, M_MD5, 0),
    al("SHA1", 0, 0, 0, M_SHA1, 0),
    al("SHA", 0, 0, 0, M_SHA1, 0),
    al("SHA256", 0, 0, 0, M_SHA256, 0),
    al("SHA384", 0, 0, 0, M_SHA384, 0),
    al("AEAD", 0, 0, 0, M_AEAD, 0),
    al("SSLv3", 0, 0, 0, 0, P_SSL3),
    al("TLSv1", 0, 0, 0, 0, P_TLS1),
    al("TLSv1.2", 0, 0, 0, 0, P_TLS12),
];

/// OpenSSL 1.1.1's `SSL_DEFAULT_CIPHER_LIST`, expanded when a string starts with `DEFAULT`.
const OPENSSL_DEFAULT_RULES: &str = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

type CipherSet = u128;

fn mask_ok(mask: u32, bits: u32) -> bool {
    mask == 0 || mask & bits != 0
}

/// The available ciphers an element name (alias or cipher name) selects;
/// `None` when OpenSSL does not know the name.
fn select_name(name: &[u8]) -> Option<CipherSet> {
    let mut set: CipherSet = 0;
    if let Some(alias) = ALIASES.iter().find(|a| a.name.as_bytes() == name) {
        for (i, cipher) in CIPHERS.iter().enumerate() {
            if cipher.available
                && mask_ok(alias.kx, cipher.kx)
                && mask_ok(alias.au, cipher.au)
                && mask_ok(alias.enc, cipher.enc)
                && mask_ok(alias.mac, cipher.mac)
                && mask_ok(alias.proto, cipher.proto)
                && mask_ok(alias.strength, cipher.strength)
            {
                set |= 1 << i;
            }
        }
        return Some(set);
    }
    let i = CIPHERS.iter().position(|c| c.name.as_bytes() == name)?;
    if CIPHERS[i].available {
        set |= 1 << i;
    }
    Some(set)
}

#[derive(Default)]
struct CipherState {
    active: CipherSet,
    killed: CipherSet,
}

fn is_item_sep(b: u8) -> bool {
    matches!(b, b':' | b' ' | b';' | b',')
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'=')
}

/// Applies one rule string to `state`; `false` when OpenSSL reports an error.
fn process_cipher_rules(rules: &[u8], state: &mut CipherState) -> bool {
    let mut ok = true;
    let mut l = 0;
    while l < rules.len() {
        let ch = rules[l];
        if is_item_sep(ch) {
            l += 1;
            continue;
        }
        let rule = match ch {
            b'-' | b'+' | b'!' | b'@' => {
                l += 1;
                ch
            }
            _ => b'a',
        };
        let mut selected: Option<CipherSet> = Some(CipherSet::MAX);
        let mut special: Option<&[u8]> = None;
        let mut error = false;
        loop {
            let start = l;
            while l < rules.len() && is_name_char(rules[l]) {
                l += 1;
            }
            if l == start {
                // Something that is neither a name, a command nor a separator.
                error = true;
                l += 1;
                break;
            }
            let word = &rules[start..l];
            if rule == b'@' {
                special = Some(word);
                break;
            }
            let multi = rules.get(l) == Some(&b'+');
            if multi {
                l += 1;
            }
            selected = match (selected, select_name(word)) {
                (Some(acc), Some(s)) => Some(acc & s),
                _ => None,
            };
            if selected.is_none() || !multi {
                break;
            }
        }
        if error {
            ok = false;
        } else if let Some(word) = special {
            let known = word == b"STRENGTH"
                || (word.len() == 10 && word.starts_with(b"SECLEVEL=") && matches!(word[9], b'0'..=b'5'));
            if !known {
                ok = false;
            }
        } else if let Some(sel) = selected {
            match rule {
                b'a' => state.active |= sel & !state.killed,
                b'-' => state.active &= !sel,
                b'!' => {
                    state.active &= !sel;
                    state.killed |= sel;
                }
                _ => {} // '+': reorders only
            }
        }
        if selected.is_none() || error {
            // Unknown name: OpenSSL skips the rest of this element.
            while l < rules.len() && !is_item_sep(rules[l]) {
                l += 1;
            }
        }
    }
    ok
}

/// Whether OpenSSL (1.1.1, default build) would accept `value` as a cipher list:
/// no syntax error and at least one TLS ≤ 1.2 cipher selected.
#[must_use]
pub fn cipher_list_selects_any(value: &str) -> bool {
    let mut state = CipherState::default();
    let mut rest = value.as_bytes();
    if rest.starts_with(b"DEFAULT") {
        if !process_cipher_rules(OPENSSL_DEFAULT_RULES.as_bytes(), &mut state) {
            return false;
        }
        rest = &rest[7..];
        if rest.first() == Some(&b':') {
            rest = &rest[1..];
        }
    }
    process_cipher_rules(rest, &mut state) && state.active != 0
}

// ---------------------------------------------------------------------------
// Python codecs
// ---------------------------------------------------------------------------

/// Python's `encodings.normalize_encoding` after `codecs.lookup` lower-cases.
fn normalize_codec_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut punct = false;
    for ch in name.to_lowercase().chars() {
        if ch.is_alphanumeric() || ch == '.' {
            if punct && !out.is_empty() {
                out.push('_');
            }
            out.push(ch);
            punct = false;
        } else {
            punct = true;
        }
    }
    out
}

/// Codecs whose modules import only on Windows (`mbcs`, `oem`, and in Python 3.8 `cp65001`).
fn is_windows_only_codec(name: &str) -> bool {
    let norm = normalize_codec_name(name);
    matches!(norm.as_str(), "mbcs" | "ansi" | "dbcs" | "oem" | "cp65001")
}

/// Whether Python 3.8's `codecs.lookup` finds a codec of this name (on Windows:
/// Windows-only codecs such as `mbcs` count as found).
#[must_use]
pub fn is_python_codec(name: &str) -> bool {
    let norm = normalize_codec_name(name);
    if norm.is_empty() {
        return false;
    }
    let in_aliases = |n: &str| CODEC_ALIASES.binary_search(&n).is_ok();
    in_aliases(&norm)
        || in_aliases(&norm.replace('.', "_"))
        || (!norm.contains('.') && CODEC_MODULES.binary_search(&norm.as_str()).is_ok())
}
#[rustfmt::skip]
const CODEC_MODULES: &[&str] = &[
    "ascii", "base64_codec", "big5", "big5hkscs", "bz2_codec", "charmap", "cp037", "cp1006",
    "cp1026", "cp1125", "cp1140", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255",
    "cp1256", "cp1257", "cp1258", "cp273", "cp424", "cp437", "cp500", "cp65001", "cp720",
    "cp737", "cp775", "cp850", "cp852", "cp855", "cp856", "cp857", "cp858", "cp860", "cp861",
    "cp862", "cp863", "cp864", "cp865", "cp866", "cp869", "cp874", "cp875", "cp932", "cp949",
    "cp950", "euc_jis_2004", "euc_jisx0213", "euc_jp", "euc_kr", "gb18030", "gb2312", "gbk",
    "hex_codec", "hp_roman8", "hz", "idna", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2",
    "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext", "iso2022_kr", "iso8859_1",
    "iso8859_10", "iso8859_11", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8",
    "iso8859_9", "johab", "koi8_r", "koi8_t", "koi8_u", "kz1048", "latin_1", "mac_arabic",
    "mac_centeuro", "mac_croatian", "mac_cyrillic", "mac_farsi", "mac_greek", "mac_iceland",
    "mac_latin2", "mac_roman", "mac_romanian", "mac_turkish", "mbcs", "oem", "palmos",
    "ptcp154", "punycode", "quopri_codec", "raw_unicode_escape", "rot_13", "shift_jis",
    "shift_jis_2004", "shift_jisx0213", "tis_620", "undefined", "unicode_escape", "utf_16",
    "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7", "utf_8", "utf_8_sig",
    "uu_codec", "zlib_codec",
];
#[rustfmt::skip]
const CODEC_ALIASES: &[&str] = &[
    "037", "1026", "1125", "1140", "1250", "1251", "1252", "1253", "1254", "1255", "1256",
    "1257", "1258", "273", "424", "437", "500", "646", "775", "850", "852", "855", "857", "858",
    "860", "861", "862", "863", "864", "865", "866", "869", "8859", "932", "936", "949", "950",
    "ansi", "ansi_x3.4_1968", "ansi_x3.4_1986", "ansi_x3_4_1968", "arabic", "asmo_708",
    "base64", "base_64", "big5_hkscs", "big5_tw", "bz2", "chinese", "cp1051", "cp1361", "cp154",
    "cp367", "cp65001", "cp819", "cp866u", "cp936", "cp_gr", "cp_is", "csHPRoman8", "csascii",
    "csbig5", "csibm037", "csibm1026", "csibm273", "csibm424", "csibm500", "csibm855",
    "csibm857", "csibm858", "csibm860", "csibm861", "csibm863", "csibm864", "csibm865",
    "csibm866", "csibm869", "csiso2022jp", "csiso2022kr", "csiso58gb231280", "csisolatin1",
    "csisolatin2", "csisolatin3", "csisolatin4", "csisolatin5", "csisolatin6",
    "csisolatinarabic", "csisolatincyrillic", "csisolatingreek", "csisolatinhebrew", "cskoi8r",
    "cspc775baltic", "cspc850multilingual", "cspc862latinhebrew", "cspc8codepage437",
    "cspcp852", "csptcp154", "csshiftjis", "cyrillic", "cyrillic_asian", "dbcs", "ebcdic_cp_be",
    "ebcdic_cp_ca", "ebcdic_cp_ch", "ebcdic_cp_he", "ebcdic_cp_nl", "ebcdic_cp_us",
    "ebcdic_cp_wt", "ecma_114", "ecma_118", "elot_928", "euc_cn", "euc_jis2004", "euccn",
    "eucgb2312_cn", "eucjis2004", "eucjisx0213", "eucjp", "euckr", "gb18030_2000",
    "gb2312_1980", "gb2312_80", "greek", "greek8", "hebrew", "hex", "hkscs", "hz_gb",
    "hz_gb_2312", "hzgb", "ibm037", "ibm039", "ibm1026", "ibm1051", "ibm1125", "ibm1140",
    "ibm273", "ibm367", "ibm424", "ibm437", "ibm500", "ibm775", "ibm819", "ibm850", "ibm852",
    "ibm855", "ibm857", "ibm858", "ibm860", "ibm861", "ibm862", "ibm863", "ibm864", "ibm865",
    "ibm866", "ibm869", "iso2022jp", "iso2022jp_1", "iso2022jp_2", "iso2022jp_2004",
    "iso2022jp_3", "iso2022jp_ext", "iso2022kr", "iso646_us", "iso8859", "iso8859_1",
    "iso_2022_jp", "iso_2022_jp_1", "iso_2022_jp_2", "iso_2022_jp_2004", "iso_2022_jp_3",
    "iso_2022_jp_ext", "iso_2022_kr", "iso_646.irv_1991", "iso_8859_1", "iso_8859_10",
    "iso_8859_10_1992", "iso_8859_11", "iso_8859_11_2001", "iso_8859_13", "iso_8859_14",
    "iso_8859_14_1998", "iso_8859_15", "iso_8859_16", "iso_8859_16_2001", "iso_8859_1_1987",
    "iso_8859_2", "iso_8859_2_1987", "iso_8859_3", "iso_8859_3_1988", "iso_8859_4",
    "iso_8859_4_1988", "iso_8859_5", "iso_8859_5_1988", "iso_8859_6", "iso_8859_6_1987",
    "iso_8859_7", "iso_8859_7_1987", "iso_8859_8", "iso_8859_8_1988", "iso_8859_9",
    "iso_8859_9_1989", "iso_celtic", "iso_ir_100", "iso_ir_101", "iso_ir_109", "iso_ir_110",
    "iso_ir_126", "iso_ir_127", "iso_ir_138", "iso_ir_144", "iso_ir_148", "iso_ir_157",
    "iso_ir_166", "iso_ir_199", "iso_ir_226", "iso_ir_58", "iso_ir_6", "jisx0213", "korean",
    "ks_c_5601", "ks_c_5601_1987", "ks_x_1001", "ksc5601", "ksx1001", "kz_1048", "l1", "l10",
    "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9", "latin", "latin1", "latin10", "latin2",
    "latin3", "latin4", "latin5", "latin6", "latin7", "latin8", "latin9", "mac_centeuro",
    "maccentraleurope", "maccyrillic", "macgreek", "maciceland", "macintosh", "maclatin2",
    "macroman", "macturkish", "ms1361", "ms932", "ms936", "ms949", "ms950", "ms_kanji",
    "mskanji", "pt154", "quopri", "quoted_printable", "quotedprintable", "r8", "rk1048",
    "roman8", "rot13", "ruscii", "s_jis", "s_jis_2004", "s_jisx0213", "shiftjis",
    "shiftjis2004", "shiftjisx0213", "sjis", "sjis_2004", "sjisx0213", "strk1048_2002", "thai",
    "tis620", "tis_620_0", "tis_620_2529_0", "tis_620_2529_1", "u16", "u32", "u7", "u8",
    "u_jis", "uhc", "ujis", "unicode_1_1_utf_7", "unicodebigunmarked", "unicodelittleunmarked",
    "us", "us_ascii", "utf", "utf16", "utf32", "utf7", "utf8", "utf8_ucs2", "utf8_ucs4",
    "utf_16be", "utf_16le", "utf_32be", "utf_32le", "uu", "windows_1250", "windows_1251",
    "windows_1252", "windows_1253", "windows_1254", "windows_1255", "windows_1256",
    "windows_1257", "windows_1258", "x_mac_japanese", "x_mac_korean", "x_mac_simp_chinese",
    "x_mac_trad_chinese", "zip", "zlib",
];

const _: () = assert!(CIPHERS.len() <= 128, "CipherSet is a u128 bitmask");

// ---------------------------------------------------------------------------
// Files and directories
// ---------------------------------------------------------------------------

fn check_path(value: &str, ctx: &ValueContext<'_>, kind: PathKind) -> Result<(), TypeError> {
    let what = match kind {
        PathKind::File => "file",
        PathKind::Directory => "directory",
    };
    let absolute = paths::is_absolute(value, ctx.platform);
    match paths::locate(value, kind, ctx.install_dir, ctx.platform) {
        Lookup::Found(_) => Ok(()),
        Lookup::ForeignAbsolute => Err(TypeError::Unverifiable(format!(
            "the {what} is given as a Windows path, which cannot be checked on this host"
        ))),
        Lookup::NoInstallDir => Err(TypeError::Unverifiable(format!(
            "the proxy resolves a relative {what} path against its install directory, which is \
             not known here; pass --install-dir to check it"
        ))),
        Lookup::Missing { .. } if absolute => Err(TypeError::Invalid(
            match kind {
                PathKind::File => "expected a readable file; nothing readable exists at this absolute path",
                PathKind::Directory => "expected an existing directory; none exists at this absolute path",
            }
            .into(),
        )),
        Lookup::Missing { .. } => {
            let install = ctx.install_dir.unwrap_or(Path::new(""));
            Err(TypeError::Invalid(match kind {
                PathKind::File => format!(
                    "expected a readable file; none found in the install directory ({}) or in {}",
                    install.display(),
                    install.join("conf").display()
                ),
                PathKind::Directory => format!(
                    "expected an existing directory (relative paths are resolved against the \
                     install directory {})",
                    install.display()
                ),
            }))
        }
    }
}

// ---------------------------------------------------------------------------
// Base64 (standard alphabet, padded)
// ---------------------------------------------------------------------------

const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64_value(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes standard, padded base64 (length a multiple of 4, `=` only as final
/// padding). `None` for anything else. The empty string decodes to no bytes.
#[must_use]
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (n, chunk) in bytes.chunks_exact(4).enumerate() {
        let last = n + 1 == chunks;
        let pad = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut acc: u32 = 0;
        for &b in &chunk[..4 - pad] {
            acc = (acc << 6) | b64_value(b)?;
        }
        acc <<= 6 * pad as u32;
        let [_, b0, b1, b2] = acc.to_be_bytes();
        out.push(b0);
        if pad < 2 {
            out.push(b1);
        }
        if pad < 1 {
            out.push(b2);
        }
    }
    Some(out)
}

/// Encodes bytes as standard base64 with `=` padding.
#[must_use]
pub fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = u32::from(chunk[0]);
        let b1 = chunk.get(1).map_or(0, |&b| u32::from(b));
        let b2 = chunk.get(2).map_or(0, |&b| u32::from(b));
        let n = (b0 << 16) | (b1 << 8) | b2;
        let sextet = |shift: u32| char::from(B64_ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const LINUX: ValueContext<'static> = ValueContext { platform: Platform::Linux, install_dir: None };
    const WINDOWS: ValueContext<'static> = ValueContext { platform: Platform::Windows, install_dir: None };

    fn valid(ty: ValueType, v: &str) -> bool {
        check_value(ty, v, &LINUX).is_ok()
    }

    fn table(ty: ValueType, good: &[&str], bad: &[&str]) {
        for v in good {
            assert!(valid(ty, v), "{ty:?} should accept {v:?}: {:?}", check_value(ty, v, &LINUX));
        }
        for v in bad {
            let err = check_value(ty, v, &LINUX);
            assert!(matches!(err, Err(TypeError::Invalid(_))), "{ty:?} should reject {v:?}");
        }
    }

    #[test]
    fn bools_and_ints() {
        table(
            ValueType::Bool,
            &["true", "FALSE", "True", "0", "1", "2", "-1", "+5", "1_000", "007"],
            &["yes", "on", "t", "", "no", "1.0", "1__0", "_1", "1_", "tru e"],
        );
        table(
            ValueType::Int,
            &["-1", "+5", "01", "0", "-0", "1_000_000", "1234567890123456789012345678901234567890"],
            &["", "-", "+", "1.5", "0x10", "1e3", "- 1", "+_1", "١٢"],
        );
        table(
            ValueType::NonNegInt,
            &["0", "-0", "5", "99999999999999999999999999999999999999999"],
            &["-1", "-99999999999999999999999999999999999999999", "abc", ""],
        );
        table(
            ValueType::Port,
            &["1", "65535", "389", "0636", "6_5535", "+443"],
            &["0", "65536", "-1", "", "99999999999999999999999999999999999999999999", "80a"],
        );
    }

    #[test]
    fn python_int_helpers() {
        assert_eq!(parse_python_int("1_000"), Some(1000));
        assert_eq!(parse_python_int("-42"), Some(-42));
        assert_eq!(parse_python_int("-0"), Some(0));
        assert_eq!(parse_python_int("x"), None);
        assert_eq!(parse_python_int(&"9".repeat(40)), None);
        assert_eq!(parse_python_int("-170141183460469231731687303715884105728"), Some(i128::MIN));
        assert!(is_python_int(&"9".repeat(40)));
        assert_eq!(python_int_is_negative("-0_0"), Some(false));
        assert_eq!(python_int_is_negative(&format!("-{}", "9".repeat(50))), Some(true));
        assert_eq!(python_int_is_negative("nope"), None);
    }

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
    fn distinguished_names() {
        table(
            ValueType::Dn,
            &[
                "",
                "CN=Users,DC=example,DC=com",
                "CN=",
                "=x",
                "CN=a;DC=b",
                "CN=Smith\\, John,OU=x",
                "CN=a+UID=b,DC=c",
                "CN=a,,DC=b",
                "CN=a,",
                "a\\3db",
                "OU=\\41bc",
            ],
            &["example.com", "CN=a,example", "CN=a+b", "CN=a\\", "CN=\\1z", "cn\\=x"[..2].as_ref()],
        );
        // An escaped '=' still counts (ldaptor unescapes before looking for '=').
        assert!(valid(ValueType::Dn, "cn\\=x"));
    }

    #[test]
    fn ldap_filters() {
        table(
            ValueType::LdapFilter,
            &[
                "(objectClass=user)",
                "(&(objectClass=user)(memberOf=CN=VPN Users,OU=Groups,DC=example,DC=com))",
                "(|(a=b)(c=d)(e=f))",
                "(!(x=y))",
                "(cn~=smith)",
                "(age>=21)",
                "(age<=65)",
                "(mail=*)",
                "(cn=ab*cd*)",
                "(cn=*x*)",
                "(cn:dn:2.4.6.8.10:=Dino)",
                "(:caseExactMatch:=x)",
                "(cn:=x)",
                "(cn;lang-en=x)",
                "(2.5.4.3=x)",
                "(cn=a\\28b\\29)",
                "(cn=)",
                "(userAccountControl:1.2.840.113556.1.4.803:=2)",
            ],
            &[
                "",
                "cn=x",
                "(cn=x",
                "cn=x)",
                "(cn=x))",
                "(cn=x)(a=b)",
                "(cn=x) ",
                "(&)",
                "(|)",
                "(!)",
                "(!(a=b)(c=d))",
                "(cn=a(b)",
                "(cn=a\\2)",
                "(cn=a\\zz)",
                "(=x)",
                "(cn>=a*)",
                "(1cn=x)",
                "(c n=x)",
                "(:=x)",
                "(cn:dn=x)",
                "(&(a=b)",
            ],
        );
        let deep = format!("{}(a=b){}", "(!".repeat(5000), ")".repeat(5000));
        assert!(!valid(ValueType::LdapFilter, &deep));
        let ok_deep = format!("{}(a=b){}", "(!".repeat(50), ")".repeat(50));
        assert!(valid(ValueType::LdapFilter, &ok_deep));
    }

    #[test]
    fn ip_addresses() {
        table(
            ValueType::SingleIp,
            &["192.0.2.10", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::5", "::ffff:10.0.0.1"],
            &[
                "01.2.3.4",
                "1.2.3",
                "1.2.3.4.5",
                "256.1.1.1",
                "10.0.0.0/8",
                "host.example",
                "fe80::1%eth0",
                "",
                " 1.2.3.4",
                "1.2.3.-4",
            ],
        );
        table(
            ValueType::IpRange,
            &[
                "10.0.0.1",
                "10.0.0.0/8",
                "10.0.0.5/8",
                "10.0.0.0/255.0.0.0",
                "10.0.0.0/0.255.255.255",
                "0.0.0.0/0",
                "10.0.0.1-10.0.0.9",
                "10.0.0.1-10.0.0.1",
                "2001:db8::/32",
                "::1-::2",
            ],
            &[
                "10.0.0.0/33",
                "10.0.0.0/255.0.255.0",
                "10.0.0.9-10.0.0.1",
                "10.0.0.1-::1",
                "10.0.0.1 - 10.0.0.9",
                "10.0.0.0 /8",
                "10.0.0.0/",
                "2001:db8::/129",
                "2001:db8::/ffff::",
                "10.0.0.1-10.0.0.2-10.0.0.3",
                "",
            ],
        );
        table(
            ValueType::IpList,
            &["", "10.1.0.0/16, 10.2.0.5", "10.0.0.1,,", " , 1.2.3.4 "],
            &["10.0.0.1, nope", "10.0.0.0/8;10.0.0.1"],
        );
    }

    #[test]
    fn ip_range_helpers() {
        let v4 = |s: &str| IpAddr::V4(s.parse().unwrap());
        assert_eq!(parse_ip_range("10.1.2.3/8"), Some((v4("10.0.0.0"), v4("10.255.255.255"))));
        assert_eq!(parse_ip_range("192.168.1.0/255.255.255.0"), Some((v4("192.168.1.0"), v4("192.168.1.255"))));
        assert_eq!(parse_ip_range("192.168.1.0/0.0.0.255"), Some((v4("192.168.1.0"), v4("192.168.1.255"))));
        assert_eq!(parse_ip_range("0.0.0.0/0"), Some((v4("0.0.0.0"), v4("255.255.255.255"))));
        assert_eq!(parse_ip_range("1.2.3.4"), Some((v4("1.2.3.4"), v4("1.2.3.4"))));
        let a = parse_ip_range("10.0.0.0/24").unwrap();
        let b = parse_ip_range("10.0.0.200-10.0.1.5").unwrap();
        let c = parse_ip_range("10.0.1.0/24").unwrap();
        let d = parse_ip_range("::/0").unwrap();
        assert!(ranges_overlap(a, b));
        assert!(ranges_overlap(b, c));
        assert!(!ranges_overlap(a, c));
        assert!(!ranges_overlap(a, d));
        assert!(ranges_overlap(d, parse_ip_range("::1").unwrap()));
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

    const MODES: &[EnumValue] = &[
        EnumValue { name: "plain", help: "", windows_only: false },
        EnumValue { name: "NTLM2", help: "", windows_only: false },
        EnumValue { name: "sspi", help: "", windows_only: true },
    ];

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
    fn cipher_lists() {
        table(
            ValueType::CipherList,
            &[
                "HIGH:!aNULL:!MD5",
                "DEFAULT",
                "DEFAULT:!3DES",
                "ALL",
                "ECDHE-RSA-AES128-GCM-SHA256",
                "ECDHE+AESGCM:!aNULL",
                "kECDHE+aRSA+AES256",
                "HIGH:@STRENGTH",
                "HIGH:@SECLEVEL=2",
                "nonsense:HIGH",
                "AES128-SHA,DES-CBC3-SHA",
                "HIGH -aNULL",
                "-HIGH:HIGH",
                "eNULL",
                "NULL-SHA",
                "MEDIUM",
                "TLSv1.2",
                "SSLv3:!aNULL",
                "PSK",
                "!aNULL:HIGH",
            ],
            &[
                "",
                "nonsense",
                "HIGH:!HIGH",
                "!HIGH:HIGH",
                "high",
                "RC4",
                "RC4-SHA",
                "LOW",
                "DES",
                "ALL:!ALL",
                "HIGH:@FOO",
                "HIGH:@SECLEVEL=9",
                "HIGH+",
                "HIGH:*",
                "+HIGH",
                "DEFAULT:!ALL",
                "ADH+aRSA",
                "ECDHE+kRSA",
                "COMPLEMENTOFDEFAULT:!ADH:!AECDH",
                "HIGH:!ALL:!PSK:!NULL",
            ],
        );
        // DEFAULT kills anonymous and NULL suites permanently; they cannot be re-added.
        assert!(!cipher_list_selects_any("DEFAULT:!ALL:ADH"));
        assert!(!cipher_list_selects_any("DEFAULT:!ALL:eNULL"));
        // ALL does not include eNULL, so killing ALL leaves NULL suites addable.
        assert!(cipher_list_selects_any("ALL:!ALL:eNULL"));
        assert!(cipher_list_selects_any("HIGH:!ALL:eNULL"));
        // `-` removes reversibly, `!` permanently.
        assert!(cipher_list_selects_any("HIGH:-HIGH:HIGH"));
        assert!(!cipher_list_selects_any("!HIGH:-MEDIUM:HIGH:!NULL:!PSK"));
    }

    #[test]
    fn codecs() {
        table(
            ValueType::Codec,
            &[
                "utf-8",
                "UTF8",
                "utf_8",
                "latin-1",
                "latin1",
                "L1",
                "cp1252",
                "windows-1252",
                "utf-16",
                "UTF-16LE",
                "iso-8859-15",
                "ISO8859_15",
                "ascii",
                "us-ascii",
                "big5",
                "shift_jis",
                "sjis",
                "koi8-r",
                "euc-jp",
                "gb18030",
                "hex",
                " utf 8 ",
                "mac-roman",
                "ibm437",
            ],
            &["utf-9", "klingon", "", "---", "aliases", "utf8x", "utf.8", "unicode_internal"],
        );
    }

    #[test]
    fn windows_only_codecs() {
        for name in ["mbcs", "MBCS", "oem", "cp65001", "ansi"] {
            assert!(check_value(ValueType::Codec, name, &WINDOWS).is_ok(), "{name}");
            match check_value(ValueType::Codec, name, &LINUX) {
                Err(TypeError::Invalid(m)) => assert!(m.contains("only available on Windows")),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(check_value(ValueType::Codec, "utf-8", &WINDOWS).is_ok());
    }

    #[test]
    fn base64_round_trip() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0, 255, 254, 1]] {
            let enc = encode_base64(data);
            assert_eq!(decode_base64(&enc).as_deref(), Some(data), "{enc}");
        }
        assert_eq!(encode_base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode_base64(b"fo"), "Zm8=");
        assert_eq!(decode_base64("Zg=="), Some(b"f".to_vec()));
        for bad in ["Zg=", "Zg", "Z===", "Zg==Zg==", "Zm9v!A==", "Z=g=", "é==="] {
            assert_eq!(decode_base64(bad), None, "{bad}");
        }
        table(ValueType::Protected, &["AQID", "AQIDBA=="], &["", "AQI", "not base64!", "AQ=D"]);
    }

    fn scratch_dir(tag: &str) -> PathBuf {
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

    #[test]
    fn files_and_directories() {
        let dir = scratch_dir("files");
        let ctx = ValueContext { platform: Platform::Linux, install_dir: Some(&dir) };
        let file = ValueType::ReadableFile;
        let folder = ValueType::Directory;
        assert!(check_value(file, "top.pem", &ctx).is_ok());
        assert!(check_value(file, "ca.pem", &ctx).is_ok());
        assert!(check_value(file, "conf/ca.pem", &ctx).is_ok());
        assert!(matches!(check_value(file, "missing.pem", &ctx), Err(TypeError::Invalid(_))));
        assert!(matches!(check_value(file, "conf", &ctx), Err(TypeError::Invalid(_))));
        let abs = dir.join("top.pem");
        let abs = abs.to_str().unwrap();
        if cfg!(unix) {
            assert!(check_value(file, abs, &LINUX).is_ok());
            assert!(matches!(check_value(file, "/nonexistent/x.pem", &LINUX), Err(TypeError::Invalid(_))));
        }
        assert!(matches!(check_value(file, "ca.pem", &LINUX), Err(TypeError::Unverifiable(_))));
        assert!(check_value(folder, "log", &ctx).is_ok());
        assert!(check_value(folder, "conf", &ctx).is_ok());
        assert!(matches!(check_value(folder, "top.pem", &ctx), Err(TypeError::Invalid(_))));
        assert!(matches!(check_value(folder, "nolog", &ctx), Err(TypeError::Invalid(_))));
        assert!(matches!(check_value(folder, "log", &LINUX), Err(TypeError::Unverifiable(_))));

        let win = ValueContext { platform: Platform::Windows, install_dir: Some(&dir) };
        assert!(check_value(file, "conf\\ca.pem", &win).is_ok());
        if !cfg!(windows) {
            for p in ["C:\\certs\\ca.pem", "c:/x", "\\\\server\\share\\x", "\\x"] {
                assert!(matches!(check_value(file, p, &win), Err(TypeError::Unverifiable(_))), "{p}");
            }
            assert!(matches!(check_value(folder, "D:\\logs", &win), Err(TypeError::Unverifiable(_))));
        }
        let _ = std::fs::remove_dir_all(&dir);
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
