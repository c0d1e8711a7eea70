//! Completion and hover help at a caret position, from the schema table.
//!
//! Offers section types (with the next free number, and their required keys), keys the
//! section accepts and does not have yet (required ones first, with the next free index for
//! numbered keys), enum and boolean values, and the names of existing client sections for
//! `client=`.

pub mod context;

use std::collections::BTreeSet;

pub use context::{caret_context, CaretContext};

use crate::config::{Document, Section, TextEdit};
use crate::schema::types::EnumValue;
use crate::schema::{
    find_key, keys_for, role_of, KeySpec, Numbering, Platform, Requirement, Role, SectionType, ValueType,
};
use crate::text::TextRange;
use crate::validate::{validate, Kind, Options};

/// What kind of thing a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// A section name.
    Section,
    /// A key.
    Key,
    /// A value.
    Value,
}

/// One offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows, e.g. `radius_ip_2`.
    pub label: String,
    /// A short second column: type and default.
    pub detail: String,
    /// Help text.
    pub doc: String,
    /// What accepting it does to the text.
    pub edit: TextEdit,
    /// What it is.
    pub kind: CompletionKind,
    /// A key the section must have and does not have yet.
    pub required: bool,
    /// What is typed already is exactly this offer (accepting it would change nothing).
    pub exact: bool,
    /// Where the caret goes after accepting, as a byte offset into the edit's insert (default: its end).
    pub caret: Option<usize>,
}

/// Why completion was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Opened by typing: offers are filtered by what is typed.
    Typing,
    /// Asked for (Ctrl+Space): on a value, every allowed value shows, whatever is written there.
    Explicit,
}

impl Completion {
    fn new(label: String, detail: String, doc: String, edit: TextEdit, kind: CompletionKind) -> Self {
        Self { label, detail, doc, edit, kind, required: false, exact: false, caret: None }
    }
}

/// Completions at byte `offset`, filtered by what is typed, best matches first.
#[must_use]
pub fn complete(doc: &Document, offset: usize, platform: Platform) -> Vec<Completion> {
    complete_with(doc, offset, platform, Trigger::Typing, None)
}

/// Completions at byte `offset` for `trigger`: missing required keys first, then prefix
/// matches, then other matches. Keys added after 5.0.0 are offered for a `version` that has them.
#[must_use]
pub fn complete_with(
    doc: &Document,
    offset: usize,
    platform: Platform,
    trigger: Trigger,
    version: Option<crate::schema::ProxyVersion>,
) -> Vec<Completion> {
    let context = caret_context(doc, offset);
    let typed = match &context {
        CaretContext::SectionName { prefix, .. }
        | CaretContext::Key { prefix, .. }
        | CaretContext::Value { prefix, .. } => prefix.to_lowercase(),
        CaretContext::Nothing => String::new(),
    };
    let mut items = match context {
        CaretContext::SectionName { prefix, replace } => sections(doc, &prefix, replace, platform),
        CaretContext::Key { section: Some(i), prefix, replace } => {
            keys(doc, &doc.sections[i], &prefix, replace, offset, version)
        }
        CaretContext::Key { section: None, prefix, replace } => {
            // Before any section only a header makes sense.
            let offers = sections(doc, prefix.trim_start_matches('['), TextRange::empty(replace.end), platform);
            offers
                .into_iter()
                .map(|mut c| {
                    let insert = format!("[{}", c.edit.insert);
                    c.caret = c.caret.map(|at| at + 1);
                    c.edit = TextEdit::replace(replace, insert);
                    c
                })
                .collect()
        }
        CaretContext::Value { section, key, prefix, replace } => {
            let filter = if trigger == Trigger::Explicit { "" } else { prefix.as_str() };
            values(doc, section, &key, filter, replace, platform)
        }
        CaretContext::Nothing => Vec::new(),
    };
    let typed_trimmed = typed.trim();
    for item in &mut items {
        // A header still lacks its `]`, so accepting it is never a no-op.
        item.exact = item.kind != CompletionKind::Section
            && !typed_trimmed.is_empty()
            && item.label.eq_ignore_ascii_case(typed_trimmed);
    }
    items.sort_by_key(|c| (!c.required, rank(&c.label, &typed), c.label.clone()));
    items
}

/// Prefix matches first, then substring matches.
fn rank(label: &str, prefix: &str) -> u8 {
    u8::from(!label.starts_with(prefix))
}

