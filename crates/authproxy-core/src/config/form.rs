//! The form view's model of one section: every key its type accepts, grouped (required,
//! connection, security, advanced), with the value written in the file if any; the keys the
//! schema does not know and the comments, kept as read-only rows. And the edits a form makes:
//! set, clear, add a numbered row, remove one. Each is a text replacement, as typing is.

use super::document::{Document, Section};
use super::edit::{EditError, TextEdit};
use super::parser::LineKind;
use crate::schema::keys::{find_key, keys_for, KeySpec, Numbering, Requirement, LATER_KEYS};
use crate::schema::{ProxyVersion, SectionType};

/// Where a key shows in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// The section does not work without it.
    Required,
    /// Where to connect and listen.
    Connection,
    /// Secrets, TLS, failmode and who may log in.
    Security,
    /// Everything else.
    Advanced,
    /// Keys the schema does not know, and comments: shown, not edited here.
    Other,
}

impl Group {
    /// The heading.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Required => "Required",
            Self::Connection => "Connection",
            Self::Security => "Security",
            Self::Advanced => "Advanced",
            Self::Other => "Other lines (edit them in the text)",
        }
    }
}

/// The group of a key of the schema.
#[must_use]
pub fn group_of(spec: &KeySpec) -> Group {
    if matches!(spec.requirement, Requirement::Required | Requirement::Conditional(_)) {
        return Group::Required;
    }
    let name = spec.name;
    let security = spec.secret
        || spec.protected
        || name.starts_with("ssl_")
        || name.starts_with("exempt_")
        || name.starts_with("allow_")
        || name.starts_with("ntlm_")
        || matches!(
            name,
            "failmode"
                | "minimum_tls_version"
                | "cipher_list"
                | "certs"
                | "pkey"
                | "transport"
                | "fips_mode"
                | "http_ca_certs_file"
                | "security_group_dn"
                | "auth_type"
                | "factors"
                | "enroll_challenge"
                | "force_message_authenticator"
        );
    let connection = matches!(
        name,
        "host"
            | "port"
            | "interface"
            | "api_host"
            | "api_port"
            | "api_timeout"
            | "client"
            | "client_ip"
            | "radius_ip"
            | "timeout"
            | "retries"
            | "retry_wait"
            | "network_timeout"
            | "idle_timeout"
            | "http_proxy_host"
            | "http_proxy_port"
            | "nas_ip"
            | "server"
    );
    if security {
        Group::Security
    } else if connection {
        Group::Connection
    } else {
        Group::Advanced
    }
}

/// One row of the form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The key as written, or the name it would be written with.
    pub key: String,
    /// Its schema entry; `None` for a key the schema does not know (read-only).
    pub spec: Option<&'static KeySpec>,
    /// The number of a numbered key (`host_2` → 2).
    pub number: Option<u32>,
    /// The entry's index in the section, when the key is written.
    pub entry: Option<usize>,
    /// The value as the proxy reads it, when written.
    pub value: Option<String>,
    /// The value `[DEFAULT]` gives it, when it is not written here (the proxy copies `[DEFAULT]`'s
    /// keys into every section).
    pub inherited: Option<String>,
    /// Its group.
    pub group: Group,
}

/// A numbered family a row can be added to (`host_3`, `radius_ip_2` with `radius_secret_2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The stem (`radius_ip`).
    pub stem: &'static str,
    /// The keys the next row adds (`radius_ip_2`, `radius_secret_2`).
    pub next: Vec<String>,
    /// Its group.
    pub group: Group,
}

/// The form of one section.
#[derive(Debug, Clone)]
pub struct Form {
    /// The section's index in the document.
    pub section: usize,
    /// Its type, when the proxy knows it.
    pub ty: Option<SectionType>,
    /// The rows, in group order and, within a group, in the schema's order (numbered rows by
    /// number).
    pub fields: Vec<Field>,
    /// Families a row can be added to.
    pub families: Vec<Family>,
    /// Full-line comments inside the section: (0-based line, text).
    pub comments: Vec<(usize, String)>,
}

/// Keys that come in numbered pairs: a row of one adds the other with the same number.
const PAIRS: [(&str, &str); 1] = [("radius_ip", "radius_secret")];

