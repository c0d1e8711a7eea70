//! Python's `int()`: what the proxy accepts as a number, and ports.

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

pub(super) fn is_port(s: &str) -> bool {
    matches!(parse_python_int(s), Some(1..=65535))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;

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
}
