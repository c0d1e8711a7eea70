//! The status bar's note: what just happened. Notes about an action expire after a while;
//! notes about the state of things (no config found, the last run crashed) stay.

use std::time::{Duration, Instant};

/// How long a note about an action stays.
pub const NOTE_LIFETIME: Duration = Duration::from_secs(10);

/// The note and when it was set.
#[derive(Debug, Default)]
pub struct StatusNote {
    text: String,
    set_at: Option<Instant>,
    lasting: bool,
}

impl StatusNote {
    /// A note about an action; it expires after [`NOTE_LIFETIME`].
    pub fn set(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.set_at = Some(Instant::now());
        self.lasting = false;
    }

    /// A note about the state of things; it stays until replaced.
    pub fn set_lasting(&mut self, text: impl Into<String>) {
        self.set(text);
        self.lasting = true;
    }

    /// The note, or "" once it has expired.
    #[must_use]
    pub fn text(&self) -> &str {
        if self.expired_at(Instant::now()) {
            ""
        } else {
            &self.text
        }
    }

    fn expired_at(&self, now: Instant) -> bool {
        !self.lasting && self.set_at.is_some_and(|at| now.duration_since(at) >= NOTE_LIFETIME)
    }

    /// How long until the note expires, so the window can repaint then.
    #[must_use]
    pub fn time_left(&self) -> Option<Duration> {
        if self.lasting || self.text.is_empty() {
            return None;
        }
        let left = NOTE_LIFETIME.checked_sub(self.set_at?.elapsed())?;
        (!left.is_zero()).then_some(left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_notes_expire_and_state_notes_stay() {
        let mut note = StatusNote::default();
        note.set("Saved");
        assert_eq!(note.text(), "Saved");
        let later = Instant::now() + NOTE_LIFETIME;
        assert!(note.expired_at(later));
        note.set_lasting("No proxy configuration found");
        assert!(!note.expired_at(later));
        assert!(note.time_left().is_none());
        let mut old =
            StatusNote { text: "Saved".into(), set_at: Instant::now().checked_sub(NOTE_LIFETIME), lasting: false };
        assert!(old.time_left().is_none(), "an expired note asks for no more repaints");
        old.set("again");
        assert!(old.time_left().is_some());
    }
}
