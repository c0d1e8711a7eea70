//! The saved test logins of the open config, at the top of the Connectivity tab: each with the
//! outcome of its last run, a Run button that opens the Test login dialog filled in (only the
//! password is asked for), and Forget.

use std::path::Path;

use egui::{RichText, Ui};

use super::login_job::LoginOutcome;
use super::settings::SavedLogin;
use super::theme::space;
use super::theme::Palette;
use crate::login::Verdict;

/// What a row asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedLoginAction {
    /// Open the dialog for this saved test (an index into the settings' list).
    Run(usize),
    /// Remove it.
    Forget(usize),
}

/// Draws the saved tests of `config`; `outcomes` are this session's test logins, newest last.
pub fn show(
    ui: &mut Ui,
    saved: &[SavedLogin],
    config: Option<&Path>,
    outcomes: &[LoginOutcome],
    palette: &Palette,
) -> Option<SavedLoginAction> {
    let mine: Vec<(usize, &SavedLogin)> =
        saved.iter().enumerate().filter(|(_, s)| Some(s.config.as_path()) == config).collect();
    if mine.is_empty() {
        return None;
    }
    let mut action = None;
    ui.label(RichText::new("Saved test logins").strong());
    egui::Grid::new("saved-logins").num_columns(4).spacing([space::GAP, space::ITEM]).show(ui, |ui| {
        for (index, login) in mine {
            let factor = login.factor.as_deref().map(|f| format!(", {f}")).unwrap_or_default();
            ui.label(format!("[{}] as {}{factor}", login.section, crate::logfile::display_text(login.user.as_bytes())))
                .on_hover_text(format!(
                    "Compared with {} ({} s × {})",
                    login.client.name, login.client.timeout_secs, login.client.tries
                ));
            let last = outcomes.iter().rev().find(|o| o.section == login.section && o.user == login.user);
            match last {
                Some(outcome) => {
                    let colour = match outcome.verdict {
                        Verdict::Accepted => palette.added,
                        Verdict::Rejected => palette.warning,
                        Verdict::NoAnswer | Verdict::Failed => palette.error,
                    };
                    ui.label(RichText::new(&outcome.headline).color(colour));
                }
                None => {
                    ui.label(RichText::new("not run yet").weak());
                }
            }
            if ui.button("Run…").on_hover_text("Open Test login with this test filled in; type the password").clicked()
            {
                action = Some(SavedLoginAction::Run(index));
            }
            if ui.button("Forget").clicked() {
                action = Some(SavedLoginAction::Forget(index));
            }
            ui.end_row();
        }
    });
    ui.separator();
    action
}
