//! Protecting a plaintext secret in place: `skey=…` becomes `skey_protected=<DPAPI blob>`
//! as one text edit, keeping the key's case, its spacing, its position and every comment.

use super::{ProtectError, Protector, Secret};
use crate::config::{Document, Entry, Section, TextEdit};
use crate::schema::{find_key, SectionType};
use crate::text::TextRange;

/// A plaintext secret found in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaintextSecret {
    /// Index into [`Document::sections`].
    pub section: usize,
    /// Index into that section's entries.
    pub entry: usize,
    /// The section's name.
    pub section_name: String,
    /// The key as written.
    pub key: String,
    /// The key it becomes once protected, in the same case.
    pub protected_key: String,
    /// The protected twin is already present, so protecting would clash.
    pub twin_exists: bool,
}

/// Why a secret was not protected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtectRefusal {
    /// The protected twin is already in the section.
    #[error(
        "[{section}] already has {twin}: protecting {key} would give the section two protected values. \
         Remove whichever of {key} and {twin} is stale first"
    )]
    TwinExists {
        /// Section name.
        section: String,
        /// The plaintext key.
        key: String,
        /// The existing protected key.
        twin: String,
    },
    /// The key has no protected form in this section type.
    #[error("{key} in [{section}] has no protected form; only skey, service_account_password, secret and radius_secret_N do")]
    NotProtectable {
        /// Section name.
        section: String,
        /// The key.
        key: String,
    },
    /// Nothing to protect.
    #[error("{key} in [{section}] is empty, so there is nothing to protect")]
    Empty {
        /// Section name.
        section: String,
        /// The key.
        key: String,
    },
    /// The value continues on indented lines, which is almost certainly a mistake in a secret.
    #[error(
        "{key} in [{section}] spans several lines; fix the value (indented lines continue it) before protecting it"
    )]
    MultiLine {
        /// Section name.
        section: String,
        /// The key.
        key: String,
    },
    /// DPAPI failed or is unavailable.
    #[error(transparent)]
    Protect(#[from] ProtectError),
}

/// The protected form of a plaintext secret key, keeping its case:
/// `skey` → `skey_protected`, `radius_secret_2` → `radius_secret_protected_2` (the number stays last).
/// `None` when the key has no protected form in `section_type`.
#[must_use]
pub fn protected_name(section_type: SectionType, key: &str) -> Option<String> {
    let m = find_key(section_type, &key.to_lowercase())?;
    if !m.spec.secret || m.spec.protected {
        return None;
    }
    m.spec.twin?;
    Some(match m.index {
        None => format!("{key}_protected"),
        Some(_) => {
            let (stem, number) = key.rsplit_once('_')?;
            format!("{stem}_protected_{number}")
        }
    })
}

/// Every plaintext secret written in a section of a known type, in file order.
#[must_use]
pub fn plaintext_secrets(doc: &Document) -> Vec<PlaintextSecret> {
    let mut found = Vec::new();
    for (si, section) in doc.sections.iter().enumerate() {
        let Some(ty) = SectionType::from_section_name(&section.name) else { continue };
        for (ei, entry) in section.entries.iter().enumerate() {
            if entry.value.is_empty() {
                continue;
            }
            let Some(protected_key) = protected_name(ty, &entry.key) else { continue };
            let twin_exists = section.get(&protected_key.to_lowercase()).is_some();
            found.push(PlaintextSecret {
                section: si,
                entry: ei,
                section_name: section.name.to_string(),
                key: entry.key.to_string(),
                protected_key,
                twin_exists,
            });
        }
    }
    found
}

/// Protects one entry in place: a single edit from the key to the end of the value.
///
/// # Errors
/// A [`ProtectRefusal`] saying why nothing was changed.
pub fn protect_entry(
    doc: &Document,
    section: &Section,
    entry: &Entry,
    protector: &dyn Protector,
) -> Result<TextEdit, ProtectRefusal> {
    let name = || section.name.to_string();
    let ty = SectionType::from_section_name(&section.name)
        .ok_or_else(|| ProtectRefusal::NotProtectable { section: name(), key: entry.key.to_string() })?;
    let protected_key = protected_name(ty, &entry.key)
        .ok_or_else(|| ProtectRefusal::NotProtectable { section: name(), key: entry.key.to_string() })?;
    if section.get(&protected_key.to_lowercase()).is_some() {
        return Err(ProtectRefusal::TwinExists {
            section: name(),
            key: entry.key.to_string(),
            twin: protected_key.to_lowercase(),
        });
    }
    if entry.value.is_empty() {
        return Err(ProtectRefusal::Empty { section: name(), key: entry.key.to_string() });
    }
    if entry.is_multiline() {
        return Err(ProtectRefusal::MultiLine { section: name(), key: entry.key.to_string() });
    }
    tracing::debug!(section = %section.name, key = %entry.key, "protecting a secret");
    let blob = protector.protect(&Secret::new(entry.value.clone()))?;
    tracing::debug!(section = %section.name, key = %protected_key, blob_len = blob.len(), "protected");
    let between = TextRange::new(entry.key_range.end, entry.value_range.start).slice(doc.text());
    Ok(TextEdit::replace(
        TextRange::new(entry.key_range.start, entry.value_range.end),
        format!("{protected_key}{between}{blob}"),
    ))
}

