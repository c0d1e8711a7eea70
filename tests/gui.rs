//! The desktop app driven through egui_kittest: the real `AuthProxyApp`, its real
//! editor, panels and file handling; only the native file dialogs and DPAPI (on
//! Linux) are stand-ins.

use std::path::{Path, PathBuf};

use authproxy_manager::app::files::{Dialogs, Picked};
use authproxy_manager::app::{AfterSave, AuthProxyApp, Environment, Question};
use authproxy_manager::schema::Platform;
use authproxy_manager::service::ServiceState;
use authproxy_manager::validate::Kind;
use egui::accesskit::Role;
use egui::{Key, Modifiers, ViewportCommand, ViewportEvent, ViewportId};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;

use crate::util::{samples_dir, THIS_MACHINE};

/// Dialogs that answer with fixed paths (rfd's real dialogs block, so tests never open them);
/// `None` plays a desktop with no dialog service at all.
pub struct FixedDialogs {
    pub open: Option<PathBuf>,
    pub save: Option<PathBuf>,
}

fn picked(path: Option<&PathBuf>) -> Picked {
    path.map_or(Picked::Unavailable, |p| Picked::Path(p.clone()))
}

impl Dialogs for FixedDialogs {
    fn pick_open(&self, _start: Option<&Path>) -> Picked {
        picked(self.open.as_ref())
    }
    fn pick_save(&self, _start: Option<&Path>, _name: &str) -> Picked {
        picked(self.save.as_ref())
    }
    /// The folder of the file `open` names.
    fn pick_folder(&self, _start: Option<&Path>, _title: &str) -> Picked {
        picked(self.open.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf).as_ref())
    }
}

pub fn environment(save: Option<PathBuf>) -> Environment {
    Environment::detached(Box::new(FixedDialogs { open: None, save }), std::sync::Arc::new(THIS_MACHINE))
}

/// Copies a sample into a temp dir (writable, unlike the read-only shared originals).
pub fn sample_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, std::fs::read(samples_dir().join(name)).unwrap()).unwrap();
    (dir, path)
}

pub fn harness(path: Option<&Path>, platform: Platform, save: Option<PathBuf>) -> Harness<'static, AuthProxyApp> {
    let app = AuthProxyApp::new(path, platform, environment(save));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    harness.run();
    harness
}

pub fn type_at_end(harness: &mut Harness<'_, AuthProxyApp>, text: &str) {
    let end = harness.state().text().len();
    harness.state_mut().go_to(end);
    harness.run();
    for line in text.split_inclusive('\n') {
        let chars = line.trim_end_matches('\n');
        if !chars.is_empty() {
            harness.get_by_label("Configuration editor").type_text(chars);
            harness.run();
        }
        if line.ends_with('\n') {
            if harness.state().editor().completion_open() {
                harness.key_press(Key::Escape);
                harness.run();
            }
            harness.key_press(Key::Enter);
            harness.run();
        }
    }
}

fn viewport_commands(harness: &Harness<'_, AuthProxyApp>) -> Vec<ViewportCommand> {
    harness.output().viewport_output.get(&ViewportId::ROOT).map(|v| v.commands.clone()).unwrap_or_default()
}

#[test]
fn typing_a_key_offers_completions_and_accepting_one_inserts_it() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let before = harness.state().text().to_string();
    type_at_end(&mut harness, "\npass");
    assert!(harness.state().editor().completion_open(), "typing a key prefix opens completion");
    let labels = harness.state().editor().completion_labels();
    assert!(labels.iter().any(|l| l == "pass_through_all"), "{labels:?}");
    assert!(harness.query_by_label("pass_through_all").is_some(), "the popup shows the item");
    harness.key_press(Key::ArrowDown);
    harness.key_press(Key::ArrowUp);
    harness.key_press(Key::Enter);
    harness.run();
    let first = labels[0].clone();
    assert_eq!(harness.state().text(), format!("{before}\n{first}="));
    // Accepting a key offers its values straight away; Escape dismisses them.
    assert!(harness.state().editor().completion_open());
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().editor().completion_open());
}

