//! Section-level rules: valid names, duplicates the runtime rejects, an empty file.

use crate::config::TextEdit;
use crate::schema::SectionType;
use crate::text::TextRange;
use crate::validate::similar::closest;
use crate::validate::view::View;
use crate::validate::{Diagnostic, Kind};

pub fn check(views: &[View<'_>], out: &mut Vec<Diagnostic>) {
    if views.is_empty() {
        out.push(Diagnostic::new(
            Kind::NoSections,
            TextRange::empty(0),
            "The file has no sections. The checker passes it, but the proxy service will not start \
             without at least one client and one server section (or [cloud] / [sso]).",
        ));
    }
    for view in views.iter().filter(|v| v.ty.is_none()) {
        out.push(invalid_section(view));
    }
    report_extra(views, SectionType::Cloud, out, |first| {
        Diagnostic::new(
            Kind::MultipleCloudSections,
            TextRange::default(),
            format!(
                "Only one directory sync section is allowed per proxy; [{first}] is already defined. The \
                 proxy refuses to start with two (its checker does not notice). Run a second sync connector \
                 on another proxy server."
            ),
        )
    });
    report_extra(views, SectionType::Sso, out, |first| {
        Diagnostic::new(
            Kind::IgnoredSection,
            TextRange::default(),
            format!("Only the first SSO section, [{first}], is used; the proxy ignores this one. Remove it."),
        )
    });
}

fn report_extra(views: &[View<'_>], ty: SectionType, out: &mut Vec<Diagnostic>, make: impl Fn(&str) -> Diagnostic) {
    let mut of_type = views.iter().filter(|v| v.ty == Some(ty));
    let Some(first) = of_type.next() else { return };
    for extra in of_type {
        let mut d = make(first.name()).in_section(extra.name());
        d.range = extra.section.name_range;
        out.push(d);
    }
}

fn invalid_section(view: &View<'_>) -> Diagnostic {
    let name = view.name();
    let range = view.section.name_range;
    let suggestion = suggest_section_name(name);
    let base = "Not a section type the proxy knows, so none of its keys are checked and the proxy will \
                not start. Valid types: main, ad_client, radius_client, duo_only_client, radius_server_auto, \
                radius_server_challenge, radius_server_iframe, radius_server_concat, radius_server_duo_only, \
                radius_server_eap, ldap_server_auto, cloud, sso, http_proxy; numbered copies append digits \
                directly (ad_client2).";
    let mut d = match &suggestion {
        Some(s) => Diagnostic::new(
            Kind::InvalidSection,
            range,
            format!("Unknown section [{name}]. Did you mean [{s}]? {base}"),
        ),
        None => Diagnostic::new(Kind::InvalidSection, range, format!("Unknown section [{name}]. {base}")),
    }
    .in_section(name);
    if let Some(s) = suggestion {
        d = d.with_fix(format!("Rename to [{s}]"), vec![TextEdit::replace(range, s)]);
    }
    d
}

/// A valid name close to `name`: `radius_server_auto_2` → `radius_server_auto2`, typos corrected, spaces trimmed.
pub fn suggest_section_name(name: &str) -> Option<String> {
    let trimmed = name.trim();
    if trimmed != name && SectionType::from_section_name(trimmed).is_some() {
        return Some(trimmed.to_string());
    }
    let lower = trimmed.to_lowercase();
    let digits_at = lower.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (stem, number) = lower.split_at(digits_at);
    let stem_no_sep = stem.trim_end_matches(['_', '-', ' ']);
    if !number.is_empty() && SectionType::from_base_name(stem_no_sep).is_some() {
        return Some(format!("{stem_no_sep}{number}"));
    }
    let normalized = stem_no_sep.replace(['-', ' '], "_");
    let candidate = SectionType::from_base_name(&normalized)
        .map(SectionType::base_name)
        .or_else(|| closest(&normalized, SectionType::ALL.iter().map(|t| t.base_name())))?;
    Some(format!("{candidate}{number}"))
}

#[cfg(test)]
mod tests {
    use super::suggest_section_name;

    #[test]
    fn section_suggestions() {
        assert_eq!(suggest_section_name("radius_server_auto_2").as_deref(), Some("radius_server_auto2"));
        assert_eq!(suggest_section_name("ad-client").as_deref(), Some("ad_client"));
        assert_eq!(suggest_section_name("ad_clinet3").as_deref(), Some("ad_client3"));
        assert_eq!(suggest_section_name(" main ").as_deref(), Some("main"));
        assert_eq!(suggest_section_name("zzzzzz"), None);
    }
}
