//! The window as an administrator uses it every day, driven through egui_kittest: Find that
//! never edits, jumps that show the line, the Problems list, saving without a file dialog,
//! a file changed on disk, getting around a long file, completion, and the smaller things.

use std::path::{Path, PathBuf};
use std::time::Duration;

use authproxy_manager::app::{AuthProxyApp, DiskChange, Environment, Overlay};
use authproxy_manager::schema::Platform;
use authproxy_manager::validate::{Kind, Severity};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;

use crate::gui::{environment, harness, sample_copy, type_at_end, FixedDialogs};
use crate::util::{samples_dir, wait_until, THIS_MACHINE};

/// A 337-line config: the v01 sample, comments, and `pass_thru_all=true` (a typo) on line 263
/// inside `[radius_server_auto]`.
fn long_config() -> (tempfile::TempDir, PathBuf, String) {
    let mut text = std::fs::read_to_string(samples_dir().join("v01_radius_auto_ad.cfg")).unwrap();
    let mut line = text.lines().count();
    while line < 262 {
        line += 1;
        text.push_str(&format!("; change {line}: reviewed by the network team\n"));
    }
    text.push_str("pass_thru_all=true\n");
    line += 1;
    while line < 337 {
        line += 1;
        text.push_str(&format!("; change {line}: reviewed by the network team\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

fn harness_sized(path: Option<&Path>, env: Environment, size: egui::Vec2) -> Harness<'static, AuthProxyApp> {
    let app = AuthProxyApp::new(path, Platform::Linux, env);
    let mut harness = Harness::builder().with_size(size).build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    harness.run();
    harness
}

/// A key press as the window system sends it.
fn key_event(key: Key, modifiers: Modifiers) -> egui::Event {
    egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers }
}

/// The 0-based line of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count()
}

fn assert_shows_line(harness: &Harness<'_, AuthProxyApp>, line: usize) {
    let visible = harness.state().editor().visible_lines();
    assert!(visible.contains(&line), "line {} is not on screen: lines {visible:?} are", line + 1);
    let middle = (visible.start + visible.end) / 2;
    assert!(middle.abs_diff(line) <= 3, "line {} is not centred in {visible:?}", line + 1);
    assert!(harness.state().editor_has_focus(&harness.ctx), "the editor has the keyboard");
}

#[test]
fn enter_in_find_steps_through_matches_and_never_edits_the_text() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let before = harness.state().text().to_string();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("radius_secret");
    harness.run();
    let first = before.find("radius_secret").unwrap();
    let second = first + 1 + before[first + 1..].find("radius_secret").unwrap();
    let mut seen = Vec::new();
    for _ in 0..3 {
        harness.key_press(Key::Enter);
        harness.run();
        assert_eq!(harness.state().text(), before, "Enter in Find edited the text");
        assert!(harness.state().find_has_focus(&harness.ctx), "the keyboard stays in the find field");
        seen.push(harness.state().editor().selection.clone());
    }
    assert_eq!(seen, [Some(first..first + 13), Some(second..second + 13), Some(first..first + 13)]);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    assert_eq!(harness.state().editor().selection, Some(second..second + 13), "Shift+Enter goes back");
    harness.key_press_modifiers(Modifiers::SHIFT, Key::F3);
    harness.run();
    assert_eq!(harness.state().editor().selection, Some(first..first + 13), "Shift+F3 goes back too");
    assert_eq!(harness.state().text(), before);
    // Escape hands the keyboard back to the text, with the match still selected.
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().find_has_focus(&harness.ctx));
    assert!(harness.state().editor_has_focus(&harness.ctx));
    assert_eq!(harness.state().editor().selection, Some(first..first + 13));
    assert_eq!(harness.state().text(), before);
}

#[test]
fn find_highlights_every_match_with_case_and_whole_word_options() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let text = "[radius_server_auto]\nradius_ip_1=10.0.0.1\nradius_secret_1=a\nradius_ip_12=10.0.0.12\nradius_secret_12=b\nRADIUS_IP_1=x\n";
    std::fs::write(&path, text).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("radius_ip_1");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.query_by_label("1 of 3").is_some(), "any case, inside words too");
    harness.get_by_label("Whole word").click();
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.query_by_label_contains(" of 2").is_some(), "radius_ip_12 is not a whole-word match");
    harness.get_by_label("Match case").click();
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.query_by_label("1 of 1").is_some());
}