/// Protects every plaintext secret at once. Returns the edits (non-overlapping)
/// and, for each secret left alone, why.
#[must_use]
pub fn protect_all(
    doc: &Document,
    protector: &dyn Protector,
) -> (Vec<TextEdit>, Vec<(PlaintextSecret, ProtectRefusal)>) {
    let mut edits = Vec::new();
    let mut refused = Vec::new();
    for found in plaintext_secrets(doc) {
        let section = &doc.sections[found.section];
        match protect_entry(doc, section, &section.entries[found.entry], protector) {
            Ok(edit) => edits.push(edit),
            Err(why) => refused.push((found, why)),
        }
    }
    (edits, refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::apply;
    use crate::secrets::test_support::Marker;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;

    #[test]
    fn protected_names_keep_case_and_put_the_number_last() {
        let t = SectionType::RadiusServerAuto;
        assert_eq!(protected_name(t, "skey").as_deref(), Some("skey_protected"));
        assert_eq!(protected_name(t, "SKey").as_deref(), Some("SKey_protected"));
        assert_eq!(protected_name(t, "radius_secret_2").as_deref(), Some("radius_secret_protected_2"));
        assert_eq!(protected_name(t, "RADIUS_SECRET_10").as_deref(), Some("RADIUS_SECRET_protected_10"));
        assert_eq!(
            protected_name(SectionType::AdClient, "service_account_password").as_deref(),
            Some("service_account_password_protected")
        );
        assert_eq!(protected_name(SectionType::RadiusClient, "secret").as_deref(), Some("secret_protected"));
        assert_eq!(protected_name(t, "ikey"), None);
        assert_eq!(protected_name(t, "skey_protected"), None);
        assert_eq!(protected_name(SectionType::AdClient, "skey"), None, "ad_client has no skey");
    }

    #[test]
    fn one_edit_keeps_comments_spacing_position_and_case() {
        let text = "; keep me\r\n[radius_server_auto]\r\n# and me\r\nSKey = abc123\r\nradius_secret_1: s1\r\nradius_ip_1=10.0.0.1\r\n";
        let doc = Document::parse(text);
        let (edits, refused) = protect_all(&doc, &Marker);
        assert!(refused.is_empty());
        assert_eq!(edits.len(), 2);
        let out = apply(text, &edits).unwrap();
        let expected = format!(
            "; keep me\r\n[radius_server_auto]\r\n# and me\r\nSKey_protected = {}\r\nradius_secret_protected_1: {}\r\nradius_ip_1=10.0.0.1\r\n",
            STANDARD.encode(b"P:abc123"),
            STANDARD.encode(b"P:s1")
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn refuses_when_the_twin_exists_or_the_value_is_unusable() {
        let text = "[cloud]\nskey=abc\nSKEY_PROTECTED=xyz\nservice_account_password=\n[ad_client]\nservice_account_password=a\n  b\n[nonsense]\nskey=zzz\n";
        let doc = Document::parse(text);
        let cloud = &doc.sections[0];
        let twin = protect_entry(&doc, cloud, &cloud.entries[0], &Marker).unwrap_err();
        assert!(matches!(&twin, ProtectRefusal::TwinExists { twin, .. } if twin == "skey_protected"));
        assert!(twin.to_string().contains("already has skey_protected"));
        assert!(matches!(protect_entry(&doc, cloud, &cloud.entries[2], &Marker), Err(ProtectRefusal::Empty { .. })));
        let ad = &doc.sections[1];
        assert!(matches!(protect_entry(&doc, ad, &ad.entries[0], &Marker), Err(ProtectRefusal::MultiLine { .. })));
        let bad = &doc.sections[2];
        assert!(matches!(
            protect_entry(&doc, bad, &bad.entries[0], &Marker),
            Err(ProtectRefusal::NotProtectable { .. })
        ));
        let found = plaintext_secrets(&doc);
        assert_eq!(
            found.iter().map(|f| (f.key.as_str(), f.twin_exists)).collect::<Vec<_>>(),
            [("skey", true), ("service_account_password", false)]
        );
    }

    #[test]
    fn unavailable_dpapi_changes_nothing() {
        struct Off;
        impl Protector for Off {
            fn available(&self) -> bool {
                false
            }
            fn protect(&self, _: &Secret) -> Result<String, ProtectError> {
                Err(ProtectError::Unavailable)
            }
            fn unprotect(&self, _: &str) -> Result<Secret, ProtectError> {
                Err(ProtectError::Unavailable)
            }
        }
        let doc = Document::parse("[radius_client]\nhost=10.0.0.1\nsecret=s\n");
        let (edits, refused) = protect_all(&doc, &Off);
        assert!(edits.is_empty());
        assert!(matches!(refused[0].1, ProtectRefusal::Protect(ProtectError::Unavailable)));
        assert!(refused[0].1.to_string().contains("not available on this OS"));
    }
}