#[test]
fn ctrl_space_offers_section_names_with_the_next_free_number() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    type_at_end(&mut harness, "\n[ad_");
    assert!(harness.state().editor().completion_open(), "typing a header opens completion");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().editor().completion_open());
    harness.key_press_modifiers(Modifiers::CTRL, Key::Space);
    harness.run();
    let labels = harness.state().editor().completion_labels();
    assert!(labels.iter().any(|l| l.contains("ad_client2")), "{labels:?}");
    harness.get_by_label(labels.iter().find(|l| l.contains("ad_client2")).unwrap()).click();
    harness.run();
    // A new section comes with its required keys, the caret after the first one's `=`.
    let text = harness.state().text().to_string();
    let header = text.rfind("[ad_client2]\n").expect("the header is inserted");
    let keys = &text[header + "[ad_client2]\n".len()..];
    assert!(keys.starts_with("host=\n") && keys.contains("search_dn="), "{keys:?}");
    assert_eq!(harness.state().editor().caret, header + "[ad_client2]\nhost=".len());
}

#[test]
fn diagnostics_follow_typing_and_clicking_one_moves_the_caret() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    assert!(harness.query_by_label("Problems (0)").is_some());
    type_at_end(&mut harness, "\ntimout=5");
    let diagnostics = harness.state_mut().diagnostics();
    let typo = diagnostics.iter().find(|d| d.kind == Kind::UnexpectedKey).expect("the typo is found while typing");
    let label = harness.query_by_label_contains("Unexpected key timout").expect("the problem is listed");
    assert_eq!(label.accesskit_node().role(), Role::Button);
    harness.state_mut().go_to(0);
    harness.run();
    assert_eq!(harness.state().editor().caret, 0);
    harness.get_by_label_contains("Unexpected key timout").click();
    harness.run();
    harness.run();
    assert_eq!(harness.state().editor().caret, typo.range.end, "the caret lands on the finding (selected)");
    assert_eq!(harness.state().editor().selection, Some(typo.range.start..typo.range.end));
    // Undo takes the typing back and the finding goes away.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(!harness.state_mut().diagnostics().iter().any(|d| d.kind == Kind::UnexpectedKey));
}

#[test]
fn validate_fills_the_output_panel_with_a_grouped_report() {
    let (_dir, path) = sample_copy("i01_missing_search_dn.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.get_by_label("Validate").click();
    harness.run();
    let report = harness.state().reports().last().expect("a report").clone();
    assert!(report.title.contains("authproxy.cfg"));
    assert!(report.lines.iter().any(|l| l.text == "[ad_client]"), "{report:?}");
    assert!(harness.query_by_label_contains("MissingKey").is_some(), "the report shows in the panel");
    // F5 runs it again.
    harness.key_press(Key::F5);
    harness.run();
    assert_eq!(harness.state().reports().len(), 2);
}

#[test]
fn save_writes_exactly_the_edited_bytes_and_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let original = "; CRLF file with a Windows-1252 caf\u{e9}\r\n[main]\r\nlog_auth_events=true\r\n";
    let mut bytes = original.replace('\u{e9}', "\u{1}").into_bytes();
    let at = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[at] = 0xE9; // é in Windows-1252, invalid UTF-8
    std::fs::write(&path, &bytes).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    type_at_end(&mut harness, "debug=true\n");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let mut expected = bytes.clone();
    expected.extend_from_slice(b"debug=true\r\n");
    assert_eq!(std::fs::read(&path).unwrap(), expected, "CRLF and the encoding are kept");
    assert_eq!(std::fs::read(dir.path().join("authproxy.cfg.bak")).unwrap(), bytes);
    assert!(!harness.state().is_modified());
}

#[test]
fn save_refuses_to_clobber_a_file_changed_on_disk() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    type_at_end(&mut harness, "\n");
    std::fs::write(&path, "[main]\n; changed elsewhere\n").unwrap();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(harness.state().question(), Some(&Question::ChangedOnDisk(path.clone())));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "[main]\n; changed elsewhere\n");
    let mine = harness.state().text().to_string();
    // The choice that throws work away says so, and comes last.
    let labels: Vec<String> =
        harness.query_all_by_role(Role::Button).filter_map(|n| n.accesskit_node().label()).collect();
    let position =
        |label: &str| labels.iter().rposition(|l| l == label).unwrap_or_else(|| panic!("{label}: {labels:?}"));
    assert!(position("Reload (discard my changes)") > position("Cancel"), "{labels:?}");
    // The question's own button (the banner above the editor offers the same).
    harness.get_all_by_label("Reload (discard my changes)").last().unwrap().click();
    harness.run();
    assert_eq!(harness.state().text(), "[main]\n; changed elsewhere\n");
    assert!(!harness.state().is_modified());
    // The discarded text is one Undo away.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().text(), mine);
    assert!(harness.state().is_modified());
}