#[test]
fn a_click_on_a_problem_shows_its_line_selected_and_focused() {
    let (_dir, path, text) = long_config();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let typo = text.find("pass_thru_all").unwrap();
    assert_eq!(line_of(&text, typo), 262);
    assert!(!harness.state().editor().visible_lines().contains(&262), "the line starts off screen");
    harness.get_by_label_contains("Unexpected key pass_thru_all").click();
    harness.run();
    assert_shows_line(&harness, 262);
    assert_eq!(harness.state().editor().selection, Some(typo..typo + "pass_thru_all".len()));
    // The next key types there.
    harness.key_press(Key::End);
    harness.run();
    harness.get_by_label("Configuration editor").type_text("X");
    harness.run();
    assert!(harness.state().text().contains("pass_thru_all=trueX\n"));
}

#[test]
fn every_kind_of_jump_shows_its_line() {
    let (_dir, path, text) = long_config();
    let typo = text.find("pass_thru_all").unwrap();
    let top = |harness: &mut Harness<'_, AuthProxyApp>| {
        harness.state_mut().go_to(0);
        harness.run();
        assert!(!harness.state().editor().visible_lines().contains(&262));
    };

    // F8, from the top.
    let mut harness = harness(Some(&path), Platform::Linux, None);
    top(&mut harness);
    harness.key_press(Key::F8);
    harness.run();
    assert_shows_line(&harness, 262);
    assert_eq!(harness.state().editor().selection, Some(typo..typo + 13));

    // A line of the Validate report.
    top(&mut harness);
    harness.key_press(Key::F5);
    harness.run();
    harness.get_by_label_contains("[UnexpectedKey] Unexpected key pass_thru_all").click();
    harness.run();
    assert_shows_line(&harness, 262);

    // Ctrl+G, and the "Ln, Col" of the status bar.
    top(&mut harness);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::G);
    harness.run();
    assert!(matches!(harness.state().overlay(), Some(Overlay::GoToLine(_))));
    harness.get_by_role(Role::TextInput).type_text("300");
    harness.key_press(Key::Enter);
    harness.run();
    assert_shows_line(&harness, 299);
    assert_eq!(line_of(&text, harness.state().editor().caret), 299);
    harness.get_by_label_contains("Ln 300, Col 1").click();
    harness.run();
    assert!(matches!(harness.state().overlay(), Some(Overlay::GoToLine(_))), "Ln, Col opens Go to line");
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().overlay().is_none(), "Escape cancels it");

    // Find Next to a line below.
    top(&mut harness);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("pass_thru");
    harness.key_press(Key::Enter);
    harness.run();
    let visible = harness.state().editor().visible_lines();
    assert!(visible.contains(&262), "Find shows its match: {visible:?}");
}

