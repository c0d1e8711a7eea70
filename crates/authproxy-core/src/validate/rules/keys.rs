//! Per-key rules: known keys, value types, required keys, numbered families, ignored keys.

use std::collections::BTreeSet;

use super::{origin, value_range};
use crate::config::{Document, Entry, TextEdit};
use crate::schema::keys::{find_later_key, LaterKey, ALIASES, DEPRECATED_KEYS, LATER_KEYS, RUNTIME_ONLY_KEYS};
use crate::schema::types::ValueContext;
use crate::schema::{
    check_value, find_key, keys_for, KeySpec, Numbering, ProxyVersion, Requirement, SectionType, TypeError, ValueType,
};
use crate::text::TextRange;
use crate::validate::similar::closest;
use crate::validate::view::{Item, View};
use crate::validate::{Diagnostic, Fix, Kind, Options, Severity};

pub fn check(doc: &Document, view: &View<'_>, options: &Options<'_>, out: &mut Vec<Diagnostic>) {
    let Some(ty) = view.ty else { return };
    let ctx = ValueContext { platform: options.platform(), install_dir: options.install_dir.as_deref() };
    for item in &view.items {
        check_item(doc, view, ty, item, &ctx, options.proxy_version, out);
    }
    check_required(view, ty, out);
    if ty.is_radius_server() {
        check_radius_pairs(view, out);
    }
    if matches!(
        ty,
        SectionType::RadiusServerAuto
            | SectionType::RadiusServerChallenge
            | SectionType::RadiusServerIframe
            | SectionType::RadiusServerConcat
            | SectionType::RadiusServerDuoOnly
    ) {
        check_gapped(view, "exempt_username", false, out);
    }
    if ty == SectionType::RadiusClient {
        check_gapped(view, "host", true, out);
    }
    check_skey_pair(view, out);
}

fn check_item(
    doc: &Document,
    view: &View<'_>,
    ty: SectionType,
    item: &Item<'_>,
    ctx: &ValueContext<'_>,
    version: Option<ProxyVersion>,
    out: &mut Vec<Diagnostic>,
) {
    let entry = item.entry;
    let section = view.name();
    let from = origin(item.inherited);
    let Some(m) = item.key else {
        if let Some((_, _, canonical)) = ALIASES.iter().find(|(t, alias, _)| *t == ty && *alias == entry.name) {
            if let Some(spec) = find_key(ty, canonical) {
                check_typed_value(view, spec.spec, entry, from, ctx, out);
            }
            return;
        }
        if let Some(later) = find_later_key(ty, &entry.name) {
            check_later_key(view, later, entry, from, ctx, version, out);
            return;
        }
        out.push(unknown_key(doc, view, ty, entry, from, version));
        return;
    };
    if !m.spec.protected {
        check_typed_value(view, m.spec, entry, from, ctx, out);
    }
    check_inline_comment(m.spec, entry, section, out);
}

fn check_typed_value(
    view: &View<'_>,
    spec: &KeySpec,
    entry: &Entry,
    from: &str,
    ctx: &ValueContext<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let key = &entry.name;
    match check_value(spec.value_type, &entry.value, ctx) {
        Ok(()) => {}
        Err(TypeError::Invalid(expected)) => {
            let comment_hint = if find_inline_comment(&entry.value).is_some() {
                " The text after ';' or '#' is part of the value: the proxy has no inline comments."
            } else {
                ""
            };
            let mut d = Diagnostic::new(
                Kind::InvalidValue,
                value_range(entry),
                format!("Invalid value for {key}{from}: {expected}.{comment_hint}"),
            )
            .in_section(view.name())
            .with_keys([key.clone()]);
            if let Some((title, replacement)) = value_fix(spec, entry, ctx) {
                d = d.with_fix(title, vec![TextEdit::replace(entry.value_range, replacement)]);
            }
            out.push(d);
        }
        Err(TypeError::Unverifiable(why)) => out.push(
            Diagnostic::new(Kind::PathNotChecked, value_range(entry), format!("{key}{from}: {why}"))
                .in_section(view.name())
                .with_keys([key.clone()]),
        ),
    }
}

/// An obvious repair for an invalid value: drop a swallowed comment when what precedes
/// it is valid, or correct a misspelt enum value.
fn value_fix(spec: &KeySpec, entry: &Entry, ctx: &ValueContext<'_>) -> Option<(String, String)> {
    if entry.is_multiline() || entry.value_range.is_empty() || spec.secret {
        return None;
    }
    if let Some(start) = find_inline_comment(&entry.value) {
        let before = entry.value[..start].trim_end();
        if check_value(spec.value_type, before, ctx).is_ok() {
            return Some(("Remove the trailing comment".to_string(), before.to_string()));
        }
    }
    if let ValueType::Enum(values) = spec.value_type {
        let lower = entry.value.to_lowercase();
        let allowed = values.iter().filter(|v| !v.windows_only || ctx.platform == crate::schema::Platform::Windows);
        if let Some(best) = closest(&lower, allowed.map(|v| v.name)) {
            return Some((format!("Change to {best}"), best.to_string()));
        }
    }
    None
}

