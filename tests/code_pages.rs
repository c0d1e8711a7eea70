//! Files in a Windows server's ANSI code page (1250, 1251, 932): read with the right one, kept
//! byte for byte, saved in it, and reported when the code page is wrong.

use std::path::PathBuf;
use std::process::{Command, Output};

use authproxy_manager::app::{AuthProxyApp, Environment};
use authproxy_manager::config::{CodePage, Encoding};
use authproxy_manager::schema::Platform;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;

use crate::gui::{environment, type_at_end};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authproxy-manager")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A config whose search base names an OU in the server's own script, as `bytes` in its code page.
fn config(ou: &[u8]) -> Vec<u8> {
    let mut text =
        b"[ad_client]\nhost=dc1.example.com\nservice_account_username=svc\nservice_account_password=pw\nsearch_dn=OU="
            .to_vec();
    text.extend_from_slice(ou);
    text.extend_from_slice(
        b",DC=example,DC=com\n\n[radius_server_auto]\nikey=DIVQJXXVBOTHD0WTFLHB\nskey=muaptt0Azn0DNRUQxA71p2Td8VKqxryo1nIj7BRd\napi_host=api-1.duosecurity.com\nradius_ip_1=10.0.0.1\nradius_secret_1=s1\nclient=ad_client\n",
    );
    text
}

/// "Пользователи" (Users) in Windows-1251.
const CYRILLIC_1251: &[u8] = b"\xcf\xee\xeb\xfc\xe7\xee\xe2\xe0\xf2\xe5\xeb\xe8";
/// "Użytkownicy" (Users) in Windows-1250.
const POLISH_1250: &[u8] = b"U\xbfytkownicy";
/// "ユーザー" (Users) in Shift-JIS, code page 932.
const JAPANESE_932: &[u8] = b"\x83\x86\x81[\x83U\x81[";

fn write(dir: &tempfile::TempDir, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn each_code_page_reads_its_own_text_cleanly_on_windows() {
    let dir = tempfile::tempdir().unwrap();
    for (page, ou, name) in [
        ("1251", CYRILLIC_1251, "Windows-1251"),
        ("1250", POLISH_1250, "Windows-1250"),
        ("932", JAPANESE_932, "code page 932 (Japanese, Shift-JIS)"),
    ] {
        let path = write(&dir, &config(ou));
        let o =
            run(&["validate", "--platform", "windows", "--codepage", page, "--format", "json", path.to_str().unwrap()]);
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let kinds: Vec<&str> =
            report[0]["diagnostics"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
        assert!(!kinds.contains(&"LoadError"), "{page}: {kinds:?}");
        assert_eq!(report[0]["encoding"], format!("cp{page}"));
        let text = run(&["validate", "--platform", "windows", "--codepage", page, path.to_str().unwrap()]);
        assert!(
            stdout(&text).contains(&format!("0 error(s), 3 warning(s) (windows semantics, {name}, ")),
            "{}",
            stdout(&text)
        );
    }
}

#[test]
fn shift_jis_read_as_windows_1252_is_a_load_error_that_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &config(JAPANESE_932));
    let o = run(&["validate", "--platform", "windows", "--codepage", "1252", path.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("error[LoadError]: Byte 0x81 has no meaning in Windows-1252"), "{out}");
    let o = run(&["validate", "--platform", "windows", "--codepage", "932", path.to_str().unwrap()]);
    assert!(!stdout(&o).contains("LoadError"), "{}", stdout(&o));
}

#[test]
fn bytes_that_are_not_text_in_the_code_page_are_reported_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    // A Shift-JIS lead byte followed by a line break: no 932 character.
    let path = write(&dir, &config(b"Sales\x83"));
    let o = run(&["validate", "--platform", "windows", "--codepage", "932", path.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains(":5:19: error[LoadError]: These bytes are neither UTF-8 nor text in code page 932"), "{out}");
    let bad = run(&["validate", "--codepage", "65001", path.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a Windows ANSI code page this tool reads"));
}

fn window(path: &std::path::Path, settings: PathBuf) -> Harness<'static, AuthProxyApp> {
    let env = Environment { settings_file: Some(settings), ..environment(None) };
    let app = AuthProxyApp::new(Some(path), Platform::Windows, env);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 800.0))
        .build_ui_state(|ui, app: &mut AuthProxyApp| app.show(ui), app);
    harness.run();
    harness
}

#[test]
fn the_window_reads_edits_and_saves_in_the_chosen_code_page() {
    let dir = tempfile::tempdir().unwrap();
    let original = config(CYRILLIC_1251);
    let path = write(&dir, &original);
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, r#"{ "code_page": 1251 }"#).unwrap();
    let mut harness = window(&path, settings.clone());
    assert_eq!(harness.state().encoding(), Encoding::Ansi(CodePage::new(1251).unwrap()));
    assert!(harness.state().text().contains("OU=Пользователи,"));
    type_at_end(&mut harness, "; Пароль хранится отдельно\n");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    let saved = std::fs::read(&path).unwrap();
    assert!(saved.starts_with(&original), "the untouched bytes are kept");
    assert_eq!(
        &saved[original.len()..],
        b"; \xcf\xe0\xf0\xee\xeb\xfc \xf5\xf0\xe0\xed\xe8\xf2\xf1\xff \xee\xf2\xe4\xe5\xeb\xfc\xed\xee\n"
    );
}

#[test]
fn choosing_another_code_page_reads_the_file_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, &config(POLISH_1250));
    let settings = dir.path().join("settings.json");
    let mut harness = window(&path, settings.clone());
    // This machine's code page (1252 off Windows) shows the wrong letter.
    assert!(harness.state().text().contains("OU=U¿ytkownicy"), "{}", harness.state().text());
    harness.get_by_label("Windows-1252").click();
    harness.run();
    harness.get_by_label("Windows-1250").click();
    harness.run();
    assert!(harness.state().text().contains("OU=Użytkownicy"));
    assert!(harness.state().status_note().contains("Read the file again in Windows-1250"));
    assert!(!harness.state().is_modified(), "reading again is not an edit");
    let kept = std::fs::read_to_string(&settings).unwrap();
    assert!(kept.contains("\"code_page\": 1250"), "{kept}");
}