#[test]
fn the_connectivity_line_button_shows_the_host_line() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut text = String::new();
    for n in 1..=250 {
        text.push_str(&format!("; padding line {n}\n"));
    }
    text.push_str(&format!("[ad_client]\nhost=127.0.0.1\nport={port}\nservice_account_username=svc\nservice_account_password=x\nsearch_dn=DC=example,DC=com\n"));
    for n in 1..=100 {
        text.push_str(&format!("; more {n}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, &text).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.key_press(Key::F6);
    harness.step();
    let done = wait_until(Duration::from_millis(20), Duration::from_secs(20), || {
        harness.step();
        harness.query_by_label_contains("1 probes in").is_some()
    });
    assert!(done, "the probe ends");
    harness.run();
    harness.get_by_label("line 252").click();
    harness.run();
    assert_shows_line(&harness, 251);
}

#[test]
fn the_problems_list_shows_whole_messages_grouped_with_fixes_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let text = "[main]\nfailmod=safe\n[ad_client]\nhost=dc1\nservice_account_username=svc\nservice_account_password=x\nsearch_dn=DC=a\ntimout=5\nssl_verify_hostname=false\ntransport=ldaps\n";
    std::fs::write(&path, text).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let row = harness.get_by_label_contains("Unexpected key timout");
    let message = row.accesskit_node().label().unwrap_or_default();
    assert!(message.contains("Did you mean timeout?"), "the whole message: {message}");
    assert!(row.rect().height() > 30.0, "two lines at least (place, then the message): {:?}", row.rect());
    assert!(harness.query_by_label("Rename to timeout").is_some(), "the fix says what it does");
    assert!(harness.query_by_label("[main]  1 error").is_some(), "grouped by section, with counts");
    assert!(harness.query_by_label_contains("[ad_client]  1 error, ").is_some());
    let all = harness.state_mut().diagnostics();
    assert!(all.iter().any(|d| d.severity == Severity::Warning), "{all:?}");
    let warning = all.iter().find(|d| d.severity == Severity::Warning).unwrap().message.clone();
    assert!(harness.query_by_label(&warning).is_some());
    harness.get_by_label("Errors only").click();
    harness.run();
    assert!(harness.query_by_label(&warning).is_none(), "the filter hides warnings");
    assert!(harness.query_by_label_contains("Unexpected key timout").is_some());

    harness.get_by_label("Rename to timeout").click();
    harness.run();
    assert!(harness.state().text().contains("\ntimeout=5\n"));
}

#[test]
fn the_panel_grows_with_the_window() {
    let (_dir, path) = sample_copy("i03_typo_key.cfg");
    let width_at = |size: egui::Vec2| {
        let harness = harness_sized(Some(&path), environment(None), size);
        harness.get_by_label_contains("Problems (").rect().left()
    };
    let narrow = 1280.0 - width_at(egui::vec2(1280.0, 800.0));
    let wide = 2800.0 - width_at(egui::vec2(2800.0, 900.0));
    assert!(wide > narrow * 1.8, "the panel is {narrow} points of 1280 and {wide} of 2800");
}

#[test]
fn a_file_the_proxy_cannot_load_gets_a_banner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, "[main]\ndebug=true\ndebug=false\n").unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    assert!(harness.query_by_label("The proxy will not start with this file").is_some());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(
        harness.state().status_note().contains("The proxy will refuse this file"),
        "{}",
        harness.state().status_note()
    );
    let clean = sample_copy("v01_radius_auto_ad.cfg");
    let harness = crate::gui::harness(Some(&clean.1), Platform::Linux, None);
    assert!(harness.query_by_label("The proxy will not start with this file").is_none());
    assert!(harness.query_by_label_contains("No problems — Duo's checker would accept this file").is_some());
}

#[test]
fn f8_and_shift_f8_step_through_the_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let text = "[main]\nfailmod=safe\n[ad_client]\nhost=dc1\ntimout=5\n";
    std::fs::write(&path, text).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let ranges: Vec<_> = harness.state_mut().diagnostics().iter().map(|d| d.range.start..d.range.end).collect();
    assert!(ranges.len() >= 3, "{ranges:?}");
    harness.state_mut().go_to(0);
    harness.run();
    let mut seen = Vec::new();
    for _ in 0..ranges.len() {
        harness.key_press(Key::F8);
        harness.run();
        seen.push(harness.state().editor().selection.clone().unwrap_or(0..0));
    }
    assert_eq!(seen, ranges, "every finding in file order, those sharing a range too");
    let sorted: Vec<usize> = ranges.iter().map(|r| r.start).collect();
    // From the last, F8 wraps to the first, and Shift+F8 goes back to the last.
    harness.key_press(Key::F8);
    harness.run();
    assert_eq!(harness.state().editor().selection.clone().map(|s| s.start), sorted.first().copied());
    harness.key_press_modifiers(Modifiers::SHIFT, Key::F8);
    harness.run();
    assert_eq!(
        harness.state().editor().selection.clone().map(|s| s.start),
        sorted.last().copied(),
        "Shift+F8 goes back"
    );
}

