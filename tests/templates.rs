//! New from a template: every starter in `assets/templates/` is offered, opens untitled with the
//! caret in its first blank, and validates clean, for Linux and Windows, once its blanks are
//! filled with values of the types the schema gives them.

use std::path::PathBuf;

use authproxy_manager::app::templates::TEMPLATES;
use authproxy_manager::config::{apply, Document, TextEdit};
use authproxy_manager::schema::keys::find_key;
use authproxy_manager::schema::types::ValueType;
use authproxy_manager::schema::{Platform, SectionType};
use authproxy_manager::secrets::protect_all;
use authproxy_manager::validate::{validate, Options, Severity, SsoEnrollment};
use egui_kittest::kittest::Queryable as _;

use crate::util::THIS_MACHINE;

fn template_files() -> Vec<(PathBuf, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/templates");
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cfg"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    files.sort();
    files
}

/// A value an administrator would type for `key` of a section of type `ty`.
fn example(ty: SectionType, key: &str) -> String {
    let Some(found) = find_key(ty, key) else { panic!("[{ty:?}] {key} is not a known key") };
    match (found.spec.value_type, key) {
        (ValueType::Ikey, _) => "DIWJ8X6AEYOR5OMC6TQ1".into(),
        (ValueType::Skey, _) => "Zh5785mYfCGBsk8N6R2sRpRsmYmbTqHanVHLwDlm".into(),
        (ValueType::Rikey, _) => "RIXXXXXXXXXXXXXXXXXX".into(),
        (ValueType::Port, _) => "1812".into(),
        (ValueType::Bool, _) => "true".into(),
        (ValueType::Int | ValueType::NonNegInt, _) => "10".into(),
        (ValueType::SingleIp | ValueType::IpRange | ValueType::IpList, _) => "10.0.0.5".into(),
        (ValueType::Dn, _) => "DC=example,DC=com".into(),
        (ValueType::LdapFilter, _) => "(objectClass=user)".into(),
        (ValueType::Enum(values), _) => values[0].name.into(),
        (_, "api_host") => "api-1a2b3c4d.duosecurity.com".into(),
        (_, "host") => "dc1.example.com".into(),
        (_, k) if k.contains("username") => "svc-duo".into(),
        _ => "Filled-In-Value-7".into(),
    }
}

fn filled(text: &str) -> String {
    let doc = Document::parse(text);
    let mut edits = Vec::new();
    for section in doc.regular_sections() {
        let ty = SectionType::from_section_name(&section.name).expect("a known section type");
        for entry in section.entries.iter().filter(|e| e.value.is_empty()) {
            edits.push(TextEdit::insert(entry.delimiter.end, example(ty, &entry.name)));
        }
    }
    assert!(!edits.is_empty(), "a template has blanks to fill");
    apply(text, &edits).unwrap()
}

#[test]
fn every_template_is_offered_and_validates_clean_once_its_blanks_are_filled() {
    let files = template_files();
    assert_eq!(files.len(), TEMPLATES.len(), "every file in assets/templates is offered, and only those");
    for (path, text) in &files {
        assert!(TEMPLATES.iter().any(|t| t.text == text), "{} is offered", path.display());
        let blank = Document::parse(text);
        for platform in [Platform::Linux, Platform::Windows] {
            let options = Options {
                platform: Some(platform),
                sso_enrollment: SsoEnrollment::Enrolled,
                protector: Some(&THIS_MACHINE),
                ..Options::default()
            };
            assert!(
                validate(&blank, &options).iter().any(|d| d.severity == Severity::Error),
                "{}: the blanks are real",
                path.display()
            );
            let mut text = filled(text);
            if platform == Platform::Windows {
                // On Windows the next step is Protect secrets, or the plaintext secrets are warnings.
                let (edits, refused) = protect_all(&Document::parse(&text), &THIS_MACHINE);
                assert!(refused.is_empty());
                text = apply(&text, &edits).unwrap();
            }
            let doc = Document::parse(&text);
            let findings: Vec<String> = validate(&doc, &options)
                .into_iter()
                .filter(|d| d.severity != Severity::Info)
                .map(|d| format!("{:?} {}", d.kind, d.message))
                .collect();
            assert!(findings.is_empty(), "{} ({platform:?}) once filled: {findings:#?}", path.display());
        }
    }
}

#[test]
fn new_opens_a_template_untitled_with_the_caret_in_its_first_blank() {
    let (_dir, path) = crate::gui::sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = crate::gui::harness(Some(&path), Platform::Linux, None);
    harness.get_by_label("New…").click();
    harness.run();
    harness.get_by_label("LDAP proxy for an application").click();
    harness.run();
    harness.get_by_label("Create").click();
    harness.run();
    let template = TEMPLATES.iter().find(|t| t.title == "LDAP proxy for an application").unwrap();
    assert_eq!(harness.state().text(), template.text);
    let caret = harness.state().editor().caret;
    assert!(template.text[..caret].ends_with("[ad_client]\nhost="), "the caret waits in host=");
    assert!(harness.state().window_title().contains("untitled"), "{}", harness.state().window_title());
    assert!(harness.query_by_label("[ldap_server_auto]").is_some(), "the outline shows the new document");
    // A modified document asks first.
    harness.get_by_label("Configuration editor").type_text("dc1.example.com");
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    harness.run();
    harness.get_by_label("Directory sync ([cloud])").click();
    harness.get_by_label("Create").click();
    harness.run();
    assert!(harness.query_by_label("Discard").is_some(), "unsaved changes are asked about");
    harness.get_by_label("Discard").click();
    harness.run();
    assert_eq!(harness.state().text(), TEMPLATES.iter().find(|t| t.title.starts_with("Directory sync")).unwrap().text);
}