fn matches(label: &str, prefix: &str) -> bool {
    let prefix = prefix.trim().to_lowercase();
    prefix.is_empty() || label.contains(&prefix)
}

/// The keys a new, empty `[name]` section must be given, in the order the validator asks for
/// them (so the list is exactly what its `MissingKey` findings would name).
#[must_use]
pub fn required_keys(name: &str, platform: Platform) -> Vec<String> {
    let doc = Document::parse(&format!("[{name}]\n"));
    let options = Options { platform: Some(platform), continue_after_load_error: true, ..Options::default() };
    let mut keys: Vec<String> = Vec::new();
    for d in validate(&doc, &options).into_iter().filter(|d| d.kind == Kind::MissingKey) {
        if let Some(key) = d.keys.first().filter(|k| !keys.contains(k)) {
            keys.push(key.clone());
        }
    }
    keys
}

fn sections(doc: &Document, prefix: &str, replace: TextRange, platform: Platform) -> Vec<Completion> {
    let used: BTreeSet<String> = doc.sections.iter().map(|s| s.name.to_lowercase().to_string()).collect();
    let text = doc.text();
    let rest = &text[replace.end.min(text.len())..];
    let line_rest = rest.split('\n').next().unwrap_or("");
    let closed = line_rest.contains(']');
    // A header typed on a line of its own, at the end of the file or before another section,
    // is a new section: it comes with its required keys.
    let next_line = rest.split_inclusive('\n').nth(1).unwrap_or("").trim_start();
    let new_section = !closed && line_rest.trim().is_empty() && (next_line.is_empty() || next_line.starts_with('['));
    let eol = doc.dominant_eol();
    SectionType::ALL
        .iter()
        .filter_map(|ty| {
            let base = ty.base_name();
            let label = if !used.contains(base) {
                base.to_string()
            } else if matches!(ty, SectionType::Main) {
                return None;
            } else {
                (2u32..).map(|n| format!("{base}{n}")).find(|name| !used.contains(name))?
            };
            if !matches(&label, prefix) {
                return None;
            }
            let required = if new_section { required_keys(&label, platform) } else { Vec::new() };
            let mut insert = if closed { label.clone() } else { format!("{label}]") };
            let mut caret = None;
            for key in &required {
                insert.push_str(eol);
                insert.push_str(key);
                insert.push('=');
                caret.get_or_insert(insert.len());
            }
            let detail = if required.is_empty() {
                "section".to_string()
            } else {
                format!("section, with its required keys: {}", required.join(", "))
            };
            let mut completion = Completion::new(
                label,
                detail,
                ty.help().to_string(),
                TextEdit::replace(replace, insert),
                CompletionKind::Section,
            );
            completion.caret = caret;
            Some(completion)
        })
        .collect()
}

fn keys(
    doc: &Document,
    section: &Section,
    prefix: &str,
    replace: TextRange,
    offset: usize,
    version: Option<crate::schema::ProxyVersion>,
) -> Vec<Completion> {
    let Some(ty) = SectionType::from_section_name(&section.name) else { return Vec::new() };
    let present: BTreeSet<&str> = section.entries.iter().map(|e| e.name.as_str()).collect();
    let line = doc.line_index.line_of(offset);
    let has_delimiter = doc.lines.get(line).is_some_and(|l| matches!(l.kind, crate::config::LineKind::Entry { .. }));
    let family_present =
        |stem: &str| section.entries.iter().any(|e| find_key(ty, &e.name).is_some_and(|m| m.spec.name == stem));
    let later = crate::schema::keys::LATER_KEYS
        .iter()
        .filter(|k| k.spec.sections.contains(&ty) && version.is_some_and(|v| v.at_least(k.since)))
        .map(|k| &k.spec);
    keys_for(ty)
        .chain(later)
        .filter_map(|spec| {
            let label = next_key_name(spec, section, &present)?;
            if !matches(&label, prefix) {
                return None;
            }
            let insert = if has_delimiter { label.clone() } else { format!("{label}=") };
            let required = spec.requirement == Requirement::Required
                && !spec.protected
                && !family_present(spec.name)
                && !spec.twin.is_some_and(family_present);
            let detail = if required { format!("required · {}", describe(spec)) } else { describe(spec) };
            let mut completion = Completion::new(
                label,
                detail,
                spec.help.to_string(),
                TextEdit::replace(replace, insert),
                CompletionKind::Key,
            );
            completion.required = required;
            Some(completion)
        })
        .collect()
}