#[test]
fn a_new_document_saves_where_the_dialog_says() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new.cfg");
    let mut harness = harness(None, Platform::Linux, Some(target.clone()));
    if harness.state().path().is_none() {
        assert!(harness.state().status_note().contains("starter document"));
    }
    harness.get_by_label("Save").click();
    harness.run();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), harness.state().text());
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    type_at_end(&mut harness, "\n");
    harness.input_mut().viewports.entry(ViewportId::ROOT).or_default().events.push(ViewportEvent::Close);
    harness.step();
    assert!(viewport_commands(&harness).contains(&ViewportCommand::CancelClose));
    harness.run();
    assert_eq!(harness.state().question(), Some(&Question::Unsaved(AfterSave::Close)));
    assert!(harness.query_by_label("Unsaved changes").is_some());
    harness.get_by_label("Discard").click();
    harness.step();
    assert!(viewport_commands(&harness).contains(&ViewportCommand::Close));
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap());
}

#[test]
fn no_secret_value_is_ever_shown_in_the_output_panel() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let secrets = [
        "Spring-Rain-4471",
        "muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd",
        "vpn-shared-Secret-01",
        "vpn-shared-Secret-02",
    ];
    let mut harness = harness(Some(&path), Platform::Windows, None);
    // Break the secrets' lines so findings point at them, then look at every panel.
    type_at_end(&mut harness, "\nskey=x\n");
    harness.get_by_label("Validate").click();
    harness.run();
    harness.get_by_label("Protect secrets").click();
    harness.run();
    for tab in ["Output", "Problems"] {
        harness.get_by_label_contains(tab).click();
        harness.run();
        let mut shown = Vec::new();
        for node in harness.root().children_recursive() {
            let node = node.accesskit_node();
            if node.label().as_deref() == Some("Configuration editor") {
                continue;
            }
            shown.extend(node.label());
            shown.extend(node.value());
        }
        assert!(shown.len() > 10, "the panel was read: {shown:?}");
        for text in &shown {
            for secret in secrets {
                assert!(!text.contains(secret), "{tab} shows a secret: {text}");
            }
        }
    }
}

#[test]
fn protect_turns_plaintext_secrets_into_protected_values() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Windows, None);
    let protect_buttons = harness.query_all_by_label("Protect").count();
    assert_eq!(protect_buttons, 4, "one Protect fix per plaintext secret");
    harness.get_all_by_label("Protect").next().unwrap().click();
    harness.run();
    assert!(harness.state().text().contains("service_account_password_protected="));
    assert!(!harness.state().text().contains("Spring-Rain-4471"));
    harness.get_by_label("Protect secrets").click();
    harness.run();
    let text = harness.state().text().to_string();
    assert!(text.contains("skey_protected=") && text.contains("radius_secret_protected_2="), "{text}");
    // One undo step per action.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(harness.state().text().contains("skey=muaptt"));
}

#[test]
fn protect_on_a_linux_target_is_off_and_explains_why() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let before = harness.state().text().to_string();
    assert!(harness.get_by_label("Protect secrets").accesskit_node().is_disabled(), "the button is off");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.run();
    assert_eq!(harness.state().text(), before);
    assert!(harness.query_by_label_contains("Windows-only").is_some(), "the shortcut says why");
}

#[test]
fn service_buttons_say_why_they_are_unavailable() {
    let mut harness = harness(None, Platform::Linux, None);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while harness.state().service_state() != ServiceState::NotInstalled && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run();
    }
    for label in ["Start", "Stop", "Restart"] {
        let node = harness.get_by_label(label);
        assert!(node.accesskit_node().is_disabled(), "{label} is disabled");
    }
    assert!(!harness.get_by_label("Test connectivity").accesskit_node().is_disabled());
    assert!(harness.query_all_by_label("Service: not installed").count() >= 1);
}

#[test]
fn test_connectivity_streams_each_probe_into_the_connectivity_tab() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let text = format!(
        "[ad_client]\nhost=127.0.0.1\nport={port}\nservice_account_username=svc\nservice_account_password=Secret-Pass-1\nsearch_dn=DC=example,DC=com\n"
    );
    std::fs::write(&path, text).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.key_press(Key::F6);
    // While the probe runs its spinner repaints every frame, so step instead of waiting to settle.
    harness.step();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while harness.query_by_label_contains("1 probes in").is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
    assert!(harness.query_by_label_contains("1 failed").is_some(), "the run's summary shows the failure");
    assert!(
        harness.query_by_label_contains(&format!("connection refused by 127.0.0.1:{port}")).is_some(),
        "a failed probe's row shows the step that failed"
    );
    assert!(harness.query_by_label_contains("what to do:").is_some());
    assert!(harness.query_by_label_contains("Secret-Pass-1").is_none(), "no secret in the results");
    harness.get_by_label("line 2").click();
    harness.run();
    let host_line = harness.state().text().find("host=").unwrap();
    let selected = harness.state().editor().selection.clone();
    assert_eq!(
        selected,
        Some(host_line..host_line + "host=127.0.0.1".len()),
        "the location button selects the host line"
    );
}