fn unknown_key(
    doc: &Document,
    view: &View<'_>,
    ty: SectionType,
    entry: &Entry,
    from: &str,
    version: Option<ProxyVersion>,
) -> Diagnostic {
    let key = &entry.name;
    let section = view.name();
    let base = Diagnostic::new(Kind::UnexpectedKey, entry.key_range, String::new())
        .in_section(section)
        .with_keys([key.clone()]);
    if DEPRECATED_KEYS.iter().any(|k| k.name == key && k.sections.contains(&ty)) {
        let mut d = Diagnostic::new(
            Kind::DeprecatedKey,
            entry.key_range,
            format!("{key}{from} is deprecated and has no effect; remove it."),
        )
        .in_section(section)
        .with_keys([key.clone()]);
        if !entry.key.is_empty() {
            d = d.with_fix(format!("Remove {key}"), vec![doc.delete_key(entry)]);
        }
        return d;
    }
    if let Some(extra) = RUNTIME_ONLY_KEYS.iter().find(|k| k.name == key && k.sections.contains(&ty)) {
        return Diagnostic {
            message: format!(
                "Unexpected key {key}{from} in [{section}]: Duo's 5.0.0 checker rejects it, although the \
                 running proxy reads it. {}",
                extra.note
            ),
            ..base
        };
    }
    let later =
        LATER_KEYS.iter().filter(|k| k.spec.sections.contains(&ty) && version.is_none_or(|v| v.at_least(k.since)));
    let candidates: Vec<String> = keys_for(ty)
        .chain(later.map(|k| &k.spec))
        .map(|spec| match spec.numbering {
            Numbering::NumberedOnly => format!("{}_1", spec.name),
            _ => spec.name.to_string(),
        })
        .collect();
    let suggestion = closest(key, candidates.iter().map(String::as_str)).map(str::to_string);
    let elsewhere: Vec<&str> = SectionType::ALL
        .iter()
        .filter(|t| **t != ty && (find_key(**t, key).is_some() || find_later_key(**t, key).is_some()))
        .map(|t| t.base_name())
        .collect();
    let mut message =
        format!("Unexpected key {key}{from}: [{section}] ({} section) does not accept it.", ty.base_name());
    if let Some(s) = &suggestion {
        message.push_str(&format!(" Did you mean {s}?"));
    } else if !elsewhere.is_empty() {
        message.push_str(&format!(" It belongs in {} sections.", elsewhere.join(", ")));
    }
    let newer_proxy = version.filter(|v| v.at_least(ProxyVersion::V6));
    let mut severity = Severity::Error;
    match newer_proxy {
        Some(v) if suggestion.is_none() && elsewhere.is_empty() => {
            severity = Severity::Warning;
            message = format!(
                "Unknown key {key}{from} in [{section}]: it is close to no key this tool knows. Its key list is \
                 exact for proxy 5.0.0 and holds only what is known of later releases, so your {v} proxy may \
                 accept it; check Duo's reference for your version, and run the proxy's own check after saving."
            );
        }
        Some(v) => message
            .push_str(&format!(" This looks like a misplaced or misspelt key, which your {v} proxy rejects too.")),
        None => match version {
            Some(v) => message.push_str(&format!(" Your {v} proxy's checker rejects it.")),
            None => message.push_str(
                " The key list is Duo's 5.0.0 checker's; if your proxy is newer, set its version (the status \
                 bar, or --proxy-version) to have keys added later checked too.",
            ),
        },
    }
    let mut d = Diagnostic { message, severity, ..base };
    if let Some(s) = suggestion {
        if !entry.key.is_empty() {
            d = d.with_fix(format!("Rename to {s}"), vec![TextEdit::replace(entry.key_range, s)]);
        }
    }
    d
}

