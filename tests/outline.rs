//! The outline panel (kittest): the sections in order with their counts, a click that shows the
//! section, and Add, Rename and Delete as lossless edits that one Undo takes back.

use authproxy_manager::app::AuthProxyApp;
use authproxy_manager::schema::Platform;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;

const CONFIG: &str = "; site A\n[main]\ndebug=true\n\n; the directory\n[ad_client]\nhost=dc1.example.com\n\n\
                      [radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\n\
                      api_host=api-x.duosecurity.com\nradius_ip_1=10.0.0.1\nradius_secret_1=s3cret-Value\n\
                      client=ad_client\n";

fn open(text: &str) -> (tempfile::TempDir, Harness<'static, AuthProxyApp>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, text).unwrap();
    let mut harness = crate::gui::harness(Some(&path), Platform::Linux, None);
    // The Problems tab groups findings under the same "[name]" labels; the Output tab does not.
    harness.get_by_label("Output").click();
    harness.run();
    (dir, harness)
}

#[test]
fn the_outline_lists_the_sections_with_their_findings_and_a_click_shows_one() {
    let (_dir, mut harness) = open(CONFIG);
    for name in ["[main]", "[ad_client]", "[radius_server_auto]"] {
        assert!(harness.query_by_label(name).is_some(), "{name} is listed");
    }
    assert!(harness.query_by_label("3 errors").is_some(), "[ad_client] lacks search_dn and a service account");
    harness.get_by_label("[radius_server_auto]").click();
    harness.run();
    let start = CONFIG.find("[radius_server_auto]").unwrap();
    assert_eq!(harness.state().editor().selection, Some(start..start + "[radius_server_auto]".len()));
}

#[test]
fn add_section_appends_the_next_number_with_its_required_keys() {
    let (_dir, mut harness) = open(CONFIG);
    harness.get_by_label("Add section").click();
    harness.run();
    harness.get_by_label("ad_client").click();
    harness.run();
    let text = harness.state().text().to_owned();
    assert_eq!(&text[..CONFIG.len()], CONFIG, "every byte before it is kept");
    assert_eq!(
        &text[CONFIG.len()..],
        "\n[ad_client2]\nhost=\nsearch_dn=\nservice_account_username=\nservice_account_password=\n"
    );
    assert_eq!(
        harness.state().editor().caret,
        CONFIG.len() + "\n[ad_client2]\nhost=".len(),
        "the caret waits in host="
    );
    assert!(harness.query_by_label("[ad_client2]").is_some());
    harness.get_by_label("Add section").click();
    harness.run();
    assert!(harness.get_by_label("main").accesskit_node().is_disabled(), "one [main]");
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().text(), CONFIG, "one Undo takes it back");
}

#[test]
fn renaming_a_section_renames_the_client_values_that_name_it() {
    let (_dir, mut harness) = open(CONFIG);
    harness.get_by_label("[ad_client]").click_secondary();
    harness.run();
    harness.get_by_label("Rename…").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Rename to").type_text("ad_client2");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let expected = CONFIG.replace("[ad_client]", "[ad_client2]").replace("client=ad_client\n", "client=ad_client2\n");
    assert_eq!(harness.state().text(), expected);
    let status = harness.state().status_note();
    assert!(
        status.contains("Renamed [ad_client] to [ad_client2], and [radius_server_auto] client with it"),
        "{status}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().text(), CONFIG, "name and reference come back in one Undo");
}

#[test]
fn deleting_a_section_keeps_the_rest_and_names_what_still_points_at_it() {
    let (_dir, mut harness) = open(CONFIG);
    harness.get_by_label("[ad_client]").click_secondary();
    harness.run();
    harness.get_by_label("Delete").click();
    harness.run();
    assert_eq!(harness.state().text(), CONFIG.replace("; the directory\n[ad_client]\nhost=dc1.example.com\n\n", ""));
    assert!(harness.query_by_label("[ad_client]").is_none());
    let status = harness.state().status_note();
    assert!(
        status.contains("Deleted [ad_client]; [radius_server_auto] client (line 11) still names it"),
        "the dangling client= is named with its line: {status}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().text(), CONFIG);
}

#[test]
fn a_thousand_sections_draw_only_the_rows_in_view() {
    let mut text = String::from("[main]\ndebug=true\n");
    for n in 2..=1000 {
        text.push_str(&format!("\n[ad_client{n}]\nhost=dc{n}.example.com\nsearch_dn=DC=example,DC=com\n"));
    }
    let (_dir, mut harness) = open(&text);
    assert!(harness.query_by_label("[ad_client2]").is_some(), "the first rows show");
    assert!(harness.query_by_label("[ad_client1000]").is_none(), "rows far below are not drawn");
    // The caret moving to the end brings the last section's row into view, highlighted.
    let end = text.len() - 1;
    harness.state_mut().go_to(end);
    // The list scrolls there smoothly, over a few frames.
    harness.run_steps(20);
    assert!(
        harness.query_by_label("[ad_client1000]").is_some(),
        "the caret's section is followed (caret {} of {})",
        harness.state().editor().caret,
        text.len()
    );
    assert!(harness.query_by_label("[ad_client2]").is_none());
}
