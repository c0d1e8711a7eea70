//! LDAP distinguished names (ldaptor's `DistinguishedName`) and search filters (RFC 4515, ldaptor's `parseFilter`).

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

pub(super) fn is_valid_dn(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    split_not_escaped(&chars, ',').iter().all(|rdn| {
        split_not_escaped(rdn, '+').iter().all(|ava| ldap_unescape(ava).is_some_and(|text| text.contains('=')))
    })
}

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

pub(super) fn is_valid_ldap_filter(value: &str) -> bool {
    let mut p = FilterParser { s: value.as_bytes(), pos: 0 };
    p.filter(0) && p.pos == p.s.len()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

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
}