/// A key added after 5.0.0: accepted and type-checked at or after its release, a warning when the
/// proxy's version is unknown, and the 5.0.0 checker's error before it.
fn check_later_key(
    view: &View<'_>,
    later: &LaterKey,
    entry: &Entry,
    from: &str,
    ctx: &ValueContext<'_>,
    version: Option<ProxyVersion>,
    out: &mut Vec<Diagnostic>,
) {
    let key = &entry.name;
    let section = view.name();
    let since = later.since_text();
    let finding = |severity: Severity, message: String| {
        Diagnostic::new(Kind::UnexpectedKey, entry.key_range, message)
            .with_severity(severity)
            .in_section(section)
            .with_keys([key.clone()])
    };
    match version {
        Some(v) if v.at_least(later.since) => {}
        Some(v) => {
            out.push(finding(
                Severity::Error,
                format!(
                    "Unexpected key {key}{from} in [{section}]: it was added in {since}, and your {v} proxy \
                     rejects it. Remove it, or upgrade the proxy first. {}",
                    later.spec.help
                ),
            ));
            return;
        }
        None => out.push(finding(
            Severity::Warning,
            format!(
                "{key}{from} was added in {since}: it is accepted by 6.x proxies and rejected by 5.x, whose \
                 checker reports it as an unexpected key. This proxy's version is not known: set it (the status bar, or \
                 --proxy-version) to check for that release. {}",
                later.spec.help
            ),
        )),
    }
    check_typed_value(view, &later.spec, entry, from, ctx, out);
}

/// Where `value` has whitespace followed by `;` or `#` (a would-be inline comment).
pub fn find_inline_comment(value: &str) -> Option<usize> {
    let bytes = value.as_bytes();
    let marker = memchr::memchr2_iter(b';', b'#', bytes).find(|&i| i > 0 && bytes[i - 1].is_ascii_whitespace())?;
    Some(bytes[..marker].iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |last| last + 1))
}

fn check_inline_comment(spec: &KeySpec, entry: &Entry, section: &str, out: &mut Vec<Diagnostic>) {
    if entry.is_multiline() {
        return;
    }
    let Some(start) = find_inline_comment(&entry.value) else { return };
    let marker = entry.value[start..].trim_start().chars().next().unwrap_or(';');
    if marker == ';' && matches!(spec.value_type, ValueType::Dn | ValueType::LdapFilter) {
        return;
    }
    let range = TextRange::new(entry.value_range.start + start, entry.value_range.end);
    out.push(
        Diagnostic::new(
            Kind::InlineComment,
            range,
            format!(
                "'{marker}' here does not start a comment: the proxy only knows full-line comments, so this \
                 text is part of the value of {}. Move the comment to its own line above.",
                entry.name
            ),
        )
        .in_section(section)
        .with_keys([entry.name.clone()])
        .with_fix("Remove the trailing text", vec![TextEdit::delete(range)]),
    );
}

/// Whether a key of `spec`'s family (bare or numbered) or its protected twin is present.
fn family_present(view: &View<'_>, stem: &str) -> bool {
    view.items.iter().any(|i| i.is(stem))
}

fn check_required(view: &View<'_>, ty: SectionType, out: &mut Vec<Diagnostic>) {
    for spec in keys_for(ty) {
        if spec.requirement != Requirement::Required || spec.protected || spec.numbering == Numbering::NumberedOnly {
            continue;
        }
        let present = family_present(view, spec.name) || spec.twin.is_some_and(|twin| family_present(view, twin));
        if !present {
            out.push(missing(view, spec.name, spec.help));
        }
    }
}

/// A `MissingKey` at the section header.
pub fn missing(view: &View<'_>, key: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        Kind::MissingKey,
        view.section.header_range,
        format!("[{}] is missing the required key {key}. {help}", view.name()),
    )
    .in_section(view.name())
    .with_keys([key.to_string()])
}

/// Gives each `MissingKey` a fix that adds the key, with an empty value, at the end of its section.
pub fn add_missing_key_fixes(doc: &Document, out: &mut [Diagnostic]) {
    for d in out.iter_mut().filter(|d| d.kind == Kind::MissingKey && d.fix.is_none()) {
        let Some(key) = d.keys.first() else { continue };
        let line = doc.line_index.line_of(d.range.start.min(doc.text().len()));
        let Some(section) = doc.section_at_line(line).map(|i| &doc.sections[i]) else { continue };
        if section.entries.iter().any(|e| e.name == *key) {
            continue;
        }
        if let Ok(edit) = doc.insert_key(section, key, "") {
            d.fix = Some(Fix { title: format!("Add {key}"), edits: vec![edit] });
        }
    }
}

fn indices<'d>(view: &View<'d>, stem: &str) -> Vec<(u32, &'d Entry)> {
    view.items.iter().filter(|i| i.is(stem)).filter_map(|i| i.key.and_then(|m| m.index).map(|n| (n, i.entry))).collect()
}

