//! The Form tab (kittest): every widget kind writes the bytes typing would, the form and the
//! text stay in sync both ways, and Undo takes a form change back.

use std::path::{Path, PathBuf};

use authproxy_manager::app::{AuthProxyApp, Environment};
use authproxy_manager::schema::Platform;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;

use crate::gui::FixedDialogs;
use crate::util::THIS_MACHINE;

const CONFIG: &str = "[main]\ndebug=false\n\n[ad_client]\nhost=dc1.example.com\nservice_account_username=svc\nservice_account_password=Pw-Form-4\n\
                      search_dn=DC=example,DC=com\n\n[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\n\
                      skey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\napi_host=api-x.duosecurity.com\nradius_ip_1=10.0.0.1\n\
                      radius_secret_1=Old-Secret-9\nclient=ad_client\n\n[http_proxy]\napi_host=api-x.duosecurity.com\n\n\
                      [ldap_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\n\
                      api_host=api-x.duosecurity.com\n";

fn open(dir: &Path, picked_file: Option<PathBuf>) -> Harness<'static, AuthProxyApp> {
    open_text(dir, CONFIG, picked_file)
}

fn open_text(dir: &Path, text: &str, picked_file: Option<PathBuf>) -> Harness<'static, AuthProxyApp> {
    let path = dir.join("authproxy.cfg");
    std::fs::write(&path, text).unwrap();
    let env = Environment::detached(
        Box::new(FixedDialogs { open: picked_file, save: None }),
        std::sync::Arc::new(THIS_MACHINE),
    );
    let app = AuthProxyApp::new(Some(&path), Platform::Linux, env);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 2600.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    harness.run();
    harness.get_by_label("Form").click();
    harness.run();
    harness
}

/// Shows `section` in the form (a click in the outline puts the caret there).
fn show_section(harness: &mut Harness<'static, AuthProxyApp>, section: &str) {
    harness.get_by_label(&format!("[{section}]")).click();
    harness.run();
}

/// The text of section `name`, from its header to the next.
fn section_text(text: &str, name: &str) -> String {
    let start = text.find(&format!("[{name}]")).unwrap();
    let end = text[start + 1..].find("\n[").map_or(text.len(), |i| start + 1 + i + 1);
    text[start..end].to_owned()
}

/// Clicks the widget labelled `label`, scrolled into view first.
fn click(harness: &mut Harness<'static, AuthProxyApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
}

fn type_and_commit(harness: &mut Harness<'static, AuthProxyApp>, label: &str, text: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
    harness.get_by_label(label).type_text(text);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

#[test]
fn every_widget_kind_writes_the_bytes_typing_would() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("server.pem");
    std::fs::write(&cert, "not really a certificate").unwrap();
    let mut harness = open(dir.path(), Some(cert.clone()));
    show_section(&mut harness, "radius_server_auto");
    let before = section_text(harness.state().text(), "radius_server_auto");

    // An enum: a combo box.
    click(&mut harness, "failmode");
    click(&mut harness, "secure");
    // A bool: a checkbox, in the Advanced group (closed at first).
    click(&mut harness, "Advanced");
    click(&mut harness, "pass_through_all");
    // A port: a field, committed with Enter.
    type_and_commit(&mut harness, "port", "1813");
    // A secret: a masked field that starts empty (neither the secret nor its length shows), and
    // Protect, which needs DPAPI and a Windows target: off here, with the reason on hover.
    let protect: Vec<_> = harness.query_all_by_label("Protect").collect();
    assert!(!protect.is_empty() && protect.iter().all(|p| p.accesskit_node().is_disabled()));
    assert!(harness.query_all_by_value("Old-Secret-9").next().is_none(), "the secret is not in the field");
    type_and_commit(&mut harness, "radius_secret_1", "New-Secret-8");
    // A numbered family: add a row, then remove it.
    click(&mut harness, "Add radius_ip_2 + radius_secret_2");
    let text = harness.state().text().to_owned();
    assert_eq!(
        section_text(&text, "radius_server_auto"),
        before.replace("radius_secret_1=Old-Secret-9", "radius_secret_1=New-Secret-8").replace(
            "client=ad_client\n",
            "client=ad_client\nfailmode=secure\npass_through_all=true\nport=1813\nradius_ip_2=\nradius_secret_2=\n"
        )
    );
    click(&mut harness, "Remove radius_ip_2");
    assert!(!harness.state().text().contains("radius_ip_2="), "the row and its pair are gone");
    assert!(!harness.state().text().contains("radius_secret_2="));
    // Clear removes the line, so the default applies again.
    click(&mut harness, "Clear failmode");
    assert!(!harness.state().text().contains("failmode="));

    // A list of addresses: one row per item.
    show_section(&mut harness, "http_proxy");
    type_and_commit(&mut harness, "Add to client_ip", "10.0.0.0/24");
    type_and_commit(&mut harness, "Add to client_ip", "10.1.1.1");
    assert!(harness
        .state()
        .text()
        .contains("[http_proxy]\napi_host=api-x.duosecurity.com\nclient_ip=10.0.0.0/24, 10.1.1.1\n"));
    harness.get_by_label("Remove 10.0.0.0/24").click();
    harness.run();
    assert!(harness.state().text().contains("client_ip=10.1.1.1\n"));

    // A file: a path field with the file dialog, and whether the file is there.
    show_section(&mut harness, "ldap_server_auto");
    click(&mut harness, "Browse for ssl_cert_path");
    assert!(
        harness.state().text().contains(&format!("ssl_cert_path={}\n", cert.display())),
        "{}",
        harness.state().text()
    );
    // A Linux proxy's rules: under Wine the picked path is a Windows one, which they cannot look up.
    if cfg!(unix) {
        assert!(harness.query_all_by_label_contains("found: ").next().is_some(), "the file is found");
    }

    // A folder: the folder dialog, and whether the folder is there.
    show_section(&mut harness, "main");
    click(&mut harness, "Browse for log_dir");
    let folder = cert.parent().unwrap();
    assert!(harness.state().text().starts_with(&format!("[main]\ndebug=false\nlog_dir={}\n", folder.display())));
    if cfg!(unix) {
        assert!(harness.query_all_by_label_contains(&format!("found: {}", folder.display())).next().is_some());
    }
}

