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
                section_name: section.name.clone(),
                key: entry.key.clone(),
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
    let name = || section.name.clone();
    let ty = SectionType::from_section_name(&section.name)
        .ok_or_else(|| ProtectRefusal::NotProtectable { section: name(), key: entry.key.clone() })?;
    let protected_key = protected_name(ty, &entry.key)
        .ok_or_else(|| ProtectRefusal::NotProtectable { section: name(), key: entry.key.clone() })?;
    if section.get(&protected_key.to_lowercase()).is_some() {
        return Err(ProtectRefusal::TwinExists {
            section: name(),
            key: entry.key.clone(),
            twin: protected_key.to_lowercase(),
        });
    }
    if entry.value.is_empty() {
        return Err(ProtectRefusal::Empty { section: name(), key: entry.key.clone() });
    }
    if entry.is_multiline() {
        return Err(ProtectRefusal::MultiLine { section: name(), key: entry.key.clone() });
    }
    let blob = protector.protect(&Secret::new(entry.value.clone()))?;
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