fn partner(stem: &str) -> Option<&'static str> {
    PAIRS.iter().find_map(|&(a, b)| {
        if a == stem {
            Some(b)
        } else if b == stem {
            Some(a)
        } else {
            None
        }
    })
}

/// The form of section `index` of `doc`, with the keys of `version` (later keys included when
/// the installed release accepts them).
#[must_use]
pub fn form(doc: &Document, index: usize, version: Option<ProxyVersion>) -> Option<Form> {
    let section = doc.sections.get(index)?;
    let ty = SectionType::from_section_name(&section.name);
    let mut fields = Vec::new();
    let mut families = Vec::new();
    let mut shown_entries = vec![false; section.entries.len()];
    if let Some(ty) = ty {
        let later = LATER_KEYS
            .iter()
            .filter(|k| k.spec.sections.contains(&ty) && version.is_some_and(|v| v.at_least(k.since)))
            .map(|k| &k.spec);
        for spec in keys_for(ty).chain(later) {
            add_spec_rows(section, ty, spec, &mut fields, &mut families, &mut shown_entries);
        }
    }
    for (i, entry) in section.entries.iter().enumerate().filter(|(i, _)| !shown_entries[*i]) {
        fields.push(Field {
            key: entry.key.to_string(),
            spec: None,
            number: None,
            entry: Some(i),
            value: Some(entry.value.to_string()),
            inherited: None,
            group: Group::Other,
        });
    }
    if let Some(defaults) = doc.sections.iter().find(|s| s.is_default()).filter(|_| !section.is_default()) {
        for field in fields.iter_mut().filter(|f| f.value.is_none()) {
            field.inherited = defaults.value(&field.key.to_ascii_lowercase()).map(str::to_owned);
        }
    }
    order_rows(&mut fields);
    let comments = (section.line + 1..section.end_line)
        .filter_map(|line| match doc.lines[line].kind {
            LineKind::Comment { .. } => Some((line, doc.lines[line].content.slice(doc.text()).to_owned())),
            _ => None,
        })
        .collect();
    Some(Form { section: index, ty, fields, families, comments })
}

/// Groups in order; within a group the schema's order, except that a numbered pair's rows go
/// together by number (`radius_ip_1`, `radius_secret_1`, `radius_ip_2`, …).
fn order_rows(fields: &mut Vec<Field>) {
    let stem_of = |f: &Field| f.spec.map(|s| s.name.trim_end_matches("_protected"));
    let first_of_pair = |stem: &str| PAIRS.iter().find(|&&(a, b)| a == stem || b == stem).map(|&(a, _)| a);
    let position_of = |fields: &[Field], stem: &str| fields.iter().position(|f| stem_of(f) == Some(stem));
    let keys: Vec<(Group, usize, u32, usize)> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let pair = stem_of(f).and_then(first_of_pair).filter(|_| f.number.is_some());
            match pair {
                Some(first) => {
                    let anchor = position_of(fields, first).unwrap_or(i);
                    let member = usize::from(stem_of(f) != Some(first));
                    (f.group, anchor, f.number.unwrap_or(0), member)
                }
                None => (f.group, i, 0, 0),
            }
        })
        .collect();
    let mut indexed: Vec<(usize, Field)> = std::mem::take(fields).into_iter().enumerate().collect();
    indexed.sort_by_key(|(i, _)| keys[*i]);
    fields.extend(indexed.into_iter().map(|(_, f)| f));
}

