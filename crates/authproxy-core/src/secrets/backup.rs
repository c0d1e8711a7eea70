//! The backup a save keeps must not undo a protection: when the new text holds a secret only
//! in its `*_protected` form, the backup holds it protected too.

use super::protect::{plaintext_secrets, protect_entry, ProtectRefusal};
use super::Protector;
use crate::config::file::Backup;
use crate::config::{apply, Document, TextEdit};

/// What to keep as the backup when `new` replaces `old` on disk.
///
/// Every plaintext secret of `old` whose section in `new` has the protected twin set, and no
/// longer the same plaintext, is protected in the backup as well (with `protector`; where it
/// cannot protect, the plaintext value is blanked, which leaves the twin in force). Everything
/// else in the backup is `old`, byte for byte. `old` is the previous file's bytes; the backup
/// keeps their encoding.
#[must_use]
pub fn backup_without_plaintext(old: &[u8], new: &str, protector: &dyn Protector) -> Backup {
    let decoded = crate::config::decode(old);
    let old = decoded.text.as_str();
    let (old_doc, new_doc) = (Document::parse(old), Document::parse(new));
    let mut edits = Vec::new();
    for found in plaintext_secrets(&old_doc) {
        let section = &old_doc.sections[found.section];
        let entry = &section.entries[found.entry];
        let Some(now) = new_doc.sections.iter().find(|s| s.name == section.name) else { continue };
        let twin_set = now.get(&found.protected_key.to_lowercase()).is_some_and(|e| !e.value.trim().is_empty());
        let plaintext_kept = now.get(&entry.name).is_some_and(|e| e.value == entry.value);
        if !twin_set || plaintext_kept {
            continue;
        }
        let edit = match protect_entry(&old_doc, section, entry, protector) {
            Ok(edit) => edit,
            Err(ProtectRefusal::TwinExists { .. } | ProtectRefusal::Protect(_) | ProtectRefusal::MultiLine { .. }) => {
                TextEdit::replace(entry.value_range, "")
            }
            Err(ProtectRefusal::NotProtectable { .. } | ProtectRefusal::Empty { .. }) => continue,
        };
        edits.push(edit);
    }
    if edits.is_empty() {
        return Backup::Previous;
    }
    // Edits of distinct entries never overlap; should they, an empty backup still holds no secret.
    let text = apply(old, &edits).unwrap_or_default();
    // Protected values are ASCII, so the text fits the previous file's encoding.
    Backup::Bytes(crate::config::encode(&text, decoded.encoding).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::test_support::Marker;
    use crate::secrets::{ProtectError, Secret};
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;

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

    fn rewritten(backup: Backup) -> String {
        let Backup::Bytes(bytes) = backup else { panic!("a rewritten backup") };
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn the_backup_keeps_the_previous_files_encoding() {
        let old = b"; caf\xe9\n[cloud]\nskey=plain-old-value\n";
        let new = "; café ✓\n[cloud]\nskey_protected=AQAA\n";
        let Backup::Bytes(bytes) = backup_without_plaintext(old, new, &Marker) else { panic!("rewritten") };
        assert!(bytes.starts_with(b"; caf\xe9\n[cloud]\nskey_protected="), "{bytes:?}");
    }

    const OLD: &str =
        "; keep\n[cloud]\nikey=DI\nskey=plain-old-value\n[radius_client]\nhost=10.0.0.1\nsecret=kept-plain\n";

    #[test]
    fn a_secret_the_new_text_protects_is_protected_in_the_backup() {
        let new = "; keep\n[cloud]\nikey=DI\nskey_protected=AQAA\n[radius_client]\nhost=10.0.0.1\nsecret=kept-plain\n";
        let backup = rewritten(backup_without_plaintext(OLD.as_bytes(), new, &Marker));
        assert!(!backup.contains("plain-old-value"), "{backup}");
        assert!(backup.contains(&format!("skey_protected={}", STANDARD.encode(b"P:plain-old-value"))), "{backup}");
        assert!(backup.starts_with("; keep\n[cloud]\nikey=DI\n") && backup.contains("secret=kept-plain"), "{backup}");
    }

    #[test]
    fn without_dpapi_the_plaintext_is_blanked_and_the_rest_kept() {
        let new = "[cloud]\nikey=DI\nskey_protected=AQAA\n";
        let backup = rewritten(backup_without_plaintext(OLD.as_bytes(), new, &Off));
        assert!(!backup.contains("plain-old-value"));
        assert!(backup.contains("\nskey=\n") && backup.contains("secret=kept-plain"), "{backup}");
    }

    #[test]
    fn ordinary_edits_keep_the_previous_file() {
        let new = OLD.replace("10.0.0.1", "10.0.0.2");
        assert_eq!(backup_without_plaintext(OLD.as_bytes(), &new, &Marker), Backup::Previous);
        let deleted = OLD.replace("skey=plain-old-value\n", "");
        assert_eq!(
            backup_without_plaintext(OLD.as_bytes(), &deleted, &Marker),
            Backup::Previous,
            "no twin: not a protection"
        );
    }
}