/// The name to offer for `spec` in `section`: the bare key if absent, otherwise the
/// next free number of a numbered family; `None` when nothing more can be added.
fn next_key_name(spec: &KeySpec, section: &Section, present: &BTreeSet<&str>) -> Option<String> {
    let ty = SectionType::from_section_name(&section.name)?;
    let family_numbers: BTreeSet<u32> = section
        .entries
        .iter()
        .filter_map(|e| find_key(ty, &e.name).filter(|m| m.spec.name == spec.name).map(|m| m.index.unwrap_or(1)))
        .collect();
    match spec.numbering {
        Numbering::Single => (!present.contains(spec.name)).then(|| spec.name.to_string()),
        Numbering::BareOrNumbered if family_numbers.is_empty() => Some(spec.name.to_string()),
        Numbering::BareOrNumbered | Numbering::NumberedOnly => {
            // For a secret family, offer the number its partner is waiting for (radius_ip_2 → radius_secret_2).
            let next = (1u32..).find(|n| !family_numbers.contains(n))?;
            Some(format!("{}_{next}", spec.name))
        }
    }
}

fn describe(spec: &KeySpec) -> String {
    let ty = match spec.value_type {
        ValueType::Bool => "true/false".to_string(),
        ValueType::Enum(values) => values.iter().map(|v| v.name).collect::<Vec<_>>().join("|"),
        other => format!("{other:?}").to_lowercase(),
    };
    match spec.default {
        Some(default) => format!("{ty} (default {default})"),
        None => ty,
    }
}

fn values(
    doc: &Document,
    section: usize,
    key: &str,
    prefix: &str,
    replace: TextRange,
    platform: Platform,
) -> Vec<Completion> {
    let section = &doc.sections[section];
    let Some(ty) = SectionType::from_section_name(&section.name) else { return Vec::new() };
    let Some(m) = find_key(ty, key) else { return Vec::new() };
    let offer = |label: &str, doc_text: &str| {
        Completion::new(
            label.to_string(),
            key.to_string(),
            doc_text.to_string(),
            TextEdit::replace(replace, label),
            CompletionKind::Value,
        )
    };
    let mut out: Vec<Completion> = match m.spec.value_type {
        ValueType::Enum(values) => values
            .iter()
            .filter(|v: &&EnumValue| !v.windows_only || platform == Platform::Windows)
            .map(|v| offer(v.name, v.help))
            .collect(),
        ValueType::Bool => vec![offer("true", "Turn it on."), offer("false", "Turn it off.")],
        ValueType::TlsVersion => {
            ["tls1.2", "tls1.1", "tls1.0", "ssl3"].iter().map(|v| offer(v, "Lowest TLS version accepted.")).collect()
        }
        ValueType::FactorList => ["auto", "push", "phone", "passcode"]
            .iter()
            .map(|v| offer(v, "Second factor, in order of preference."))
            .collect(),
        _ if m.spec.name == "client" => doc
            .regular_sections()
            .filter(|s| role_of(&s.name) == Role::Client)
            .map(|s| offer(&s.name, "An existing client section."))
            .collect(),
        _ if m.spec.name == "server" && ty == SectionType::Main => doc
            .regular_sections()
            .filter(|s| role_of(&s.name) == Role::Server)
            .map(|s| offer(&s.name, "An existing server section."))
            .collect(),
        _ => Vec::new(),
    };
    out.retain(|c| matches(&c.label, prefix));
    out
}

/// Help for what is under `offset`: a key (type, default, help) or a section name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The key or section name hovered.
    pub range: TextRange,
    /// What to show.
    pub text: String,
}