#[test]
fn without_a_file_dialog_a_path_prompt_saves_and_recent_files_remember() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    let target = dir.path().join("new-authproxy.cfg");
    let env = Environment { settings_file: Some(settings.clone()), ..environment(None) };
    let mut harness = harness_sized(None, env, egui::vec2(1280.0, 800.0));
    let text = harness.state().text().to_string();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let Some(Overlay::Path(prompt)) = harness.state().overlay() else { panic!("no path prompt") };
    assert!(prompt.text.ends_with("authproxy.cfg"), "prefilled with the proxy's config path: {}", prompt.text);
    let field = harness.get_by_role(Role::TextInput);
    field.focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role(Role::TextInput).type_text(&target.display().to_string());
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), text, "saved through the prompt");
    assert_eq!(harness.state().path(), Some(target.as_path()));
    assert!(harness.state().overlay().is_none());

    // Save As onto another existing file asks once before replacing it.
    let other = dir.path().join("other.cfg");
    std::fs::write(&other, "[main]\n").unwrap();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    harness.run();
    harness.get_by_role(Role::TextInput).focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role(Role::TextInput).type_text(&other.display().to_string());
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.query_by_label_contains("already exists. Press Save again").is_some());
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "[main]\n", "not yet");
    // The prompt's own Save button (the toolbar has one too).
    harness.get_all_by_label("Save").last().unwrap().click();
    harness.run();
    assert_eq!(std::fs::read_to_string(&other).unwrap(), text, "replaced on the second Save");

    // The next window lists it under Recent, and opens it from there.
    let env = Environment { settings_file: Some(settings), ..environment(None) };
    let mut again = harness_sized(None, env, egui::vec2(1280.0, 800.0));
    assert_eq!(again.state().settings().recent[..2], [other.clone(), target.clone()], "most recent first");
    again.get_by_label("Recent").click();
    again.run();
    again.get_by_label(&target.display().to_string()).click();
    again.run();
    assert_eq!(again.state().path(), Some(target.as_path()));
}

#[test]
fn open_without_a_dialog_asks_for_the_path() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let env =
        Environment::detached(Box::new(FixedDialogs { open: None, save: None }), std::sync::Arc::new(THIS_MACHINE));
    let mut harness = harness_sized(None, env, egui::vec2(1280.0, 800.0));
    harness.get_by_label("Open").click();
    harness.run();
    assert!(matches!(harness.state().overlay(), Some(Overlay::Path(_))));
    let field = harness.get_by_role(Role::TextInput);
    field.focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role(Role::TextInput).type_text("/no/such/file.cfg");
    harness.key_press(Key::Enter);
    harness.run();
    assert!(harness.query_by_label_contains("is not a file").is_some(), "a wrong path is explained");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role(Role::TextInput).type_text(&path.display().to_string());
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().path(), Some(path.as_path()));
}

#[test]
fn a_change_on_disk_is_shown_at_once_compared_and_reloaded_with_undo() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    type_at_end(&mut harness, "\ndebug=true");
    let mine = harness.state().text().to_string();
    let theirs = "[main]\nlog_auth_events=false\nskey_changed_elsewhere=Disk-Secret-7\n";
    std::fs::write(&path, theirs).unwrap();
    let noticed = wait_until(Duration::from_millis(20), Duration::from_secs(10), || {
        harness.step();
        harness.state().disk_change().is_some()
    });
    assert!(noticed, "the change is noticed without saving");
    harness.run();
    assert_eq!(harness.state().disk_change(), Some(&DiskChange::Changed));
    assert!(harness.query_by_label_contains("was changed on disk by another program").is_some());
    assert_eq!(harness.state().text(), mine, "nothing is lost");

    harness.get_by_label("Compare").click();
    harness.run();
    let Some(Overlay::Compare(comparison)) = harness.state().overlay() else { panic!("no comparison") };
    assert!(comparison.counts.0 > 0 && comparison.counts.1 > 0);
    assert!(harness.query_by_label_contains("debug=true").is_some(), "the editor's line shows");
    assert!(harness.query_by_label_contains("Disk-Secret-7").is_none(), "no secret in the comparison");
    harness.get_by_label("Keep editing").click();
    harness.run();

    harness.get_by_label("Reload (discard my changes)").click();
    harness.run();
    assert_eq!(harness.state().text(), theirs);
    assert!(!harness.state().is_modified());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().text(), mine, "the discarded text is one Undo away");

    // Without unsaved changes, a change on disk is simply taken in.
    let (_dir2, clean) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = crate::gui::harness(Some(&clean), Platform::Linux, None);
    std::fs::write(&clean, "[main]\ndebug=true\n").unwrap();
    let reloaded = wait_until(Duration::from_millis(20), Duration::from_secs(10), || {
        harness.step();
        harness.state().text() == "[main]\ndebug=true\n"
    });
    assert!(reloaded, "an unmodified file follows the disk");
    assert!(harness.state().status_note().contains("reloaded"), "{}", harness.state().status_note());
}