fn add_spec_rows(
    section: &Section,
    ty: SectionType,
    spec: &'static KeySpec,
    fields: &mut Vec<Field>,
    families: &mut Vec<Family>,
    shown: &mut [bool],
) {
    let group = group_of(spec);
    let mut written: Vec<(Option<u32>, usize)> = section
        .entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| find_key(ty, &e.name).filter(|m| std::ptr::eq(m.spec, spec)).map(|m| (m.index, i)))
        .collect();
    written.sort_by_key(|(n, _)| n.unwrap_or(1));
    for &(number, i) in &written {
        shown[i] = true;
        let entry = &section.entries[i];
        fields.push(Field {
            key: entry.key.to_string(),
            spec: Some(spec),
            number,
            entry: Some(i),
            value: Some(entry.value.to_string()),
            inherited: None,
            group,
        });
    }
    // A protected twin stands in for its plain key; the plain key is not offered beside it.
    let twin_written = spec
        .twin
        .is_some_and(|twin| section.entries.iter().any(|e| e.name == twin || e.name.starts_with(&format!("{twin}_"))));
    // A key not written yet is offered blank, unless it only exists numbered (its rows come from
    // the family's Add).
    let offered_blank = spec.numbering != Numbering::NumberedOnly && written.is_empty();
    if offered_blank && !spec.protected && !twin_written {
        fields.push(Field {
            key: spec.name.to_owned(),
            spec: Some(spec),
            number: None,
            entry: None,
            value: None,
            inherited: None,
            group,
        });
    }
    let numbered = spec.numbering != Numbering::Single && !spec.protected;
    let second_of_pair = PAIRS.iter().any(|&(_, b)| b == spec.name);
    if numbered && !second_of_pair && !(spec.numbering == Numbering::BareOrNumbered && written.is_empty()) {
        let next = next_number(section, ty, spec.name);
        let mut keys = vec![format!("{}_{next}", spec.name)];
        if let Some(other) = partner(spec.name) {
            keys.push(format!("{other}_{next}"));
        }
        families.push(Family { stem: spec.name, next: keys, group });
    }
}

/// The first number no key of `stem`'s family (or its pair's) uses; a bare key counts as 1.
fn next_number(section: &Section, ty: SectionType, stem: &str) -> u32 {
    let stems: Vec<&str> = std::iter::once(stem).chain(partner(stem)).collect();
    let used: Vec<u32> = section
        .entries
        .iter()
        .filter_map(|e| find_key(ty, &e.name))
        .filter(|m| stems.contains(&m.spec.name) || m.spec.twin.is_some_and(|t| stems.contains(&t)))
        .map(|m| m.index.unwrap_or(1))
        .collect();
    (1u32..).find(|n| !used.contains(n)).unwrap_or(1)
}

impl Document {
    /// Sets `key` of section `index` to `value`, writing the key at the end of the section when
    /// it is not there; `None` removes the key's line.
    ///
    /// # Errors
    /// [`EditError::Invalid`] for a value with a line break or an unusable key.
    pub fn set_key(&self, index: usize, key: &str, value: Option<&str>) -> Result<Vec<TextEdit>, EditError> {
        let section = self.sections.get(index).ok_or_else(|| EditError::Invalid("no such section".into()))?;
        let lower = key.to_lowercase();
        let entry = section.entries.iter().find(|e| e.name == lower);
        Ok(match (entry, value) {
            (Some(entry), Some(value)) => vec![self.set_value(entry, value)?],
            (Some(entry), None) => vec![self.delete_key(entry)],
            (None, Some(value)) => vec![self.insert_key(section, key, value)?],
            (None, None) => Vec::new(),
        })
    }

    /// Adds blank `keys` at the end of section `index` (a new numbered row), in one edit.
    ///
    /// # Errors
    /// [`EditError::Invalid`] for an unusable key.
    pub fn add_keys(&self, index: usize, keys: &[String]) -> Result<TextEdit, EditError> {
        let section = self.sections.get(index).ok_or_else(|| EditError::Invalid("no such section".into()))?;
        let mut edit: Option<TextEdit> = None;
        for key in keys {
            let next = self.insert_key(section, key, "")?;
            edit = Some(match edit {
                None => next,
                Some(mut all) => {
                    all.insert.push_str(&next.insert);
                    all
                }
            });
        }
        edit.ok_or_else(|| EditError::Invalid("nothing to add".into()))
    }

