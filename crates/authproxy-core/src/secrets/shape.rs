//! Which key names hold secrets, judged by their shape, so that a misspelt or unknown key
//! (`radius_secert_1`, `service_acount_password`, `ldap_bind_passphrase`) is masked as surely
//! as a known one.

use crate::schema::{find_key, SectionType};

/// Words whose presence in a key name makes its value a secret.
const SECRET_WORDS: [&str; 6] = ["secret", "password", "passwd", "skey", "passphrase", "private_key"];

/// The longer secret words, which a typo of one or two letters still names.
const TYPO_PRONE_WORDS: [&str; 4] = ["secret", "password", "passwd", "passphrase"];

/// The mask shown in place of a secret: always the same, whatever the secret's length.
pub const MASK: &str = "********";

/// Whether the value of the key `name` (any case) is a secret to be masked in every output.
///
/// A key the schema knows is a secret when the schema says so (`skey`, `radius_secret_2`; not
/// `skey_protected` nor `delimited_password_length`). Any other key is a secret when its name
/// contains a secret word, or a part of it is a near miss of one (`secert`, `pasword`).
#[must_use]
pub fn looks_secret(name: &str) -> bool {
    let name = name.trim().to_lowercase();
    let mut known = SectionType::ALL.iter().filter_map(|t| find_key(*t, &name)).peekable();
    if known.peek().is_some() {
        return known.any(|m| m.spec.secret && !m.spec.protected);
    }
    let squashed: String = name.chars().filter(|c| !matches!(c, '_' | '-' | ' ' | '.')).collect();
    if SECRET_WORDS.iter().any(|w| name.contains(w) || squashed.contains(&w.replace('_', ""))) {
        return true;
    }
    name.split(|c: char| !c.is_alphabetic()).any(is_near_secret_word)
}

/// A part of a name that is one or two typos away from a long secret word.
fn is_near_secret_word(part: &str) -> bool {
    let length = part.chars().count();
    if length < 5 {
        return false;
    }
    let allowed = if length >= 8 { 2 } else { 1 };
    TYPO_PRONE_WORDS
        .iter()
        .filter(|word| word.len().abs_diff(length) <= allowed)
        .any(|word| transposition_distance(part, word) <= allowed)
}

/// Edit distance where swapping two neighbouring letters counts as one edit (`secert` → `secret`).
fn transposition_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_follow_the_schema() {
        for secret in ["skey", "SKEY", "radius_secret_1", "radius_secret_12", "secret", "service_account_password"] {
            assert!(looks_secret(secret), "{secret}");
        }
        for plain in
            ["skey_protected", "radius_secret_protected_2", "delimited_password_length", "ikey", "host", "api_host"]
        {
            assert!(!looks_secret(plain), "{plain}");
        }
    }

    #[test]
    fn misspelt_and_unknown_keys_are_judged_by_their_shape() {
        for secret in [
            "radius_secert_1",
            "service_acount_password",
            "service_account_pasword",
            "radius_secrte_2",
            "bind_passwd",
            "ldap_passphrase",
            "tls_private_key",
            "PrivateKey",
            "skey_protectd",
            "adminpassword",
            "my-secret",
            "service_account_passwrod",
        ] {
            assert!(looks_secret(secret), "{secret}");
        }
        for plain in ["hots", "failmod", "client", "radius_ip_1", "ikye", "search_dn", "security_group_dn", "port"] {
            assert!(!looks_secret(plain), "{plain}");
        }
    }

    #[test]
    fn transpositions_count_once() {
        assert_eq!(transposition_distance("secert", "secret"), 1);
        assert_eq!(transposition_distance("secret", "secret"), 0);
        assert_eq!(transposition_distance("", "abc"), 3);
        assert_eq!(transposition_distance("pasword", "password"), 1);
    }
}