#[test]
fn undoing_back_to_the_saved_text_is_not_a_change() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    type_at_end(&mut harness, "\n; note");
    assert!(harness.state().is_modified());
    assert!(harness.query_by_label("Modified").is_some());
    for _ in 0..3 {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        harness.run();
    }
    assert_eq!(harness.state().text(), std::fs::read_to_string(&path).unwrap());
    assert!(!harness.state().is_modified());
    assert!(harness.query_by_label("Saved").is_some());
    assert!(!harness.state().window_title().starts_with('*'));
}

#[test]
fn a_validate_report_says_when_the_text_has_changed_since() {
    let (_dir, path) = sample_copy("i03_typo_key.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.key_press(Key::F5);
    harness.run();
    assert!(harness.query_by_label_contains("outdated").is_none());
    type_at_end(&mut harness, "\n; x");
    harness.get_by_label("Output").click();
    harness.run();
    assert!(harness.query_by_label_contains("outdated: the text changed since; press F5").is_some());
}

#[test]
fn the_unsaved_changes_question_cancels_on_escape_and_saves_on_enter() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    type_at_end(&mut harness, "\n; keep me");
    let typed = harness.state().text().to_string();
    // Opened from the keyboard, with the keyboard still in the text.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    assert!(harness.state().question().is_some());
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().question().is_none(), "Escape cancels");
    assert!(harness.state().is_modified());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    harness.get_by_label("Configuration editor").type_text("typed behind the dialog");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), typed, "Enter picks Save; nothing typed reached the text");
}

#[test]
fn completion_opens_below_the_caret_with_required_keys_first_and_their_help() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, "[main]\ndebug=true\n\n[ad_client]\nhost=dc1\n").unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let end = harness.state().text().len();
    harness.state_mut().go_to(end);
    harness.run();
    harness.key_press_modifiers(Modifiers::CTRL, Key::Space);
    harness.run();
    let labels = harness.state().editor().completion_labels();
    assert_eq!(labels.first().map(String::as_str), Some("search_dn"), "{labels:?}");
    let popup = harness.state().editor().completion_rect().expect("the list shows");
    let caret = harness.state().editor().caret_screen_rect(harness.state().text()).unwrap();
    assert!(popup.top() >= caret.bottom() - 0.5, "the list opens below the caret: {popup:?} {caret:?}");
    assert!(harness.query_by_label("search_dn").is_some());
    assert!(harness.query_all_by_label_contains("required").count() > 0, "required keys are marked");
    assert!(
        harness.query_all_by_label_contains("Base DN under which users are searched").count() > 0,
        "each item shows its help"
    );
}

#[test]
fn missing_required_keys_have_a_quick_fix_that_adds_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, "[ad_client]\nhost=dc1\nservice_account_username=svc\nservice_account_password=x\n").unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    assert!(harness.state_mut().diagnostics().iter().any(|d| d.kind == Kind::MissingKey));
    harness.get_by_label("Add search_dn").click();
    harness.run();
    assert!(
        harness.state().text().ends_with("service_account_password=x\nsearch_dn=\n"),
        "{:?}",
        harness.state().text()
    );
    let caret = harness.state().editor().caret;
    assert_eq!(
        &harness.state().text()[..caret],
        "[ad_client]\nhost=dc1\nservice_account_username=svc\nservice_account_password=x\nsearch_dn="
    );
}

#[test]
fn ctrl_space_on_a_written_value_offers_every_allowed_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, "[radius_server_auto]\nfailmode=safe\n").unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let at = harness.state().text().find("safe").unwrap() + 4;
    harness.state_mut().go_to(at);
    harness.run();
    harness.key_press_modifiers(Modifiers::CTRL, Key::Space);
    harness.run();
    assert_eq!(harness.state().editor().completion_labels(), ["safe", "secure"]);
    harness.key_press(Key::ArrowDown);
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().text(), "[radius_server_auto]\nfailmode=secure\n");
}

