//! Every user action, with its label and keyboard shortcut, shared by the toolbar, the menus,
//! the keyboard and the shortcuts list (F1).

use egui::{Key, KeyboardShortcut, Modifiers};

/// A user action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Start a new document from a template.
    New,
    /// Open a file.
    Open,
    /// Open a file by typing its path (no file dialog).
    OpenPath,
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
    /// Send a login to the proxy's own listener, as the VPN or firewall would.
    TestLogin,
    /// Show the section at the caret in the Form tab.
    ShowForm,
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
    /// Select the previous match.
    FindPrevious,
    /// Go to a line by number.
    GoToLine,
    /// Go to the next problem after the caret.
    NextProblem,
    /// Go to the problem before the caret.
    PreviousProblem,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Apply the first quick fix at the caret.
    QuickFix,
    /// Show or hide the secret on the caret's line.
    RevealLine,
    /// Show or hide every secret value.
    ToggleSecrets,
    /// Decrypt the protected value at the caret to check it.
    RevealProtected,
    /// Copy what the panel shows (problems, the last report, connectivity results) as text.
    CopyReport,
    /// List the keyboard shortcuts.
    Shortcuts,
}

impl Command {
    /// Every command, in the order the shortcuts list shows them.
    pub const ALL: [Self; 27] = [
        Self::New,
        Self::Open,
        Self::OpenPath,
        Self::Save,
        Self::SaveAs,
        Self::Validate,
        Self::ProtectSecrets,
        Self::TestConnectivity,
        Self::TestLogin,
        Self::ShowForm,
        Self::StartService,
        Self::StopService,
        Self::RestartService,
        Self::Find,
        Self::FindNext,
        Self::FindPrevious,
        Self::GoToLine,
        Self::NextProblem,
        Self::PreviousProblem,
        Self::Undo,
        Self::Redo,
        Self::QuickFix,
        Self::RevealLine,
        Self::ToggleSecrets,
        Self::RevealProtected,
        Self::CopyReport,
        Self::Shortcuts,
    ];

