//! Plaintext secrets in a Windows proxy's file, with "protect it" as the fix.

use crate::config::Document;
use crate::schema::Platform;
use crate::secrets::{plaintext_secrets, protect_entry};
use crate::validate::{Diagnostic, Kind, Options};

pub fn check(doc: &Document, options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    if options.platform() != Platform::Windows {
        return;
    }
    let protector = options.protector.filter(|p| p.available());
    for found in plaintext_secrets(doc).into_iter().filter(|f| !f.twin_exists) {
        let section = &doc.sections[found.section];
        let entry = &section.entries[found.entry];
        let how = if protector.is_some() {
            "Use the Protect fix to encrypt it in place with DPAPI.".to_string()
        } else {
            format!(
                "Protect it on the proxy server (DPAPI is needed): authproxy-manager protect --section {} --key {} FILE.",
                found.section_name, found.key
            )
        };
        let mut d = Diagnostic::new(
            Kind::PlaintextSecret,
            entry.key_range,
            format!(
                "{} is stored in plain text; anyone who can read this file can use it. The Windows proxy also \
                 accepts it as {}, encrypted for this machine only. {how}",
                found.key, found.protected_key
            ),
        )
        .in_section(&found.section_name)
        .with_keys([entry.name.clone()]);
        if let Some(edit) = protector.and_then(|p| protect_entry(doc, section, entry, p).ok()) {
            d = d.with_fix(format!("Protect {} (DPAPI)", found.key), vec![edit]);
        }
        out.push(d);
    }
}