#[test]
fn find_selects_each_match_in_turn() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("radius_secret");
    harness.run();
    harness.get_by_label("Next").click();
    harness.run();
    let text = harness.state().text().to_string();
    let first = text.find("radius_secret").unwrap();
    assert_eq!(harness.state().editor().selection, Some(first..first + 13));
    harness.get_by_label("Next").click();
    harness.run();
    let second = first + 1 + text[first + 1..].find("radius_secret").unwrap();
    assert_eq!(harness.state().editor().selection, Some(second..second + 13));
    assert!(harness.query_by_label("2 of 2").is_some());
    harness.key_press(Key::F3);
    harness.run();
    assert!(harness.query_by_label("1 of 2").is_some(), "F3 wraps around");
    assert_eq!(harness.state().editor().selection, Some(first..first + 13));
}

#[test]
fn non_ascii_typing_lands_at_the_caret_and_saves_as_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, "; Jürgen's Ωμέγα\n[main]\n").unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    // The caret after "Ωμέγα" (a byte offset past multi-byte text).
    let after = "; Jürgen's Ωμέγα".len();
    harness.state_mut().go_to(after);
    harness.run();
    assert_eq!(harness.state().editor().caret, after);
    harness.get_by_label("Configuration editor").type_text(" – Москва");
    harness.run();
    assert_eq!(harness.state().text(), "; Jürgen's Ωμέγα – Москва\n[main]\n");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "; Jürgen's Ωμέγα – Москва\n[main]\n");
}

#[test]
fn a_character_the_file_encoding_cannot_hold_is_refused_with_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let bytes = b"; caf\xe9\n[main]\n".to_vec(); // Windows-1252
    std::fs::write(&path, &bytes).unwrap();
    let mut harness = harness(Some(&path), Platform::Windows, None);
    harness.state_mut().go_to(0);
    harness.run();
    harness.get_by_label("Configuration editor").type_text("Ω");
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing was written");
    assert!(harness.state().is_modified(), "the edit is still there to fix");
    let report = harness.state().reports().last().expect("the error is reported");
    assert!(report.lines[0].text.contains("authproxy.cfg"), "{report:?}");
}

#[test]
fn a_protected_value_is_checked_masked_and_shown_only_on_request() {
    use authproxy_manager::secrets::{Protector as _, Secret};
    let here = THIS_MACHINE.protect(&Secret::new("Tide-Pool-8812")).unwrap();
    let elsewhere = crate::util::FAKE_DPAPI.protect(&Secret::new("Other-Box-1")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let text = format!(
        "[radius_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey_protected={here}\napi_host=api-3f8a1c2d.duosecurity.com\n\
         radius_ip_1=10.20.0.10\nradius_secret_protected_1={elsewhere}\nclient=duo_only_client\n[duo_only_client]\n"
    );
    std::fs::write(&path, &text).unwrap();
    let mut harness = harness(Some(&path), Platform::Windows, None);
    let shows = |harness: &Harness<'_, AuthProxyApp>, needle: &str| {
        harness.root().children_recursive().any(|n| {
            let node = n.accesskit_node();
            node.label().as_deref() != Some("Configuration editor")
                && (node.label().is_some_and(|l| l.contains(needle))
                    || node.value().is_some_and(|v| v.contains(needle)))
        })
    };

    harness.state_mut().go_to(text.find("skey_protected").unwrap() + 3);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    harness.run();
    assert!(harness.state().revealing(), "the dialog opened");
    assert!(harness.query_by_label_contains("decrypts on this computer").is_some());
    assert!(!shows(&harness, "Tide-Pool-8812"), "masked until asked");
    harness.get_by_label("Show").click();
    harness.run();
    assert!(shows(&harness, "Tide-Pool-8812"), "shown on request");
    harness.get_by_label("Close").click();
    harness.run();
    assert!(!harness.state().revealing());
    assert!(!shows(&harness, "Tide-Pool-8812"));

    harness.state_mut().go_to(text.find("radius_secret_protected_1").unwrap());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    harness.run();
    assert!(!harness.state().revealing());
    assert!(harness.query_by_label_contains("only decrypt on the machine that made them").is_some());
    assert!(!shows(&harness, "Other-Box-1"));
}

