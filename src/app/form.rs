//! The Form tab: the section at the caret as a form beside the text. Every key its type accepts,
//! grouped, with a widget by type; defaults greyed, help from the schema, findings under their
//! field. A change is committed as one lossless edit of the text (Enter or leaving a field),
//! so Undo and Redo work across both views; the text stays the truth.

use std::collections::HashMap;
use std::path::PathBuf;

use egui::{Color32, RichText, Ui};

use super::buffer::Analysis;
use super::theme::space;
use super::theme::Palette;
use crate::config::form::{form, Field, Form, Group};
use crate::config::paths::{locate, Lookup, PathKind};
use crate::schema::keys::KeySpec;
use crate::schema::types::ValueType;
use crate::schema::{Platform, ProxyVersion};
use crate::validate::Severity;

/// What the form asked for. Keys are as written or to be written; `section` is an index into
/// the document the form was drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormAction {
    /// Write `value` to `key` (`None`: remove the key's line).
    Set { section: usize, key: String, value: Option<String> },
    /// Add a numbered row: these keys, blank.
    AddRow { section: usize, keys: Vec<String> },
    /// Remove a numbered row (and its pair).
    RemoveRow { section: usize, key: String },
    /// Protect the plaintext secret written at this entry with DPAPI.
    Protect { section: usize, entry: usize },
    /// Decrypt the protected value at this entry to check it.
    CheckProtected { section: usize, entry: usize },
    /// Pick a file for `key` with the file dialog.
    Browse { section: usize, key: String, folder: bool },
}

/// What the form needs besides the text.
pub struct FormContext<'a> {
    /// Whose rules apply.
    pub platform: Platform,
    /// The proxy's install folder, to find relative files.
    pub install_dir: Option<&'a std::path::Path>,
    /// The release validated for.
    pub proxy_version: Option<ProxyVersion>,
    /// Why Protect cannot run here, if it cannot.
    pub protect_refused: Option<&'a str>,
}

/// The tab's state: the text of the field being typed in, until it is committed.
#[derive(Default)]
pub struct FormView {
    drafts: HashMap<(usize, String), String>,
}

fn default_text(spec: &KeySpec) -> String {
    spec.default.map_or_else(|| "not set".to_owned(), |d| if d.is_empty() { "empty".to_owned() } else { d.to_owned() })
}