/// Hover help at byte `offset`.
#[must_use]
pub fn hover(doc: &Document, offset: usize) -> Option<Hover> {
    let line = doc.line_index.line_of(offset.min(doc.text().len()));
    let section = doc.section_at_line(line).map(|i| &doc.sections[i])?;
    let ty = SectionType::from_section_name(&section.name);
    if section.line == line && section.name_range.contains_inclusive(offset) {
        let text = match ty {
            Some(ty) => format!("[{}]: {}", section.name, ty.help()),
            None => format!("[{}] is not a section type the proxy knows.", section.name),
        };
        return Some(Hover { range: section.name_range, text });
    }
    let entry = section.entries.iter().find(|e| e.line == line && e.key_range.contains_inclusive(offset))?;
    let text = if let Some(m) = ty.and_then(|t| find_key(t, &entry.name)) {
        format!("{} — {}\n{}", entry.name, describe(m.spec), m.spec.help)
    } else if let Some(later) = ty.and_then(|t| crate::schema::keys::find_later_key(t, &entry.name)) {
        format!(
            "{} — {}; added in {}, rejected by 5.x\n{}",
            entry.name,
            describe(&later.spec),
            later.since_text(),
            later.spec.help
        )
    } else {
        format!("{} is not a key of [{}] sections.", entry.name, ty.map_or(section.name.as_str(), |t| t.base_name()))
    };
    Some(Hover { range: entry.key_range, text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::apply;

    /// Completes at `$0` and returns the labels.
    fn labels(fixture: &str) -> Vec<String> {
        let offset = fixture.find("$0").unwrap();
        let text = fixture.replace("$0", "");
        complete(&Document::parse(&text), offset, Platform::Linux).into_iter().map(|c| c.label).collect()
    }

    fn accept(fixture: &str, label: &str) -> String {
        let offset = fixture.find("$0").unwrap();
        let text = fixture.replace("$0", "");
        let doc = Document::parse(&text);
        let c = complete(&doc, offset, Platform::Linux).into_iter().find(|c| c.label == label).unwrap();
        apply(&text, &[c.edit]).unwrap()
    }

    #[test]
    fn keys_added_after_5_0_are_offered_only_for_a_release_that_has_them() {
        let text = "[radius_server_auto]\nforce_";
        let doc = Document::parse(text);
        let offered = |version| {
            complete_with(&doc, text.len(), Platform::Linux, Trigger::Typing, version)
                .into_iter()
                .map(|c| c.label)
                .collect::<Vec<_>>()
        };
        assert_eq!(offered(Some(crate::schema::ProxyVersion::new(6, 8, 0))), ["force_message_authenticator"]);
        assert!(offered(Some(crate::schema::ProxyVersion::BASELINE)).is_empty());
        assert!(offered(None).is_empty());
    }

    #[test]
    fn hover_explains_a_key_added_after_5_0() {
        let text = "[radius_server_auto]\nforce_message_authenticator=true\n";
        let hover = hover(&Document::parse(text), 25).unwrap();
        assert!(hover.text.contains("added in a 6.x release") && hover.text.contains("Blast-RADIUS"), "{}", hover.text);
    }

    #[test]
    fn section_names_with_the_next_free_number() {
        let l = labels("[ad_client]\nhost=a\n\n[ad_$0");
        assert_eq!(l, ["ad_client2"]);
        let l = labels("[main]\n[$0");
        assert!(!l.contains(&"main".to_string()) && l.contains(&"cloud".to_string()) && l.len() == 13, "{l:?}");
        assert_eq!(
            accept("[radius_server_auto]\n[rad$0]", "radius_server_auto2"),
            "[radius_server_auto]\n[radius_server_auto2]"
        );
    }

    #[test]
    fn keys_not_yet_present_with_the_next_free_index() {
        let l = labels("[ad_client]\nhost=dc1\n$0");
        assert!(l.contains(&"host_2".to_string()) && !l.contains(&"host".to_string()), "{l:?}");
        assert!(l.contains(&"search_dn".to_string()));
        let l =
            labels("[radius_server_auto]\nradius_ip_1=10.0.0.1\nradius_secret_1=x\nradius_ip_2=10.0.0.2\nradius_$0");
        assert!(l.contains(&"radius_ip_3".to_string()) && l.contains(&"radius_secret_2".to_string()), "{l:?}");
        assert_eq!(labels("[radius_server_auto]\nfailm$0"), ["failmode"]);
        assert_eq!(accept("[radius_server_auto]\nfailm$0", "failmode"), "[radius_server_auto]\nfailmode=");
        assert_eq!(accept("[radius_server_auto]\nfailm$0=safe", "failmode"), "[radius_server_auto]\nfailmode=safe");
        assert_eq!(
            accept("[radius_server_auto]\n$0  failmod=safe", "failmode"),
            "[radius_server_auto]\n  failmode=safe"
        );
    }

    #[test]
    fn a_new_section_comes_with_its_required_keys_and_the_caret_after_the_first() {
        let text = "[main]\ndebug=true\n\n[radius_server_au";
        let doc = Document::parse(text);
        let c =
            complete(&doc, text.len(), Platform::Linux).into_iter().find(|c| c.label == "radius_server_auto").unwrap();
        let required = required_keys("radius_server_auto", Platform::Linux);
        assert!(
            ["ikey", "skey", "api_host", "radius_ip_1", "radius_secret_1"]
                .iter()
                .all(|k| required.contains(&k.to_string())),
            "{required:?}"
        );
        let done = apply(text, std::slice::from_ref(&c.edit)).unwrap();
        assert!(done.starts_with("[main]\ndebug=true\n\n[radius_server_auto]\nikey=\n"), "{done}");
        let caret = c.edit.range.start + c.caret.unwrap();
        assert_eq!(&done[..caret], "[main]\ndebug=true\n\n[radius_server_auto]\nikey=");
        // The new section has none of the missing-key errors left.
        let options = Options { platform: Some(Platform::Linux), ..Options::default() };
        let missing: Vec<_> =
            validate(&Document::parse(&done), &options).into_iter().filter(|d| d.kind == Kind::MissingKey).collect();
        assert!(missing.is_empty(), "{missing:?}");
        // Renaming an existing header adds nothing.
        assert_eq!(
            accept("[ad_client]\nhost=a\n[ad_$0]\nhost=b\n", "ad_client2"),
            "[ad_client]\nhost=a\n[ad_client2]\nhost=b\n"
        );
    }

    #[test]
    fn missing_required_keys_come_first_and_are_marked() {
        let text = "[ad_client]\nhost=dc1\n";
        let doc = Document::parse(text);
        let items = complete(&doc, text.len(), Platform::Linux);
        let first_optional = items.iter().position(|c| !c.required).unwrap();
        assert!(first_optional > 0, "{:?}", items.iter().map(|c| &c.label).collect::<Vec<_>>());
        assert!(items[..first_optional].iter().all(|c| c.detail.starts_with("required")));
        assert!(items[..first_optional].iter().any(|c| c.label == "search_dn"), "search_dn is required");
        assert!(items.iter().all(|c| !(c.required && c.label.starts_with("host"))), "host is there already");
    }

    #[test]
    fn asked_for_on_a_written_value_every_allowed_value_shows() {
        let text = "[radius_server_auto]\nfailmode=safe\n";
        let doc = Document::parse(text);
        let at = text.find("safe").unwrap() + 4;
        let typed: Vec<_> = complete(&doc, at, Platform::Linux).into_iter().map(|c| c.label).collect();
        assert_eq!(typed, ["safe"]);
        let asked = complete_with(&doc, at, Platform::Linux, Trigger::Explicit, None);
        assert_eq!(asked.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), ["safe", "secure"]);
        assert!(asked[0].exact && !asked[1].exact);
        let done = apply(text, std::slice::from_ref(&asked[1].edit)).unwrap();
        assert_eq!(done, "[radius_server_auto]\nfailmode=secure\n", "the whole value is replaced");
    }

    #[test]
    fn values_enums_booleans_and_client_sections() {
        assert_eq!(labels("[radius_server_auto]\nfailmode=$0"), ["safe", "secure"]);
        assert_eq!(labels("[ad_client]\nauth_type=$0"), ["ntlm1", "ntlm2", "plain"], "no sspi on Linux");
        assert_eq!(labels("[main]\ndebug=t$0"), ["true"]);
        let fixture = "[ad_client]\nhost=a\n[radius_client]\nhost=10.0.0.1\n[radius_server_auto]\nclient=$0\n";
        assert_eq!(labels(fixture), ["ad_client", "radius_client"]);
        assert_eq!(
            accept("[ad_client2]\n[cloud]\n[radius_server_auto]\nclient=ad$0", "ad_client2"),
            "[ad_client2]\n[cloud]\n[radius_server_auto]\nclient=ad_client2"
        );
    }

    #[test]
    fn nothing_in_comments_and_headers_before_any_section() {
        assert!(labels("[main]\n; comm$0ent").is_empty());
        let l = labels("$0");
        assert!(l.contains(&"main".to_string()));
        assert_eq!(accept("ma$0", "main"), "[main]");
    }

    #[test]
    fn hover_explains_keys_and_sections() {
        let text = "[radius_server_auto]\nfailmode=safe\nbogus=1\n";
        let doc = Document::parse(text);
        let h = hover(&doc, text.find("failmode").unwrap() + 2).unwrap();
        assert!(h.text.starts_with("failmode — safe|secure (default safe)"), "{}", h.text);
        assert!(hover(&doc, 3).unwrap().text.contains("RADIUS listener"));
        assert!(hover(&doc, text.find("bogus").unwrap()).unwrap().text.contains("not a key"));
        assert!(hover(&doc, text.find("safe\n").unwrap() + 1).is_none());
    }
}
