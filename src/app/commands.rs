//! Every user action, with its label and keyboard shortcut, shared by the toolbar and the keyboard.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A user action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Open a file.
    Open,
    /// Save to the current file.
    Save,
    /// Save under a new name.
    SaveAs,
    /// Run the full validator and print the report.
    Validate,
    /// Protect every plaintext secret with DPAPI.
    ProtectSecrets,
    /// Test LDAP and Duo connectivity.
    TestConnectivity,
    /// Start the proxy service.
    StartService,
    /// Stop the proxy service.
    StopService,
    /// Restart the proxy service.
    RestartService,
    /// Show the find bar.
    Find,
    /// Select the next match.
    FindNext,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Apply the first quick fix at the caret.
    QuickFix,
    /// Show or hide secret values.
    ToggleSecrets,
    /// Decrypt the protected value at the caret to check it.
    RevealProtected,
}

impl Command {
    /// The toolbar text.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Save => "Save",
            Self::SaveAs => "Save As",
            Self::Validate => "Validate",
            Self::ProtectSecrets => "Protect secrets",
            Self::TestConnectivity => "Test connectivity",
            Self::StartService => "Start",
            Self::StopService => "Stop",
            Self::RestartService => "Restart",
            Self::Find => "Find",
            Self::FindNext => "Find next",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::QuickFix => "Quick fix",
            Self::ToggleSecrets => "Show secrets",
            Self::RevealProtected => "Check protected value",
        }
    }

    /// The keyboard shortcuts, the first one shown in tooltips.
    #[must_use]
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const fn ctrl(key: Key) -> KeyboardShortcut {
            KeyboardShortcut::new(Modifiers::COMMAND, key)
        }
        const fn ctrl_shift(key: Key) -> KeyboardShortcut {
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
        }
        match self {
            Self::Open => const { &[ctrl(Key::O)] },
            Self::Save => const { &[ctrl(Key::S)] },
            Self::SaveAs => const { &[ctrl_shift(Key::S)] },
            Self::Validate => const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F5)] },
            Self::ProtectSecrets => const { &[ctrl_shift(Key::P)] },
            Self::TestConnectivity => const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F6)] },
            Self::StartService | Self::StopService | Self::RestartService => &[],
            Self::Find => const { &[ctrl(Key::F)] },
            Self::FindNext => const { &[KeyboardShortcut::new(Modifiers::NONE, Key::F3)] },
            Self::Undo => const { &[ctrl(Key::Z)] },
            Self::Redo => const { &[ctrl(Key::Y), ctrl_shift(Key::Z)] },
            Self::QuickFix => const { &[ctrl(Key::Period)] },
            Self::ToggleSecrets => const { &[ctrl_shift(Key::H)] },
            Self::RevealProtected => const { &[ctrl_shift(Key::R)] },
        }
    }

    /// Commands in the order their shortcuts are checked: those with Shift first, because
    /// Ctrl+S also matches a Ctrl+Shift+S press.
    pub const KEYBOARD_ORDER: [Self; 14] = [
        Self::SaveAs,
        Self::Redo,
        Self::ProtectSecrets,
        Self::ToggleSecrets,
        Self::RevealProtected,
        Self::Open,
        Self::Save,
        Self::Validate,
        Self::TestConnectivity,
        Self::Find,
        Self::FindNext,
        Self::Undo,
        Self::QuickFix,
        Self::StartService,
    ];

    /// "Save (Ctrl+S)" for tooltips.
    #[must_use]
    pub fn hint(self, ctx: &egui::Context) -> String {
        match self.shortcuts().first() {
            Some(s) => format!("{} ({})", self.label(), ctx.format_shortcut(s)),
            None => self.label().to_string(),
        }
    }
}

/// The command whose shortcut was pressed this frame, consuming the key press.
pub fn pressed(input: &mut egui::InputState) -> Option<Command> {
    Command::KEYBOARD_ORDER.into_iter().find(|c| c.shortcuts().iter().any(|s| input.consume_shortcut(s)))
}