/// `[DEFAULT]`'s keys reach every section: the form shows what a section inherits, and a
/// checkbox ticked by an inherited `true`.
#[test]
fn what_default_gives_a_section_shows_in_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("[DEFAULT]\ndebug=true\n\n{CONFIG}");
    let mut harness = open_text(dir.path(), &text, None);
    show_section(&mut harness, "radius_server_auto");
    click(&mut harness, "Advanced");
    assert!(harness.query_all_by_label("from [DEFAULT]: true").next().is_some());
    harness.get_by_label("debug").scroll_to_me();
    harness.run();
    assert_eq!(harness.get_by_label("debug").accesskit_node().toggled(), Some(egui::accesskit::Toggled::True));
}

#[test]
fn the_form_and_the_text_stay_in_sync_both_ways_and_undo_spans_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = open(dir.path(), None);
    show_section(&mut harness, "radius_server_auto");
    // Text → form: a value typed in the editor shows in its field.
    let at = harness.state().text().find("api_host=api-x").unwrap() + "api_host=".len();
    harness.state_mut().go_to(at);
    harness.run();
    harness.get_by_label("Configuration editor").type_text("new-");
    harness.run();
    assert!(harness.query_all_by_value("new-api-x.duosecurity.com").next().is_some(), "the form shows the typed value");
    // Form → text.
    harness.get_by_label("api_host").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("api_host").type_text("api-12345678.duosecurity.com");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let changed = harness.state().text().to_owned();
    assert!(changed.contains("[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\napi_host=api-12345678.duosecurity.com\n"));
    assert_eq!(
        changed.len(),
        CONFIG.len() + "api-12345678.duosecurity.com".len() - "api-x.duosecurity.com".len(),
        "nothing else changed"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().text().contains("api_host=new-api-x.duosecurity.com"), "Undo takes the form's change back");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().text(), CONFIG, "and then the typing");
}

#[test]
fn protect_and_check_it_decrypts_work_from_the_form_for_a_windows_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, CONFIG).unwrap();
    let mut harness = crate::gui::harness(Some(&path), Platform::Windows, None);
    harness.get_by_label("Form").click();
    harness.run();
    show_section(&mut harness, "radius_server_auto");
    let protect: Vec<_> = harness.query_all_by_label("Protect").collect();
    assert_eq!(protect.len(), 2, "skey and radius_secret_1");
    protect[1].scroll_to_me();
    harness.run();
    harness.get_all_by_label("Protect").nth(1).unwrap().click();
    harness.run();
    let text = harness.state().text().to_owned();
    assert!(!text.contains("Old-Secret-9") && text.contains("radius_secret_protected_1="), "{text}");
    assert!(text.contains("radius_secret_protected_1=") && text.contains("\nclient=ad_client\n"));
    click(&mut harness, "Check it decrypts here");
    assert!(
        harness.query_by_label("It decrypts on this computer, so the proxy service here can use it.").is_some(),
        "the check of the protected value opens and decrypts it: {:?}",
        harness.state().reports().last().map(|r| r.to_text())
    );
}
