//! Whole-section edits for the outline: add a section of a type with its required keys, rename
//! (renumber) one with the `client=` and `[main] server=` values that name it, and delete one,
//! saying which references are left dangling. Every edit is a text replacement; the rest of the
//! file is kept byte for byte.

use super::document::{Document, Entry};
use super::edit::{EditError, TextEdit};
use crate::schema::keys::{keys_for, Numbering, Requirement};
use crate::schema::SectionType;
use crate::text::TextRange;

/// A value elsewhere in the file that names a section: a server's `client=`, or `[main]`'s
/// `client=` or `server=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The section holding it.
    pub section: String,
    /// The key (`client` or `server`).
    pub key: String,
    /// 0-based line of the entry.
    pub line: usize,
    /// The value's bytes.
    pub value_range: TextRange,
}

/// The keys a new section of `ty` starts with: the ones it must have, blank (a numbered family
/// as its `_1`, a secret as its plain key).
#[must_use]
pub fn starter_keys(ty: SectionType) -> Vec<String> {
    keys_for(ty)
        .filter(|spec| spec.requirement == Requirement::Required && !spec.protected && !spec.deprecated)
        .map(|spec| match spec.numbering {
            Numbering::NumberedOnly => format!("{}_1", spec.name),
            Numbering::Single | Numbering::BareOrNumbered => spec.name.to_owned(),
        })
        .collect()
}

/// The name a new section of `ty` gets: its base name when no section has it, else the base
/// name with the next free number (`ad_client2`). `None` for a second `[main]`.
#[must_use]
pub fn next_section_name(doc: &Document, ty: SectionType) -> Option<String> {
    let taken = |name: &str| doc.sections.iter().any(|s| s.name.eq_ignore_ascii_case(name));
    let base = ty.base_name();
    if !taken(base) {
        return Some(base.to_owned());
    }
    if ty == SectionType::Main {
        return None;
    }
    (2u32..).map(|n| format!("{base}{n}")).find(|name| !taken(name))
}

impl Document {
    /// The values that name section `name`, as the proxy looks it up (case ignored).
    #[must_use]
    pub fn references_to(&self, name: &str) -> Vec<Reference> {
        let wanted = name.trim().to_lowercase();
        let mut found = Vec::new();
        for section in self.regular_sections() {
            let is_main = section.name.eq_ignore_ascii_case("main");
            for entry in &section.entries {
                let names_a_section = entry.name == "client" || (is_main && entry.name == "server");
                if names_a_section && entry.value.trim().to_lowercase() == wanted {
                    found.push(reference(&section.name, entry));
                }
            }
        }
        found
    }

    /// Appends a new section of `ty` with the keys it must have, blank: the schema's required
    /// keys, and whatever else the checker then reports missing. Returns its name, the edit,
    /// and the offset of its first blank value (where the caret goes) once applied.
    ///
    /// # Errors
    /// [`EditError::Invalid`] for a second `[main]`.
    pub fn add_section(&self, ty: SectionType) -> Result<(String, TextEdit, usize), EditError> {
        let Some(name) = next_section_name(self, ty) else {
            return Err(EditError::Invalid("the file already has a [main] section".into()));
        };
        let mut keys = starter_keys(ty);
        // The checker's own view of what a fresh section lacks (a service account unless
        // auth_type=sspi, …): whatever it reports missing is added too.
        for _ in 0..2 {
            let entries: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "")).collect();
            let edit = self.insert_section(&name, &entries)?;
            let trial = Document::parse(&super::apply(self.text(), std::slice::from_ref(&edit))?);
            let missing: Vec<String> = crate::validate::validate(&trial, &crate::validate::Options::default())
                .into_iter()
                .filter(|d| d.kind == crate::validate::Kind::MissingKey && d.section.as_deref() == Some(name.as_str()))
                .filter_map(|d| d.keys.into_iter().next())
                .filter(|k| !keys.contains(k))
                .collect();
            if missing.is_empty() {
                break;
            }
            keys.extend(missing);
        }
        let entries: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "")).collect();
        let edit = self.insert_section(&name, &entries)?;
        let header = edit.insert.find('[').unwrap_or(0);
        let caret = match keys.first() {
            // After `key=` on the first key's line.
            Some(first) => {
                let line_start = edit.insert[header..].find(first.as_str()).map_or(header, |i| header + i);
                let value_start =
                    edit.insert[line_start..].find(['\r', '\n']).map_or(edit.insert.len(), |i| line_start + i);
                edit.range.start + value_start
            }
            None => edit.range.start + edit.insert.len(),
        };
        Ok((name, edit, caret))
    }

    /// Renames section `index` to `new_name`, and every value that names it (see
    /// [`Document::references_to`]); returns the edits and the references changed.
    ///
    /// # Errors
    /// [`EditError::Invalid`] for an empty name, one with `]` or a line break, or one another
    /// section has.
    pub fn rename_section(&self, index: usize, new_name: &str) -> Result<(Vec<TextEdit>, Vec<Reference>), EditError> {
        let new_name = new_name.trim();
        let section = self.sections.get(index).ok_or_else(|| EditError::Invalid("no such section".into()))?;
        if new_name.is_empty() || new_name.contains([']', '[', '\n', '\r']) {
            return Err(EditError::Invalid("a section name must be non-empty, without brackets or line breaks".into()));
        }
        let clash = self.sections.iter().enumerate().any(|(i, s)| i != index && s.name.eq_ignore_ascii_case(new_name));
        if clash {
            return Err(EditError::Invalid(format!("another section is already named [{new_name}]")));
        }
        let references = self.references_to(&section.name);
        let mut edits = vec![TextEdit::replace(section.name_range, new_name)];
        edits.extend(references.iter().map(|r| TextEdit::replace(r.value_range, new_name)));
        Ok((edits, references))
    }

    /// Deletes section `index`: its header, its entries and comments, and the comment lines just
    /// above its header, which describe it. Comment lines just above the next header stay with
    /// that section. Returns the edit and the references left naming a missing section, with the
    /// lines they will be on.
    ///
    /// # Errors
    /// [`EditError::Invalid`] when there is no such section.
    pub fn delete_section(&self, index: usize) -> Result<(TextEdit, Vec<Reference>), EditError> {
        let section = self.sections.get(index).ok_or_else(|| EditError::Invalid("no such section".into()))?;
        let is_comment = |line: usize| matches!(self.lines[line].kind, super::LineKind::Comment { .. });
        let mut first = section.line;
        while first > 0
            && is_comment(first - 1)
            && self.section_at_line(first - 1) != self.section_at_line(section.line)
        {
            first -= 1;
        }
        let mut end = section.end_line;
        if end < self.lines.len() {
            while end > section.line + 1 && is_comment(end - 1) {
                end -= 1;
            }
        }
        let start = self.lines[first].content.start;
        let stop = if end < self.lines.len() { self.lines[end].content.start } else { self.text().len() };
        // The references outside the deleted lines, at their lines once it is gone.
        let removed = end - first;
        let references = self
            .references_to(&section.name)
            .into_iter()
            .filter(|r| r.line < first || r.line >= end)
            .map(|r| if r.line >= end { Reference { line: r.line - removed, ..r } } else { r })
            .collect();
        Ok((TextEdit::delete(TextRange::new(start, stop)), references))
    }
}