    /// Removes the numbered row `key` of section `index` and, for a pair, its partner with the
    /// same number.
    #[must_use]
    pub fn remove_row(&self, index: usize, key: &str) -> Vec<TextEdit> {
        let Some(section) = self.sections.get(index) else { return Vec::new() };
        let lower = key.to_lowercase();
        let mut names = vec![lower.clone()];
        if let Some((stem, number)) = lower.rsplit_once('_') {
            let stem = stem.trim_end_matches("_protected");
            if let Some(other) = partner(stem) {
                names.push(format!("{other}_{number}"));
                names.push(format!("{other}_protected_{number}"));
            }
        }
        section.entries.iter().filter(|e| names.contains(&e.name.to_string())).map(|e| self.delete_key(e)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::apply;

    const TEXT: &str = "[radius_server_auto]\n; the VPN\nikey=DIXXXXXXXXXXXXXXXXXX\nradius_ip_1=10.0.0.1\nradius_secret_1=a\nmystery=1\nfailmode=secure\n";

    #[test]
    fn the_form_groups_every_key_and_keeps_unknown_ones_and_comments_read_only() {
        let doc = Document::parse(TEXT);
        let form = form(&doc, 0, None).unwrap();
        let find = |key: &str| form.fields.iter().find(|f| f.key == key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(find("ikey").group, Group::Required);
        assert_eq!(find("ikey").value.as_deref(), Some("DIXXXXXXXXXXXXXXXXXX"));
        assert_eq!(find("skey").value, None, "not written: offered blank");
        assert!(form.fields.iter().all(|f| f.key != "skey_protected"), "the protected twin is not offered beside it");
        assert_eq!(find("failmode").group, Group::Security);
        assert_eq!(find("port").group, Group::Connection);
        assert_eq!(find("radius_ip_1").number, Some(1));
        assert_eq!(find("mystery").group, Group::Other);
        assert!(find("mystery").spec.is_none());
        assert_eq!(form.comments, [(1, "; the VPN".to_owned())]);
        let family = form.families.iter().find(|f| f.stem == "radius_ip").unwrap();
        assert_eq!(family.next, ["radius_ip_2", "radius_secret_2"]);
        let groups: Vec<Group> = form.fields.iter().map(|f| f.group).collect();
        assert!(groups.windows(2).all(|w| w[0] <= w[1]), "rows come in group order");
        let two = Document::parse(&TEXT.replace("mystery=1", "radius_ip_2=10.0.0.2\nradius_secret_2=b"));
        let rows: Vec<String> = super::form(&two, 0, None)
            .unwrap()
            .fields
            .into_iter()
            .map(|f| f.key)
            .filter(|k| k.starts_with("radius_"))
            .collect();
        assert_eq!(rows, ["radius_ip_1", "radius_secret_1", "radius_ip_2", "radius_secret_2"], "pairs go together");
    }

    #[test]
    fn keys_default_gives_show_as_inherited_where_not_written() {
        let text = format!("[DEFAULT]\ndebug=true\nFailmode=safe\n\n{TEXT}");
        let doc = Document::parse(&text);
        let form = form(&doc, 1, None).unwrap();
        let find = |key: &str| form.fields.iter().find(|f| f.key == key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!((find("debug").value.as_deref(), find("debug").inherited.as_deref()), (None, Some("true")));
        assert_eq!(find("failmode").inherited, None, "written here: [DEFAULT]'s value does not apply");
        assert_eq!(find("port").inherited, None);
        let itself = super::form(&doc, 0, None).unwrap();
        assert!(itself.fields.iter().all(|f| f.inherited.is_none()));
    }

    #[test]
    fn form_edits_are_plain_text_edits() {
        let doc = Document::parse(TEXT);
        let set = doc.set_key(0, "failmode", Some("safe")).unwrap();
        assert_eq!(apply(TEXT, &set).unwrap(), TEXT.replace("failmode=secure", "failmode=safe"));
        let added = doc.set_key(0, "port", Some("1813")).unwrap();
        assert_eq!(apply(TEXT, &added).unwrap(), format!("{TEXT}port=1813\n"));
        let cleared = doc.set_key(0, "mystery", None).unwrap();
        assert_eq!(apply(TEXT, &cleared).unwrap(), TEXT.replace("mystery=1\n", ""));
        let row = doc.add_keys(0, &["radius_ip_2".into(), "radius_secret_2".into()]).unwrap();
        assert_eq!(apply(TEXT, &[row]).unwrap(), format!("{TEXT}radius_ip_2=\nradius_secret_2=\n"));
        let removed = doc.remove_row(0, "radius_ip_1");
        assert_eq!(apply(TEXT, &removed).unwrap(), TEXT.replace("radius_ip_1=10.0.0.1\nradius_secret_1=a\n", ""));
        assert!(doc.set_key(0, "failmode", Some("a\nb")).is_err());
    }
}
