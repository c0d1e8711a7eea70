//! `*_protected` values: unusable on Linux, decrypted on Windows when DPAPI is at hand.

use super::value_range;
use crate::schema::Platform;
use crate::text::TextRange;
use crate::validate::view::View;
use crate::validate::{Diagnostic, Kind, Options};

pub fn check(views: &[View<'_>], options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    let mut first_unchecked: Option<TextRange> = None;
    for view in views {
        let protected: Vec<_> =
            view.items.iter().filter(|i| i.key.is_some_and(|m| m.spec.protected)).map(|i| i.entry).collect();
        let Some(first) = protected.first() else { continue };
        match options.platform() {
            Platform::Linux => {
                let mut keys: Vec<String> = protected.iter().map(|e| e.name.to_string()).collect();
                keys.sort();
                out.push(
                    Diagnostic::new(
                        Kind::ProtectUnavailable,
                        first.key_range,
                        format!(
                            "{} cannot be used on Linux: *_protected values are encrypted with Windows DPAPI, \
                             which Linux lacks, so the proxy skips them and needs the plain keys instead ({}).",
                            keys.join(", "),
                            keys.iter().map(|k| plain_name(k)).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .in_section(view.name())
                    .with_keys(keys),
                );
            }
            Platform::Windows => match options.protector.filter(|p| p.available()) {
                Some(protector) => {
                    for entry in &protected {
                        if let Err(reason) = protector.unprotect(&entry.value) {
                            out.push(
                                Diagnostic::new(
                                    Kind::InvalidProtectedValue,
                                    value_range(entry),
                                    format!(
                                        "{} does not decrypt on this machine: {reason}. Protect the secret again \
                                         on this server.",
                                        entry.name
                                    ),
                                )
                                .in_section(view.name())
                                .with_keys([entry.name.clone()]),
                            );
                        }
                    }
                    ignored_plain_twins(view, &protected, out);
                }
                None => {
                    first_unchecked.get_or_insert(first.key_range);
                    ignored_plain_twins(view, &protected, out);
                }
            },
        }
    }
    if let Some(range) = first_unchecked {
        out.push(Diagnostic::new(
            Kind::ProtectedNotChecked,
            range,
            "The *_protected values in this file were not decrypted: DPAPI is only available on Windows, and \
             a protected value only decrypts on the machine that made it. Validate on the proxy server to \
             check them.",
        ));
    }
}

/// `skey_protected` → `skey`; `radius_secret_protected_2` → `radius_secret_2`.
fn plain_name(protected: &str) -> String {
    protected.replacen("_protected", "", 1)
}

/// With a non-empty protected twin, the runtime ignores the plain password or secret.
fn ignored_plain_twins(view: &View<'_>, protected: &[&crate::config::Entry], out: &mut Vec<Diagnostic>) {
    for entry in protected.iter().filter(|e| !e.value.is_empty()) {
        let plain = plain_name(&entry.name);
        if !matches!(plain.as_str(), "service_account_password" | "secret") {
            continue;
        }
        if let Some(plain_entry) = view.get(&plain) {
            out.push(
                Diagnostic::new(
                    Kind::IgnoredKey,
                    plain_entry.key_range,
                    format!(
                        "{plain} is ignored because {} is set (the protected value wins). Remove {plain} so \
                         the plaintext secret is not left in the file.",
                        entry.name
                    ),
                )
                .in_section(view.name())
                .with_keys([plain.clone(), entry.name.to_string()]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_names() {
        assert_eq!(super::plain_name("radius_secret_protected_2"), "radius_secret_2");
        assert_eq!(super::plain_name("skey_protected"), "skey");
    }
}
