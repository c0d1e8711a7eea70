//! Each section as the proxy sees it after loading: its own entries, the
//! `[DEFAULT]` entries it inherits, and what `[main]` pushes into it.

use crate::config::{Document, Entry, Section};
use crate::schema::{find_key, role_of, KeyMatch, Role, SectionType};

/// One entry of a section, possibly inherited from `[DEFAULT]`.
#[derive(Debug, Clone, Copy)]
pub struct Item<'d> {
    /// The entry as written.
    pub entry: &'d Entry,
    /// Written in `[DEFAULT]`, not in the section itself.
    pub inherited: bool,
    /// The key resolved against the section type's schema (`None` for unknown keys and sections).
    pub key: Option<KeyMatch>,
}

impl Item<'_> {
    /// Whether this is a key of the family `stem` (`host`, `host_2`, …).
    pub fn is(&self, stem: &str) -> bool {
        self.key.is_some_and(|m| m.spec.name == stem)
    }
}

/// A regular section with everything that applies to it.
#[derive(Debug)]
pub struct View<'d> {
    /// The section as written.
    pub section: &'d Section,
    /// Its type, when the name is valid.
    pub ty: Option<SectionType>,
    /// Own entries, then inherited ones not overridden.
    pub items: Vec<Item<'d>>,
    /// `[main] interface`, when this section takes it and has none of its own.
    pub main_interface: Option<&'d Entry>,
    /// `[main] client`, when `[main] server` names this section.
    pub forced_client: Option<&'d Entry>,
}

impl<'d> View<'d> {
    /// The section's name.
    pub fn name(&self) -> &'d str {
        &self.section.name
    }

    /// The first entry (own or inherited) with this lower-case name.
    pub fn get(&self, name: &str) -> Option<&'d Entry> {
        self.items.iter().find(|i| i.entry.name == name).map(|i| i.entry)
    }

    /// The value of [`View::get`].
    pub fn value(&self, name: &str) -> Option<&'d str> {
        self.get(name).map(|e| e.value.as_str())
    }

    /// A value that is present and non-empty.
    pub fn non_empty(&self, name: &str) -> Option<&'d str> {
        self.value(name).filter(|v| !v.is_empty())
    }

    /// The interface the section listens on (own, else from `[main]`).
    pub fn interface(&self) -> Option<&'d str> {
        self.value("interface").or_else(|| self.main_interface.map(|e| e.value.as_str()))
    }

    /// What this section's role is.
    pub fn role(&self) -> Role {
        role_of(self.name())
    }
}

/// Builds a view of every regular section, in file order.
pub fn build<'d>(doc: &'d Document) -> Vec<View<'d>> {
    let defaults: Vec<&Entry> = doc.sections.iter().filter(|s| s.is_default()).flat_map(|s| s.entries.iter()).collect();
    let main = doc.sections.iter().find(|s| s.name.eq_ignore_ascii_case("main"));
    let main_entry = |name: &str| main.and_then(|m| m.get(name));
    let forced = match (main_entry("server"), main_entry("client")) {
        (Some(server), Some(client)) => Some((server.value.as_str(), client)),
        _ => None,
    };

    doc.regular_sections()
        .map(|section| {
            let ty = SectionType::from_section_name(&section.name);
            let item = |entry: &'d Entry, inherited: bool| Item {
                entry,
                inherited,
                key: ty.and_then(|t| find_key(t, &entry.name)),
            };
            let mut items: Vec<Item<'_>> = section.entries.iter().map(|e| item(e, false)).collect();
            for d in &defaults {
                if !section.entries.iter().any(|e| e.name == d.name) {
                    items.push(item(d, true));
                }
            }
            let role = role_of(&section.name);
            let takes_interface = matches!(role, Role::Server | Role::HttpProxy);
            let main_interface = main_entry("interface").filter(|_| takes_interface);
            let forced_client = forced.filter(|(server, _)| *server == section.name).map(|(_, c)| c);
            View { section, ty, items, main_interface, forced_client }
        })
        .collect()
}