#[test]
fn enter_after_typing_the_only_offer_exactly_makes_a_new_line() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let before = harness.state().text().to_string();
    type_at_end(&mut harness, "\ndebug=true");
    assert_eq!(harness.state().editor().completion_labels(), ["true"], "the one offer is what is typed");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().text(), format!("{before}\ndebug=true\n"));
    assert!(!harness.state().editor().completion_open());
}

#[test]
fn fast_typing_never_inserts_a_completion_on_the_next_line() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let before = harness.state().text().to_string();
    let end = before.len();
    harness.state_mut().go_to(end);
    harness.run();
    // Keys 10 ms apart: several land in one frame, an Enter behind the letters before it.
    for chunk in ["\ntim", "eout=3\nfa\n", "x\n"] {
        for c in chunk.chars() {
            let event =
                if c == '\n' { key_event(Key::Enter, Modifiers::NONE) } else { egui::Event::Text(c.to_string()) };
            harness.input_mut().events.push(event);
        }
        harness.step();
    }
    harness.run();
    let added = &harness.state().text()[end..];
    assert_eq!(added, "\ntimeout=3\nfa\nx\n", "only what was typed");
}

#[test]
fn copy_report_copies_and_says_so() {
    let (_dir, path) = sample_copy("i03_typo_key.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.key_press(Key::F5);
    harness.run();
    // One frame with the key, to read that frame's output.
    let ctrl_shift = Modifiers::COMMAND | Modifiers::SHIFT;
    harness.input_mut().events.push(egui::Event::ModifiersChanged(ctrl_shift));
    harness.input_mut().events.push(key_event(Key::C, ctrl_shift));
    harness.input_mut().events.push(egui::Event::ModifiersChanged(Modifiers::NONE));
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied.len(), 1, "{copied:?}");
    assert!(copied[0].starts_with("Validate authproxy.cfg") && copied[0].contains("UnexpectedKey"), "{}", copied[0]);
    harness.run();
    assert!(harness.state().status_note().starts_with("Copied the report"), "{}", harness.state().status_note());
}

#[test]
fn one_secret_at_a_time_and_a_visible_mark_when_all_are_shown() {
    let (_dir, path) = sample_copy("v01_radius_auto_ad.cfg");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let skey = harness.state().text().find("skey=").unwrap();
    let line = line_of(harness.state().text(), skey);
    harness.state_mut().go_to(skey);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::H);
    harness.run();
    assert_eq!(harness.state().editor().revealed_line(), Some(line), "only the caret's line");
    assert!(!harness.state().editor().reveal_secrets);
    assert!(harness.query_by_label("Secrets shown").is_none());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::H);
    harness.run();
    assert_eq!(harness.state().editor().revealed_line(), None, "and hidden again");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::ALT, Key::H);
    harness.run();
    assert!(harness.state().editor().reveal_secrets);
    harness.get_by_label("Secrets shown").click();
    harness.run();
    assert!(!harness.state().editor().reveal_secrets, "the mark hides them again");
}

#[test]
fn the_platform_follows_the_file_with_a_switch_when_they_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, "[radius_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey_protected=AQAAANCMnd8BFdERjHoAwE\napi_host=api-x.duosecurity.com\n").unwrap();
    let app = AuthProxyApp::with_inferred_platform(Some(&path), environment(None));
    assert_eq!(app.platform(), Platform::Windows, "*_protected values mean Windows");
    let mut harness = harness(Some(&path), Platform::Linux, None);
    assert!(harness.query_by_label("Use windows rules").is_some(), "a one-click switch");
    harness.get_by_label("Use windows rules").click();
    harness.run();
    assert_eq!(harness.state().platform(), Platform::Windows);
    assert!(harness.query_by_label("Use windows rules").is_none());
}