    /// The toolbar or menu text.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New…",
            Self::Open => "Open",
            Self::OpenPath => "Open by path…",
            Self::Save => "Save",
            Self::SaveAs => "Save As",
            Self::Validate => "Validate",
            Self::ProtectSecrets => "Protect secrets",
            Self::TestConnectivity => "Test connectivity",
            Self::TestLogin => "Test login",
            Self::ShowForm => "Show as a form",
            Self::StartService => "Start",
            Self::StopService => "Stop",
            Self::RestartService => "Restart",
            Self::Find => "Find",
            Self::FindNext => "Find next",
            Self::FindPrevious => "Find previous",
            Self::GoToLine => "Go to line…",
            Self::NextProblem => "Next problem",
            Self::PreviousProblem => "Previous problem",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::QuickFix => "Quick fix",
            Self::RevealLine => "Show this line's secret",
            Self::ToggleSecrets => "Show all secrets",
            Self::RevealProtected => "Check protected value",
            Self::CopyReport => "Copy report",
            Self::Shortcuts => "Keyboard shortcuts",
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
        const fn plain(key: Key) -> KeyboardShortcut {
            KeyboardShortcut::new(Modifiers::NONE, key)
        }
        const fn shift(key: Key) -> KeyboardShortcut {
            KeyboardShortcut::new(Modifiers::SHIFT, key)
        }
        match self {
            Self::New => const { &[ctrl(Key::N)] },
            Self::Open => const { &[ctrl(Key::O)] },
            Self::OpenPath => const { &[ctrl_shift(Key::O)] },
            Self::Save => const { &[ctrl(Key::S)] },
            Self::SaveAs => const { &[ctrl_shift(Key::S)] },
            Self::Validate => const { &[plain(Key::F5)] },
            Self::ProtectSecrets => const { &[ctrl_shift(Key::P)] },
            Self::TestConnectivity => const { &[plain(Key::F6)] },
            Self::TestLogin => const { &[plain(Key::F7)] },
            Self::ShowForm => const { &[plain(Key::F4)] },
            Self::StartService | Self::StopService | Self::RestartService => &[],
            Self::Find => const { &[ctrl(Key::F)] },
            Self::FindNext => const { &[plain(Key::F3)] },
            Self::FindPrevious => const { &[shift(Key::F3)] },
            Self::GoToLine => const { &[ctrl(Key::G)] },
            Self::NextProblem => const { &[plain(Key::F8)] },
            Self::PreviousProblem => const { &[shift(Key::F8)] },
            Self::Undo => const { &[ctrl(Key::Z)] },
            Self::Redo => const { &[ctrl(Key::Y), ctrl_shift(Key::Z)] },
            Self::QuickFix => const { &[ctrl(Key::Period)] },
            Self::RevealLine => const { &[ctrl_shift(Key::H)] },
            Self::ToggleSecrets => const { &[KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::ALT), Key::H)] },
            Self::RevealProtected => const { &[ctrl_shift(Key::R)] },
            Self::CopyReport => const { &[ctrl_shift(Key::C)] },
            Self::Shortcuts => const { &[plain(Key::F1)] },
        }
    }

    /// Commands in the order their shortcuts are checked: those with Shift or Alt first,
    /// because a plain shortcut also matches a press with extra Shift or Alt.
    pub const KEYBOARD_ORDER: [Self; 25] = [
        Self::SaveAs,
        Self::OpenPath,
        Self::Redo,
        Self::ProtectSecrets,
        Self::ToggleSecrets,
        Self::RevealLine,
        Self::RevealProtected,
        Self::CopyReport,
        Self::FindPrevious,
        Self::PreviousProblem,
        Self::New,
        Self::Open,
        Self::Save,
        Self::Validate,
        Self::TestConnectivity,
        Self::TestLogin,
        Self::ShowForm,
        Self::Find,
        Self::FindNext,
        Self::GoToLine,
        Self::NextProblem,
        Self::Undo,
        Self::QuickFix,
        Self::Shortcuts,
        Self::StartService,
    ];

    /// The toolbar icon of a command that has a toolbar button.
    #[must_use]
    pub fn icon(self) -> Option<super::icons::Icon> {
        use super::icons::Icon;
        Some(match self {
            Self::New => Icon::New,
            Self::Open => Icon::Open,
            Self::Save => Icon::Save,
            Self::SaveAs => Icon::SaveAs,
            Self::Validate => Icon::Validate,
            Self::ProtectSecrets => Icon::Protect,
            Self::TestConnectivity => Icon::Connectivity,
            Self::TestLogin => Icon::Login,
            Self::StartService => Icon::Start,
            Self::StopService => Icon::Stop,
            Self::RestartService => Icon::Restart,
            _ => return None,
        })
    }

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

/// Keys of the editor itself, for the shortcuts list.
pub const EDITOR_KEYS: [(&str, &str); 6] = [
    ("Ctrl+Space", "Completion: sections, keys (required ones first), values"),
    ("Enter / Tab", "Accept the selected completion"),
    ("Esc", "Close completion or the find bar"),
    ("Enter / Shift+Enter in Find", "Next / previous match (the text is never edited)"),
    ("Ctrl+C / Ctrl+V / Ctrl+X", "Copy, paste and cut with the system clipboard"),
    ("Ctrl+A", "Select all"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortcut_is_checked_and_the_specific_ones_first() {
        for command in Command::ALL {
            if !command.shortcuts().is_empty() {
                assert!(Command::KEYBOARD_ORDER.contains(&command), "{command:?} is never checked");
            }
        }
        // A plain shortcut checked before a longer one with the same key would swallow it.
        for (i, earlier) in Command::KEYBOARD_ORDER.iter().enumerate() {
            for later in &Command::KEYBOARD_ORDER[i + 1..] {
                for a in earlier.shortcuts() {
                    for b in later.shortcuts() {
                        let swallows = a.logical_key == b.logical_key && b.modifiers.matches_logically(a.modifiers);
                        assert!(!swallows || a.modifiers == b.modifiers, "{earlier:?} swallows {later:?}");
                    }
                }
            }
        }
    }
}