impl FormView {
    /// Draws the form of section `section` of `analysis`.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        analysis: &Analysis,
        section: Option<usize>,
        context: &FormContext<'_>,
        palette: &Palette,
    ) -> Option<FormAction> {
        let Some(form) = section.and_then(|i| form(&analysis.doc, i, context.proxy_version)) else {
            ui.label(
                RichText::new("Put the caret in a section, or click one in the outline, to see it as a form.").weak(),
            );
            return None;
        };
        let name = &analysis.doc.sections[form.section].name;
        ui.heading(format!("[{}]", crate::logfile::display_text(name.as_bytes())));
        match form.ty {
            Some(ty) => ui.label(RichText::new(ty.help()).weak()),
            None => ui.label(
                RichText::new("The proxy does not know this section type; its lines are shown as they are.")
                    .color(palette.warning),
            ),
        };
        let mut action = None;
        egui::ScrollArea::vertical().id_salt("form-scroll").auto_shrink([false, false]).show(ui, |ui| {
            let mut groups: Vec<Group> = form.fields.iter().map(|f| f.group).collect();
            groups.extend(form.families.iter().map(|f| f.group));
            groups.sort();
            groups.dedup();
            for group in groups {
                let open = group != Group::Advanced;
                egui::CollapsingHeader::new(RichText::new(group.title()).strong())
                    .id_salt(("form-group", group))
                    .default_open(open)
                    .show(ui, |ui| {
                        if let Some(a) = self.group(ui, analysis, &form, group, context, palette) {
                            action = Some(a);
                        }
                    });
            }
            if !form.comments.is_empty() {
                egui::CollapsingHeader::new(RichText::new("Comments").strong()).id_salt("form-comments").show(
                    ui,
                    |ui| {
                        for (line, text) in &form.comments {
                            ui.label(
                                RichText::new(format!(
                                    "line {}: {}",
                                    line + 1,
                                    crate::logfile::display_text(text.as_bytes())
                                ))
                                .weak()
                                .monospace(),
                            );
                        }
                    },
                );
            }
        });
        action
    }

    fn group(
        &mut self,
        ui: &mut Ui,
        analysis: &Analysis,
        form: &Form,
        group: Group,
        context: &FormContext<'_>,
        palette: &Palette,
    ) -> Option<FormAction> {
        let mut action = None;
        for field in form.fields.iter().filter(|f| f.group == group) {
            ui.add_space(space::TIGHT);
            if let Some(a) = self.field(ui, analysis, form, field, context, palette) {
                action = Some(a);
            }
        }
        for family in form.families.iter().filter(|f| f.group == group) {
            if ui.button(format!("Add {}", family.next.join(" + "))).clicked() {
                action = Some(FormAction::AddRow { section: form.section, keys: family.next.clone() });
            }
        }
        action
    }

    fn field(
        &mut self,
        ui: &mut Ui,
        analysis: &Analysis,
        form: &Form,
        field: &Field,
        context: &FormContext<'_>,
        palette: &Palette,
    ) -> Option<FormAction> {
        let section = form.section;
        let mut action = None;
        let Some(spec) = field.spec else {
            let value = field.value.as_deref().unwrap_or_default();
            let shown = if crate::secrets::looks_secret(&field.key.to_lowercase()) {
                "••••••••".to_owned()
            } else {
                crate::logfile::display_text(value.as_bytes())
            };
            ui.label(RichText::new(format!("{} = {shown}", field.key)).monospace())
                .on_hover_text("A key the proxy does not know for this section type: edit or remove it in the text.");
            findings(ui, analysis, form, field, palette);
            return None;
        };
        let is_bool = spec.value_type == ValueType::Bool && !spec.protected;
        let mut label_id = None;
        let mut bool_action = None;
        ui.horizontal(|ui| {
            if is_bool {
                // The checkbox is its own label.
                bool_action = self.bool_box(ui, section, field, spec);
            } else {
                let label = ui.label(RichText::new(&field.key).monospace().strong());
                label_id = Some(label.id);
                label.on_hover_text(spec.help);
            }
            match (&field.value, &field.inherited) {
                (None, Some(inherited)) => {
                    let shown = if spec.secret {
                        "********".to_owned()
                    } else {
                        crate::logfile::display_text(inherited.as_bytes())
                    };
                    ui.label(RichText::new(format!("from [DEFAULT]: {shown}")).weak().small())
                        .on_hover_text("The proxy copies [DEFAULT]'s keys into every section that does not set them.");
                }
                (None, None) => {
                    ui.label(RichText::new(format!("default: {}", default_text(spec))).weak().small());
                }
                _ => {}
            }
            let named = |response: egui::Response, what: &str| {
                let name = format!("{what} {}", field.key);
                response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                response
            };
            if field.number.is_some() && field.entry.is_some() {
                let remove = named(ui.small_button("Remove"), "Remove");
                if remove.on_hover_text("Remove this row (and its pair)").clicked() {
                    action = Some(FormAction::RemoveRow { section, key: field.key.clone() });
                }
            } else if field.value.is_some() {
                let clear = named(ui.small_button("Clear"), "Clear");
                if clear.on_hover_text("Remove the line: the default applies").clicked() {
                    action = Some(FormAction::Set { section, key: field.key.clone(), value: None });
                }
            }
        });
        let widget = match label_id {
            Some(label) => self.widget(ui, form, field, spec, context, palette, label),
            None => bool_action,
        };
        ui.label(RichText::new(spec.help).weak().small());
        findings(ui, analysis, form, field, palette);
        action.or(widget)
    }

    /// A bool: a checkbox showing the value in effect (the default when the key is not written).
    fn bool_box(&mut self, ui: &mut Ui, section: usize, field: &Field, spec: &KeySpec) -> Option<FormAction> {
        let written = field.value.as_deref();
        let mut checked = written
            .or(field.inherited.as_deref())
            .or(spec.default)
            .and_then(crate::validate::checker_bool)
            .unwrap_or(false);
        let text = RichText::new(&field.key).monospace().strong();
        let response = ui.checkbox(&mut checked, text).on_hover_text(spec.help);
        response.changed().then(|| FormAction::Set {
            section,
            key: field.key.clone(),
            value: Some(if checked { "true" } else { "false" }.to_owned()),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn widget(
        &mut self,
        ui: &mut Ui,
        form: &Form,
        field: &Field,
        spec: &KeySpec,
        context: &FormContext<'_>,
        palette: &Palette,
        label: egui::Id,
    ) -> Option<FormAction> {
        let section = form.section;
        let value = field.value.as_deref();
        let set = |value: Option<String>| Some(FormAction::Set { section, key: field.key.clone(), value });
        if spec.protected {
            let mut action = None;
            ui.horizontal(|ui| {
                ui.label(RichText::new("•••••••• (DPAPI)").monospace());
                if let Some(entry) = field.entry {
                    if ui.button("Check it decrypts here").clicked() {
                        action = Some(FormAction::CheckProtected { section, entry });
                    }
                }
            });
            return action;
        }
        match spec.value_type {
            ValueType::Enum(values) => {
                let mut chosen: Option<String> = value.map(str::to_owned);
                let shown = value.map_or_else(|| format!("(default: {})", default_text(spec)), str::to_owned);
                let before = chosen.clone();
                let combo = egui::ComboBox::from_id_salt(("form-enum", section, &field.key))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, format!("(default: {})", default_text(spec)));
                        for v in values.iter().filter(|v| !v.windows_only || context.platform == Platform::Windows) {
                            ui.selectable_value(&mut chosen, Some(v.name.to_owned()), v.name).on_hover_text(v.help);
                        }
                    });
                combo.response.labelled_by(label);
                (chosen != before).then(|| set(chosen)).flatten()
            }
            ValueType::IpList => self.list_editor(ui, section, field),
            ValueType::ReadableFile | ValueType::Directory => {
                let kind = if spec.value_type == ValueType::Directory { PathKind::Directory } else { PathKind::File };
                let mut action = None;
                ui.horizontal(|ui| {
                    action = self.text_field(ui, section, field, spec, label, false);
                    let browse = ui.button("Browse…");
                    let name = format!("Browse for {}", field.key);
                    browse.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if browse.clicked() {
                        let folder = kind == PathKind::Directory;
                        action = Some(FormAction::Browse { section, key: field.key.clone(), folder });
                    }
                });
                if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                    let (text, colour) = match locate(value, kind, context.install_dir, context.platform) {
                        Lookup::Found(path) => (format!("found: {}", path.display()), palette.added),
                        Lookup::Missing { tried } => (
                            format!(
                                "not found; the proxy looks at {}",
                                tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", then ")
                            ),
                            palette.error,
                        ),
                        Lookup::NoInstallDir => (
                            "relative to the proxy's install folder, which is not known here".to_owned(),
                            palette.gutter_text,
                        ),
                        Lookup::ForeignAbsolute => {
                            ("a Windows path: checked on the proxy server".to_owned(), palette.gutter_text)
                        }
                    };
                    ui.label(RichText::new(text).small().color(colour));
                }
                action
            }
            _ if spec.secret => {
                let mut action = None;
                ui.horizontal(|ui| {
                    action = self.text_field(ui, section, field, spec, label, true);
                    if let Some(entry) =
                        field.entry.filter(|_| value.is_some_and(|v| !v.is_empty()) && spec.twin.is_some())
                    {
                        let protect = ui.add_enabled(context.protect_refused.is_none(), egui::Button::new("Protect"));
                        let protect = match context.protect_refused {
                            Some(why) => protect.on_disabled_hover_text(why),
                            None => protect.on_hover_text("Encrypt it with DPAPI for this machine, in place"),
                        };
                        if protect.clicked() {
                            action = Some(FormAction::Protect { section, entry });
                        }
                    }
                });
                action
            }
            _ => {
                let action = self.text_field(ui, section, field, spec, label, false);
                if let Some(range) = range_text(spec.value_type) {
                    ui.label(RichText::new(range).small().weak());
                }
                action
            }
        }
    }

    /// A one-line field: typed into a draft, committed on Enter or when it loses the keyboard.
    fn text_field(
        &mut self,
        ui: &mut Ui,
        section: usize,
        field: &Field,
        spec: &KeySpec,
        label: egui::Id,
        masked: bool,
    ) -> Option<FormAction> {
        let id = (section, field.key.to_lowercase());
        // A secret is never put in the field, so neither it nor its length shows: the field
        // starts empty and what is typed replaces it.
        let current = if masked { String::new() } else { field.value.clone().unwrap_or_default() };
        let draft = self.drafts.entry(id.clone()).or_insert_with(|| current.clone());
        let hint = match (masked, &field.value) {
            (true, Some(v)) if !v.is_empty() => "•••••••• set; type a new value to replace it".to_owned(),
            _ => spec.default.map_or_else(String::new, str::to_owned),
        };
        let response = ui.add(
            egui::TextEdit::singleline(draft)
                .id_salt(("form-field", section, &field.key))
                .password(masked)
                .hint_text(hint)
                .desired_width(260.0),
        );
        let response = response.on_hover_text(spec.help).labelled_by(label);
        if response.has_focus() {
            return None;
        }
        let draft = self.drafts.remove(&id).unwrap_or_default();
        if !response.lost_focus() || draft == current {
            return None;
        }
        let nothing_typed = draft.trim().is_empty() && (masked || field.value.is_none());
        let value = if nothing_typed { None } else { Some(draft) };
        value.map(|v| FormAction::Set { section, key: field.key.clone(), value: Some(v) })
    }

    /// A comma list of addresses: one row per item with Remove, and a field to add one.
    fn list_editor(&mut self, ui: &mut Ui, section: usize, field: &Field) -> Option<FormAction> {
        let items: Vec<String> = field
            .value
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(str::to_owned)
            .collect();
        let mut action = None;
        let set =
            |items: Vec<String>| FormAction::Set { section, key: field.key.clone(), value: Some(items.join(", ")) };
        for (i, item) in items.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(RichText::new(item).monospace());
                let remove = ui.small_button("Remove");
                remove.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Remove {item}")));
                if remove.on_hover_text(format!("Remove {item} from {}", field.key)).clicked() {
                    let mut rest = items.clone();
                    rest.remove(i);
                    action = Some(set(rest));
                }
            });
        }
        let id = (section, format!("{}+", field.key.to_lowercase()));
        let draft = self.drafts.entry(id.clone()).or_default();
        ui.horizontal(|ui| {
            let response = ui.add(
                egui::TextEdit::singleline(draft)
                    .id_salt(("form-list", section, &field.key))
                    .hint_text("an address, a network (10.0.0.0/24) or a range")
                    .desired_width(220.0),
            );
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::TextInput, true, format!("Add to {}", field.key))
            });
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Add").clicked() || entered) && !draft.trim().is_empty() {
                let mut all = items.clone();
                all.push(draft.trim().to_owned());
                draft.clear();
                action = Some(set(all));
            }
        });
        action
    }
}