/// The window on a config whose proxy log (in `<install>/log`) holds non-ASCII text and a
/// secret: it starts, and the Log tab shows the line masked.
#[test]
fn a_log_with_non_ascii_text_opens_and_is_shown_masked() {
    let install = tempfile::tempdir().unwrap();
    for sub in ["conf", "log"] {
        std::fs::create_dir(install.path().join(sub)).unwrap();
    }
    let path = install.path().join("conf/authproxy.cfg");
    std::fs::copy(samples_dir().join("v01_radius_auto_ad.cfg"), &path).unwrap();
    let mut log = "2026-11-30T08:00:00+0100 [duoauthproxy.lib.log#info] Anmeldung von Jürgen Müller: \
                   password=Grüße-Geheim-1 ok\n"
        .as_bytes()
        .to_vec();
    log.extend_from_slice(b"2026-11-30T08:00:01+0100 [-] invalid bytes \xff\xc3 skey=Zz9Broken\n");
    std::fs::write(install.path().join("log/authproxy.log"), log).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.get_by_label("Log").click();
    harness.run();
    crate::log_tab::wait_for_logs(&mut harness);
    harness.get_by_label("Lines").click();
    harness.run();
    assert!(harness.query_by_label_contains("Anmeldung von Jürgen Müller: password=********").is_some());
    assert!(harness.query_by_label_contains("invalid bytes ÿÃ skey=********").is_some(), "Windows-1252 bytes read");
    for secret in ["Grüße-Geheim-1", "Zz9Broken"] {
        assert!(harness.query_by_label_contains(secret).is_none(), "{secret} is shown");
    }
}

/// After a run that crashed, the next start says where the report is, once.
#[test]
fn the_next_start_announces_a_crash_report() {
    let reports = tempfile::tempdir().unwrap();
    let report = reports.path().join("crash-1764579600-4242.txt");
    std::fs::write(&report, "authproxy-manager stopped on an internal error.\n").unwrap();
    let start = || {
        let env = Environment { crash_reports: Some(reports.path().to_path_buf()), ..environment(None) };
        let app = AuthProxyApp::new(None, Platform::Linux, env);
        let mut harness = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
        harness.run();
        harness
    };
    let harness = start();
    assert!(harness.state().status_note().contains(&report.display().to_string()), "{}", harness.state().status_note());
    assert!(harness.query_by_label_contains("stopped on an internal error").is_some());
    let again = start();
    assert!(!again.state().status_note().contains("crashed"), "announced once: {}", again.state().status_note());
}

/// Protect in the window, then save: neither the file nor its backup (nor anything else in
/// the folder) holds a plaintext secret any more; the backup is the previous file protected.
#[test]
fn protecting_and_saving_in_the_window_leaves_no_plaintext_on_disk() {
    let (dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Windows, None);
    type_at_end(&mut harness, "; edited\n");
    harness.get_by_label("Protect secrets").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().is_modified(), "{}", harness.state().status_note());
    let backup = std::fs::read_to_string(dir.path().join("authproxy.cfg.bak")).unwrap();
    assert!(backup.contains("skey_protected=") && !backup.contains("; edited"), "{backup}");
    crate::protect_cli::assert_no_plaintext_in(
        dir.path(),
        &[
            "Spring-Rain-4471",
            "muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd",
            "vpn-shared-Secret-01",
            "vpn-shared-Secret-02",
        ],
    );
}

/// Saving from the window keeps the owner, group and mode the proxy's service account reads
/// the file through (the test runs as root), on the file and its backup; a symbolic link is
/// written through to its target.
#[cfg(unix)]
#[test]
fn saving_in_the_window_keeps_owner_group_mode_and_symlinks() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    assert!(authproxy_manager::service::is_root(), "this test gives a file another owner, which needs root");
    let (dir, real) = sample_copy("v01_radius_auto_ad.cfg");
    std::os::unix::fs::chown(&real, Some(4242), Some(4343)).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.cfg");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for path in [&real, &link] {
        let mut harness = harness(Some(path), Platform::Linux, None);
        type_at_end(&mut harness, "; saved through the window\n");
        harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
        harness.run();
        assert!(!harness.state().is_modified(), "{}", harness.state().status_note());
    }
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_to_string(&real).unwrap().matches("; saved through the window").count(), 2);
    for file in [real.clone(), dir.path().join("authproxy.cfg.bak")] {
        let meta = std::fs::metadata(&file).unwrap();
        assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o7777), (4242, 4343, 0o640), "{}", file.display());
    }
}