fn check_radius_pairs(view: &View<'_>, out: &mut Vec<Diagnostic>) {
    let ips = indices(view, "radius_ip");
    let plain = indices(view, "radius_secret");
    let protected = indices(view, "radius_secret_protected");
    let section = view.name();
    if ips.is_empty() {
        out.push(missing(
            view,
            "radius_ip_1",
            "List the RADIUS clients (devices) allowed to use this listener as radius_ip_1, radius_ip_2, …",
        ));
    }
    if plain.is_empty() && protected.is_empty() {
        out.push(missing(
            view,
            "radius_secret_1",
            "Each radius_ip_N needs the shared secret radius_secret_N that the device uses.",
        ));
    }
    let secret_numbers: BTreeSet<u32> = plain.iter().chain(&protected).map(|(n, _)| *n).collect();
    let ip_numbers: BTreeSet<u32> = ips.iter().map(|(n, _)| *n).collect();
    for (n, entry) in &ips {
        if !secret_numbers.contains(n) {
            out.push(
                Diagnostic::new(
                    Kind::UnpairedKey,
                    entry.key_range,
                    format!("{} has no matching radius_secret_{n}: every radius_ip_N needs the shared secret with the same number. Add radius_secret_{n} (or radius_secret_protected_{n}).", entry.name),
                )
                .in_section(section)
                .with_keys([format!("radius_secret_{n}"), entry.name.to_string()]),
            );
        }
    }
    for (n, entry) in plain.iter().chain(&protected) {
        if !ip_numbers.contains(n) {
            out.push(
                Diagnostic::new(
                    Kind::UnpairedKey,
                    entry.key_range,
                    format!("{} has no matching radius_ip_{n}: the secret is unused until radius_ip_{n} names the client it belongs to.", entry.name),
                )
                .in_section(section)
                .with_keys([format!("radius_ip_{n}"), entry.name.to_string()]),
            );
        }
    }
    for (n, entry) in &protected {
        if let Some((_, plain_entry)) = plain.iter().find(|(m, _)| m == n) {
            out.push(
                Diagnostic::new(
                    Kind::IncompatibleKeys,
                    entry.key_range,
                    format!(
                        "Both {} and {} are set; use only one. Keep the protected form and remove the plain one.",
                        plain_entry.name, entry.name
                    ),
                )
                .in_section(section)
                .with_keys([plain_entry.name.to_string(), entry.name.to_string()]),
            );
        }
    }
}

fn check_skey_pair(view: &View<'_>, out: &mut Vec<Diagnostic>) {
    if let (Some(_), Some(protected)) = (view.get("skey"), view.get("skey_protected")) {
        out.push(
            Diagnostic::new(
                Kind::IncompatibleKeys,
                protected.key_range,
                "Both skey and skey_protected are set; use only one. Keep skey_protected and remove the plain skey.",
            )
            .in_section(view.name())
            .with_keys(["skey", "skey_protected"]),
        );
    }
}

/// Keys read as `stem_1`, `stem_2`, … until the first gap; the bare `stem` is the
/// first slot only when `bare_is_first` (radius_client `host`), otherwise ignored.
fn check_gapped(view: &View<'_>, stem: &str, bare_is_first: bool, out: &mut Vec<Diagnostic>) {
    let numbered = indices(view, stem);
    let bare = view.get(stem);
    let mut present: BTreeSet<u32> = numbered.iter().map(|(n, _)| *n).collect();
    if bare_is_first && bare.is_some() {
        present.insert(1);
    }
    let mut reachable = 0;
    while present.contains(&(reachable + 1)) {
        reachable += 1;
    }
    if let (false, Some(entry)) = (bare_is_first, bare) {
        out.push(
            ignored(
                view,
                entry,
                format!(
                    "The running proxy ignores a bare {stem}: it reads {stem}_1, {stem}_2, … Rename it to {stem}_1."
                ),
            )
            .with_fix(format!("Rename to {stem}_1"), vec![TextEdit::replace(entry.key_range, format!("{stem}_1"))]),
        );
    }
    if let (true, Some(_), Some((_, entry))) = (bare_is_first, bare, numbered.iter().find(|(n, _)| *n == 1)) {
        out.push(ignored(
            view,
            entry,
            format!("{stem} and {stem}_1 name the same first server; the proxy uses {stem} and ignores {stem}_1."),
        ));
    }
    for (n, entry) in &numbered {
        if *n > reachable {
            out.push(ignored(
                view,
                entry,
                format!(
                    "The running proxy never reads {}: it reads {stem}_1, {stem}_2, … and stops at the first missing number ({stem}_{}). Renumber without gaps.",
                    entry.name,
                    reachable + 1
                ),
            ));
        }
    }
}

fn ignored(view: &View<'_>, entry: &Entry, message: String) -> Diagnostic {
    Diagnostic::new(Kind::IgnoredKey, entry.key_range, message).in_section(view.name()).with_keys([entry.name.clone()])
}

#[cfg(test)]
mod tests {
    use super::find_inline_comment;

    #[test]
    fn inline_comment_detection() {
        assert_eq!(find_inline_comment("safe   ; allow on outage"), Some(4));
        assert_eq!(find_inline_comment("a#b"), None);
        assert_eq!(find_inline_comment("x #y"), Some(1));
        assert_eq!(find_inline_comment("plain"), None);
    }
}