/// "1–65535" and the like, for number fields.
fn range_text(value_type: ValueType) -> Option<&'static str> {
    match value_type {
        ValueType::Port => Some("a port, 1–65535"),
        ValueType::NonNegInt => Some("a whole number, 0 or more"),
        ValueType::Int => Some("a whole number"),
        _ => None,
    }
}

/// The findings about this field, under it.
fn findings(ui: &mut Ui, analysis: &Analysis, form: &Form, field: &Field, palette: &Palette) {
    let section = &analysis.doc.sections[form.section];
    let lower = field.key.to_lowercase();
    let entry_range = field.entry.map(|i| section.entries[i].range());
    for d in &analysis.diagnostics {
        let in_section = d.section.as_deref().is_some_and(|s| s == section.name.as_str());
        let about_key = d.keys.iter().any(|k| k.eq_ignore_ascii_case(&lower));
        let on_entry = entry_range.is_some_and(|r| r.start <= d.range.start && d.range.start < r.end.max(r.start + 1));
        if !((in_section && about_key) || on_entry) {
            continue;
        }
        let colour: Color32 = match d.severity {
            Severity::Error => palette.error,
            Severity::Warning => palette.warning,
            Severity::Info => palette.info,
        };
        ui.label(RichText::new(&d.message).small().color(colour));
    }
}

/// The file dialog's start: the folder of a relative file's base, when known.
#[must_use]
pub fn browse_start(install_dir: Option<&std::path::Path>) -> Option<PathBuf> {
    install_dir.map(|d| d.join("conf"))
}