#[test]
fn the_gutter_stays_put_when_a_long_line_scrolls_sideways() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let long = format!("[ad_client]\nhost=dc1\nsearch_dn={}\n", "OU=Branch,".repeat(60) + "DC=example,DC=com");
    std::fs::write(&path, &long).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let viewport = harness.state().editor().viewport().unwrap();
    let numbers = harness.state().editor().numbers_drawn_at().expect("line numbers are drawn");
    let text_before = harness.state().editor().text_left().unwrap();
    assert!(numbers < text_before, "the numbers are left of the text");
    let end = long.len() - 1;
    harness.state_mut().go_to(end);
    harness.run();
    let text_left = harness.state().editor().text_left().unwrap();
    assert!(text_left < viewport.left() - 100.0, "the text scrolled sideways: {text_left} vs {viewport:?}");
    let after = harness.state().editor().numbers_drawn_at().unwrap();
    assert!((after - numbers).abs() < 0.5, "the line numbers were drawn at {numbers}, then at {after}");
    assert_eq!(harness.state().editor().viewport().unwrap().left(), viewport.left());
}

#[test]
fn errors_and_warnings_are_marked_along_the_scroll_bar() {
    let (_dir, path, text) = long_config();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    let viewport = harness.state().editor().viewport().unwrap();
    let marks = harness.state_mut().scrollbar_marks();
    assert_eq!(marks.len(), 1, "{marks:?}");
    let (y, severity) = marks[0];
    assert_eq!(severity, Severity::Error);
    let lines = text.lines().count() as f32;
    let expected = viewport.top() + 262.0 / lines * viewport.height();
    assert!((y - expected).abs() < 2.0, "mark at {y}, line 263 of {lines} is at {expected}");
}

#[test]
fn the_theme_and_the_panel_split_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    let env = Environment { settings_file: Some(settings.clone()), ..environment(None) };
    let mut harness = harness_sized(None, env, egui::vec2(1280.0, 800.0));
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Light").click();
    harness.run();
    assert_eq!(harness.ctx.theme(), egui::Theme::Light, "light now");
    let saved = std::fs::read_to_string(&settings).unwrap();
    assert!(saved.contains("\"theme\": \"light\""), "{saved}");
    let env = Environment { settings_file: Some(settings.clone()), ..environment(None) };
    let again = harness_sized(None, env, egui::vec2(1280.0, 800.0));
    assert_eq!(again.ctx.theme(), egui::Theme::Light, "still light after a restart");

    // Drag the panel's edge to the left: the wider share is remembered and used at the next start.
    // The panel's first tab is Form.
    let edge = again.get_by_label("Form").rect().left() - 9.0;
    let mut again = again;
    again.drag_at(egui::pos2(edge, 400.0));
    again.run();
    again.hover_at(egui::pos2(edge - 300.0, 400.0));
    again.run();
    again.drop_at(egui::pos2(edge - 300.0, 400.0));
    again.run();
    let share = again.state().settings().panel_share.expect("the dragged split is remembered");
    assert!(share > 0.5, "{share}");
    drop(again);
    let env = Environment { settings_file: Some(settings), ..environment(None) };
    let third = harness_sized(None, env, egui::vec2(1280.0, 800.0));
    let left = third.get_by_label("Form").rect().left();
    assert!(left < 1280.0 * 0.55, "the panel starts at its remembered width: its tabs begin at {left}");
}

#[test]
fn f1_lists_the_shortcuts_that_have_no_button() {
    let mut harness = harness(None, Platform::Linux, None);
    harness.key_press(Key::F1);
    harness.run();
    assert!(matches!(harness.state().overlay(), Some(Overlay::Shortcuts)));
    for what in [
        "Go to line…",
        "Next problem",
        "Copy report",
        "Quick fix",
        "Completion: sections, keys (required ones first), values",
    ] {
        assert!(harness.query_by_label(what).is_some(), "{what} is listed");
    }
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().overlay().is_none());
}

#[test]
fn the_log_tab_without_a_proxy_says_so_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    let missing = dir.path().join("no-such-log");
    std::fs::write(&path, format!("[main]\nlog_dir={}\n", missing.display())).unwrap();
    let mut harness = harness(Some(&path), Platform::Linux, None);
    harness.get_by_label("Log").click();
    harness.run();
    let sentence = format!("There is no proxy log folder at {}", missing.display());
    assert!(harness.query_by_label_contains(&sentence).is_some(), "{sentence}");
    assert!(harness.query_by_label_contains("os error").is_none(), "no raw watcher error");
}