fn reference(section: &str, entry: &Entry) -> Reference {
    Reference {
        section: section.to_owned(),
        key: entry.name.to_string(),
        line: entry.line,
        value_range: entry.value_range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::apply;

    #[test]
    fn a_new_section_gets_the_next_free_number_and_its_required_keys() {
        let text = "[main]\ndebug=true\n\n[ad_client]\nhost=dc1\n";
        let doc = Document::parse(text);
        assert_eq!(next_section_name(&doc, SectionType::AdClient).as_deref(), Some("ad_client2"));
        assert_eq!(next_section_name(&doc, SectionType::Cloud).as_deref(), Some("cloud"));
        assert_eq!(next_section_name(&doc, SectionType::Main), None);
        let (name, edit, caret) = doc.add_section(SectionType::RadiusServerAuto).unwrap();
        assert_eq!(name, "radius_server_auto");
        let out = apply(text, &[edit]).unwrap();
        assert!(out.starts_with(text), "nothing before it changes");
        let added = &out[text.len()..];
        assert!(
            added.starts_with("\n[radius_server_auto]\nikey=\nskey=\napi_host=\nradius_ip_1=\nradius_secret_1=\n"),
            "{added:?}"
        );
        assert_eq!(&out[caret - 5..caret], "ikey=", "the caret goes to the first blank value");
        assert!(doc.add_section(SectionType::Main).is_err());
    }

    #[test]
    fn starter_keys_are_the_required_ones() {
        assert_eq!(starter_keys(SectionType::Main), Vec::<String>::new());
        assert_eq!(starter_keys(SectionType::AdClient), ["host", "search_dn"]);
        assert_eq!(starter_keys(SectionType::RadiusClient), ["host", "secret"]);
    }

    #[test]
    fn renaming_a_section_renames_the_values_that_name_it() {
        let text = "[main]\nclient = AD_Client\n[ad_client]\nhost=dc\n[radius_server_auto]\nclient=ad_client\n[cloud]\nclient=other\n";
        let doc = Document::parse(text);
        let (edits, references) = doc.rename_section(1, "ad_client2").unwrap();
        assert_eq!(references.len(), 2);
        assert_eq!(
            apply(text, &edits).unwrap(),
            "[main]\nclient = ad_client2\n[ad_client2]\nhost=dc\n[radius_server_auto]\nclient=ad_client2\n[cloud]\nclient=other\n"
        );
        assert!(doc.rename_section(1, "CLOUD").is_err(), "a name another section has");
        assert!(doc.rename_section(1, "a]b").is_err());
        assert!(doc.rename_section(1, " ").is_err());
    }

    #[test]
    fn deleting_a_section_takes_its_comments_and_names_what_pointed_at_it() {
        let text = "[main]\ndebug=true\n\n; the directory\n[ad_client]\nhost=dc\n; old: host_2=dc2\n\n; the VPN\n[radius_server_auto]\nclient=ad_client\n";
        let doc = Document::parse(text);
        let (edit, dangling) = doc.delete_section(1).unwrap();
        assert_eq!(
            apply(text, &[edit]).unwrap(),
            "[main]\ndebug=true\n\n; the VPN\n[radius_server_auto]\nclient=ad_client\n"
        );
        assert_eq!(dangling.len(), 1);
        assert_eq!(
            (dangling[0].section.as_str(), dangling[0].key.as_str(), dangling[0].line),
            ("radius_server_auto", "client", 5)
        );
        let (last, _) = doc.delete_section(2).unwrap();
        assert_eq!(
            apply(text, &[last]).unwrap(),
            "[main]\ndebug=true\n\n; the directory\n[ad_client]\nhost=dc\n; old: host_2=dc2\n\n"
        );
    }
}
