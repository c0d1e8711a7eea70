//! Checking a `*_protected` value on this machine: decrypt it with DPAPI and show it
//! masked, unmasked only when the administrator asks.

use egui::{RichText, Ui};

use crate::config::{Document, Entry, Section};
use crate::secrets::{ProtectError, Protector, Secret};

/// A decrypted protected value, masked until shown.
pub struct Revealed {
    /// `[section] key`, for the heading.
    pub title: String,
    secret: Secret,
    /// Whether the plaintext is on screen.
    pub shown: bool,
}

/// What the dialog asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealAction {
    /// Keep it open.
    None,
    /// Close it and forget the plaintext.
    Close,
}

/// Whether `name` is a protected key (`skey_protected`, `radius_secret_protected_2`).
#[must_use]
pub fn is_protected_key(name: &str) -> bool {
    name.ends_with("_protected") || name.contains("_protected_")
}

/// The protected entry written on `line` (0-based), if any.
#[must_use]
pub fn protected_entry_on_line(doc: &Document, line: usize) -> Option<(&Section, &Entry)> {
    doc.sections.iter().find_map(|section| {
        section
            .entries
            .iter()
            .find(|e| (e.line..=e.last_line).contains(&line) && is_protected_key(&e.name))
            .map(|entry| (section, entry))
    })
}

/// Decrypts the protected value on `line`.
///
/// # Errors
/// A sentence for the output panel: no protected value there, no DPAPI, or a value
/// that does not decrypt on this machine.
pub fn reveal(doc: &Document, line: usize, protector: &dyn Protector) -> Result<Revealed, String> {
    let Some((section, entry)) = protected_entry_on_line(doc, line) else {
        return Err("Put the caret on a *_protected value (e.g. skey_protected) to check it.".into());
    };
    let title = format!("[{}] {}", section.name, entry.key);
    match protector.unprotect(entry.value.trim()) {
        Ok(secret) => Ok(Revealed { title, secret, shown: false }),
        Err(ProtectError::Unavailable) => Err(format!("{title}: {}", ProtectError::Unavailable)),
        Err(e) => Err(format!(
            "{title} does not decrypt on this computer ({e}). Protected values only decrypt on the machine that \
             made them: protect the plaintext again here (Protect secrets), or copy the value from this server's \
             own config."
        )),
    }
}

impl Revealed {
    /// Draws the dialog's body.
    pub fn show(&mut self, ui: &mut Ui) -> RevealAction {
        ui.heading(&self.title);
        ui.label("It decrypts on this computer, so the proxy service here can use it.");
        let value = if self.shown { self.secret.expose().to_string() } else { "•".repeat(12) };
        ui.label(RichText::new(value).monospace().strong());
        let mut action = RevealAction::None;
        ui.horizontal(|ui| {
            if ui.button(if self.shown { "Hide" } else { "Show" }).clicked() {
                self.shown = !self.shown;
            }
            if ui.button("Close").clicked() {
                action = RevealAction::Close;
            }
        });
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_keys_are_recognised_with_their_numbers() {
        assert!(is_protected_key("skey_protected"));
        assert!(is_protected_key("radius_secret_protected_2"));
        assert!(is_protected_key("service_account_password_protected"));
        assert!(!is_protected_key("skey"));
        assert!(!is_protected_key("radius_secret_2"));
    }

    #[test]
    fn the_entry_on_the_caret_line_is_found() {
        let doc =
            Document::parse("[radius_server_auto]\nikey=DI\nskey_protected=AQAA\nradius_secret_protected_1=AQAB\n");
        assert!(protected_entry_on_line(&doc, 1).is_none());
        assert_eq!(protected_entry_on_line(&doc, 2).map(|(_, e)| e.key.as_str()), Some("skey_protected"));
        assert_eq!(protected_entry_on_line(&doc, 3).map(|(_, e)| e.key.as_str()), Some("radius_secret_protected_1"));
    }
}
