//! "New from a template": the integrations Duo's guides describe, as commented starters in
//! `assets/templates/`. Each opens as a new, untitled document with the caret in its first blank
//! value.

use super::theme::space;
use egui::{Id, RichText};

use crate::config::Document;

/// One starter.
pub struct Template {
    /// What it is for.
    pub title: &'static str,
    /// One line on when to choose it.
    pub blurb: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// Every template, in the order the dialog lists them.
pub const TEMPLATES: [Template; 8] = [
    Template {
        title: "VPN over RADIUS, Active Directory first",
        blurb: "Cisco ASA / AnyConnect, Palo Alto GlobalProtect, Fortinet FortiGate: password in AD, then a push.",
        text: include_str!("../../assets/templates/vpn-radius-ad.cfg"),
    },
    Template {
        title: "VPN over RADIUS, NPS or another RADIUS server first",
        blurb: "The password goes to your RADIUS server (Microsoft NPS), its attributes back to the VPN.",
        text: include_str!("../../assets/templates/vpn-radius-nps.cfg"),
    },
    Template {
        title: "VPN over RADIUS with a challenge prompt",
        blurb: "The VPN shows a second prompt where the user types push, phone, sms or a passcode.",
        text: include_str!("../../assets/templates/vpn-radius-challenge.cfg"),
    },
    Template {
        title: "Citrix Gateway with the Duo prompt (iframe)",
        blurb: "Citrix Gateway / NetScaler shows Duo's interactive prompt in its login page.",
        text: include_str!("../../assets/templates/citrix-radius-iframe.cfg"),
    },
    Template {
        title: "RADIUS with Duo only",
        blurb: "The device checks the password itself; the RADIUS password field carries the Duo factor.",
        text: include_str!("../../assets/templates/radius-duo-only.cfg"),
    },
    Template {
        title: "LDAP proxy for an application",
        blurb: "The application binds here instead of the domain controller; user logins get Duo.",
        text: include_str!("../../assets/templates/ldap-proxy.cfg"),
    },
    Template {
        title: "Directory sync ([cloud])",
        blurb: "Lets Duo import users and groups from Active Directory through this proxy.",
        text: include_str!("../../assets/templates/directory-sync.cfg"),
    },
    Template {
        title: "Duo Single Sign-On with Active Directory ([sso])",
        blurb: "Duo SSO checks passwords against AD through this proxy.",
        text: include_str!("../../assets/templates/sso-ad.cfg"),
    },
];

/// Where the caret goes in a new document: just after `=` of its first entry without a value.
#[must_use]
pub fn first_blank(doc: &Document) -> Option<usize> {
    doc.sections.iter().flat_map(|s| &s.entries).find(|e| e.value.is_empty()).map(|e| e.delimiter.end)
}

/// The chooser: which template is selected.
#[derive(Default)]
pub struct TemplatePicker {
    selected: usize,
}

/// What the chooser asked for.
pub enum PickerAnswer {
    /// Keep it open.
    Open,
    /// Closed.
    Cancelled,
    /// Start a new document from this template.
    Create(usize),
}

impl TemplatePicker {
    /// Draws the chooser.
    pub fn show(&mut self, ctx: &egui::Context) -> PickerAnswer {
        let shown = egui::Modal::new(Id::unique("new-from-template")).show(ctx, |ui| {
            ui.set_width(560.0);
            ui.heading("New from a template");
            ui.label("A commented starter for a common integration. The current file stays as it is on disk.");
            ui.add_space(space::ITEM);
            let mut create = false;
            for (index, template) in TEMPLATES.iter().enumerate() {
                let row = ui.selectable_label(self.selected == index, RichText::new(template.title).strong());
                if row.clicked() {
                    self.selected = index;
                }
                if row.double_clicked() {
                    create = true;
                }
                ui.label(RichText::new(template.blurb).weak());
                ui.add_space(space::TIGHT);
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button("Create").clicked() || create {
                    return Some(true);
                }
                ui.button("Cancel").clicked().then_some(false)
            })
            .inner
        });
        match (shown.should_close(), shown.inner) {
            (true, _) | (_, Some(false)) => PickerAnswer::Cancelled,
            (false, Some(true)) => PickerAnswer::Create(self.selected),
            _ => PickerAnswer::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_has_a_blank_to_start_in() {
        for template in &TEMPLATES {
            let doc = Document::parse(template.text);
            assert!(doc.loads(), "{} loads", template.title);
            let blank = first_blank(&doc).unwrap_or_else(|| panic!("{} has a blank", template.title));
            assert!(template.text[..blank].ends_with('='), "{}", template.title);
        }
    }
}
