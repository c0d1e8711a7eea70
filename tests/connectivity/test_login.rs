//! `test-login` against a real RADIUS listener: FreeRADIUS on loopback (tests/servers/freeradius.sh)
//! stands in for the proxy's. Each outcome's message and advice are checked, and the password
//! never appears in any output, even at trace level.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::servers::freeradius;

fn config(dir: &Path, secret: &str) -> PathBuf {
    let server = freeradius();
    let port = server.get("TEST_RADIUS_PORT");
    let text = format!(
        "[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\n\
         api_host=api-x.duosecurity.com\nport={port}\nradius_ip_1=127.0.0.1\nradius_secret_1={secret}\n\n\
         [radius_server_challenge]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\n\
         api_host=api-x.duosecurity.com\nport={port}\nradius_ip_1=127.0.0.1\nradius_secret_1={secret}\n\n\
         [radius_server_eap]\nport={port}\nradius_ip_1=127.0.0.1\nradius_secret_1={secret}\n"
    );
    let path = dir.join("authproxy.cfg");
    std::fs::write(&path, text).unwrap();
    path
}

fn test_login(config: &Path, password: &str, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
        .args(["--log-level", "trace", "test-login", "--config"])
        .arg(config)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    for stream in [&output.stdout, &output.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(password), "the password was printed");
    }
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn secret() -> String {
    freeradius().get("TEST_RADIUS_SECRET").to_owned()
}

#[test]
fn an_accepted_login_shows_the_answer_and_that_the_client_would_wait() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &secret());
    let out = test_login(&config, "Passw0rd!", &["--section", "radius_server_auto", "--user", "alice"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(text.contains("Test login to [radius_server_auto] at 127.0.0.1:"), "{text}");
    assert!(
        text.contains("sent Access-Request (PAP, Message-Authenticator)") && text.contains("Access-Accept"),
        "{text}"
    );
    assert!(text.contains("Reply-Message \"Welcome alice\"; Class vpn-users"), "{text}");
    assert!(text.contains("so it would have waited for it"), "{text}");
    assert!(text.contains("no Message-Authenticator"), "FreeRADIUS 3.2 does not sign its answers: {text}");
}

#[test]
fn a_wrong_password_is_rejected_with_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &secret());
    let out = test_login(&config, "not-the-password", &["--section", "radius_server_auto", "--user", "alice"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("Access-Reject") && stdout(&out).contains("Rejected ("), "{}", stdout(&out));
}

#[test]
fn a_late_answer_is_compared_with_the_clients_timeout_and_retries() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &secret());
    let out = test_login(
        &config,
        "Passw0rd!",
        &["--section", "radius_server_auto", "--user", "late", "--timeout", "1", "--retries", "2"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("sent again (try 2), as the client would"), "{text}");
    assert!(text.contains("the client would give up here"), "{text}");
    assert!(
        text.contains("a client waiting 1.0 s × 2 tries gives up at 2.0 s") && text.contains("at least 60 s"),
        "{text}"
    );
}

#[test]
fn a_named_clients_defaults_are_compared_and_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &secret());
    let args = ["--section", "radius_server_auto", "--user", "late", "--client", "paloalto", "--timeout", "2"];
    let out = test_login(&config, "Passw0rd!", &args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("compared with Palo Alto GlobalProtect defaults (3 s, 3 tries), changed (2 s × 3)"),
        "{text}"
    );
    assert!(text.contains("retransmitted 1 time(s)") && text.contains("duplicate request"), "{text}");
    let unknown =
        test_login(&config, "Passw0rd!", &["--section", "radius_server_auto", "--user", "late", "--client", "netgear"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("fortigate"), "the known clients are listed");
}

#[test]
fn a_challenge_is_answered_with_the_factor_and_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &secret());
    let args =
        ["--section", "radius_server_challenge", "--user", "challenged", "--factor", "123456", "--format", "json"];
    let out = test_login(&config, "Passw0rd!", &args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["verdict"], "accepted");
    let steps: Vec<&str> = report["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["sent", "challenged", "challenge_answered", "sent", "answered"]);
    assert_eq!(report["steps"][1]["message"], "Enter the code from your phone");
    assert_eq!(report["answer"]["reply_message"], "Code accepted");
    // Without a factor the challenge is left unanswered: a rejection that says why.
    let unanswered =
        test_login(&config, "Passw0rd!", &["--section", "radius_server_challenge", "--user", "challenged"]);
    assert_eq!(unanswered.status.code(), Some(1));
    assert!(stdout(&unanswered).contains("asked for a second factor"), "{}", stdout(&unanswered));
}

#[test]
fn another_address_of_this_machine_that_a_radius_ip_lists_is_sent_from() {
    let server = freeradius();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(
        &path,
        format!(
            "[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\n\
             api_host=api-x.duosecurity.com\nport={}\nradius_ip_1=127.0.0.2\nradius_secret_1={}\n",
            server.get("TEST_RADIUS_PORT"),
            secret()
        ),
    )
    .unwrap();
    let out = test_login(&path, "Passw0rd!", &["--section", "radius_server_auto", "--user", "alice"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let expected = format!("at 127.0.0.2:{} from 127.0.0.2 (radius_ip_1)", server.get("TEST_RADIUS_PORT"));
    assert!(text.contains(&expected), "{text}");
}

#[test]
fn a_secret_mismatch_gets_no_answer_and_exit_three() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "not-the-servers-secret");
    let args =
        ["--section", "radius_server_auto", "--user", "alice", "--timeout", "1", "--retries", "2", "--listen", "3"];
    let out = test_login(&config, "Passw0rd!", &args);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("No answer.") && text.contains("radius_ip_N") && text.contains("logs --client 127.0.0.1"),
        "{text}"
    );
}

#[test]
fn an_address_no_radius_ip_allows_is_named_with_its_lines_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &secret());
    let out = test_login(
        &config,
        "Passw0rd!",
        &["--section", "radius_server_auto", "--user", "alice", "--from", "127.0.0.2"],
    );
    assert_eq!(out.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(errors.contains("would drop the packet as an unknown client"), "{errors}");
    assert!(errors.contains("authproxy.cfg:6:1: radius_ip_1"), "{errors}");
    let eap = test_login(&config, "Eap-Pw-Never-Read", &["--section", "radius_server_eap", "--user", "alice"]);
    assert_eq!(eap.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&eap.stderr).contains("eapol_test"));
}

#[test]
fn the_proxys_own_log_of_the_test_is_shown_after_it() {
    let install = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(install.path().join("conf")).unwrap();
    std::fs::create_dir_all(install.path().join("log")).unwrap();
    config(&install.path().join("conf"), &secret());
    // The proxy's log as it would be during the test: a request of alice's, written now.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros() as i64;
    let mut log = crate::loggen::LogGen::new(3).at(now + 500_000, 60);
    log.request(crate::loggen::Story::Accept, "alice", "127.0.0.1", 40001, 9);
    std::fs::write(install.path().join("log/authproxy.log"), &log.text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
        .args(["test-login", "--section", "radius_server_auto", "--user", "alice", "--install-dir"])
        .arg(install.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(b"Passw0rd!\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let view = text.split("The proxy's log of this login:").nth(1).unwrap_or_else(|| panic!("no proxy view: {text}"));
    assert!(view.contains("accept") && view.contains("alice") && view.contains("timeline: received"), "{view}");
}

#[test]
fn the_window_sends_a_test_login_and_shows_its_timeline_in_the_output_tab() {
    use authproxy_manager::schema::Platform;
    use egui_kittest::kittest::Queryable as _;
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &secret());
    let mut harness = crate::gui::harness(Some(&config), Platform::Linux, None);
    harness.get_by_label("Test login").click();
    harness.run();
    harness.get_by_label("User name").click();
    harness.run();
    harness.get_by_label("User name").type_text("late");
    harness.get_by_label("Password").click();
    harness.run();
    harness.get_by_label("Password").type_text("Passw0rd!");
    harness.run();
    assert!(harness.query_all_by_label_contains("Passw0rd!").next().is_none(), "the password field is masked");
    harness.get_by_label("Send").click();
    harness.run();
    wait_for_login(&mut harness);
    for part in ["Test login as late to [radius_server_auto]", "Access-Accept", "The answer came after"] {
        assert!(harness.query_all_by_label_contains(part).next().is_some(), "the Output tab shows {part:?}");
    }
    assert!(harness.query_all_by_label_contains("Passw0rd!").next().is_none(), "no password anywhere");
}

fn wait_for_login(harness: &mut egui_kittest::Harness<'_, authproxy_manager::app::AuthProxyApp>) {
    let started = std::time::Instant::now();
    while harness.state().login_running() {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "the test login never ended");
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    harness.run();
}

#[test]
fn a_kept_test_login_shows_the_proxys_log_and_reruns_from_the_connectivity_tab() {
    use authproxy_manager::schema::Platform;
    use egui_kittest::kittest::Queryable as _;
    let install = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(install.path().join("log")).unwrap();
    let config = config(
        &{
            let conf = install.path().join("conf");
            std::fs::create_dir_all(&conf).unwrap();
            conf
        },
        &secret(),
    );
    // The proxy's log as it would be during the test: a request of alice's, written now.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros() as i64;
    let mut log = crate::loggen::LogGen::new(5).at(now + 500_000, 60);
    log.request(crate::loggen::Story::Accept, "alice", "127.0.0.1", 40001, 9);
    std::fs::write(install.path().join("log/authproxy.log"), &log.text).unwrap();

    let mut harness = crate::gui::harness(Some(&config), Platform::Linux, None);
    harness.get_by_label("Test login").click();
    harness.run();
    harness.get_by_label("User name").type_text("alice");
    harness.get_by_label("Password").click();
    harness.run();
    harness.get_by_label("Password").type_text("Passw0rd!");
    harness.get_by_label_contains("Keep this test for [radius_server_auto]").click();
    harness.run();
    harness.get_by_label("Send").click();
    harness.run();
    wait_for_login(&mut harness);
    for part in ["Access-Accept", "The proxy's log of this login:", "timeline: received"] {
        assert!(harness.query_all_by_label_contains(part).next().is_some(), "the Output tab shows {part:?}");
    }
    let saved = &harness.state().settings().saved_logins;
    assert_eq!(saved.len(), 1);
    assert_eq!((saved[0].section.as_str(), saved[0].user.as_str()), ("radius_server_auto", "alice"));
    assert_eq!(saved[0].config, config);
    let kept = serde_json::to_string(harness.state().settings()).unwrap();
    assert!(!kept.contains("Passw0rd!"), "the password is never kept: {kept}");

    harness.get_by_label("Connectivity").click();
    harness.run();
    assert!(harness.query_by_label("Saved test logins").is_some());
    assert!(harness.query_by_label("[radius_server_auto] as alice").is_some());
    assert!(harness.query_all_by_label_contains("Access-Accept after").next().is_some(), "the last run's outcome");
    harness.get_by_label("Run…").click();
    harness.run();
    assert_eq!(harness.get_by_label("User name").value().as_deref(), Some("alice"), "filled in from the saved test");
    harness.get_by_label("Password").type_text("Passw0rd!");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert!(harness.state().login_running(), "Enter in the password field sends the test");
    wait_for_login(&mut harness);
    harness.get_by_label("Output").click();
    harness.run();
    assert_eq!(harness.query_all_by_label_contains("Test login as alice to [radius_server_auto]").count(), 2);
    assert!(harness.query_all_by_label_contains("Passw0rd!").next().is_none(), "no password anywhere");

    harness.get_by_label("Connectivity").click();
    harness.run();
    harness.get_by_label("Forget").click();
    harness.run();
    assert!(harness.state().settings().saved_logins.is_empty());
    assert!(harness.query_by_label("Saved test logins").is_none());
}

#[test]
fn a_client_preset_of_the_users_own_is_kept_and_offered_again() {
    use authproxy_manager::schema::Platform;
    use egui_kittest::kittest::Queryable as _;
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "unused-secret");
    let mut harness = crate::gui::harness(Some(&config), Platform::Linux, None);
    harness.get_by_label("Test login").click();
    harness.run();
    harness.get_by_label("Compare with").click();
    harness.run();
    harness.get_by_label("Palo Alto GlobalProtect defaults (3 s, 3 tries)").click();
    harness.run();
    harness.get_by_label("Keep as preset").click();
    harness.run();
    harness.get_by_label("Keep as preset").type_text("our GlobalProtect");
    harness.run();
    harness.get_by_label("Keep").click();
    harness.run();
    let own = &harness.state().settings().client_presets;
    assert_eq!(own.len(), 1);
    assert_eq!((own[0].name.as_str(), own[0].timeout_secs, own[0].tries), ("our GlobalProtect", 3, 3));
    harness.get_by_label("Cancel").click();
    harness.run();
    harness.get_by_label("Test login").click();
    harness.run();
    harness.get_by_label("Compare with").click();
    harness.run();
    assert!(harness.query_by_label("our GlobalProtect").is_some(), "offered among the presets");
}

#[test]
fn an_ldap_listener_gets_a_bind_as_the_user_and_the_applications_search() {
    let slapd = super::servers::slapd();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(
        &path,
        format!(
            "[ldap_server_auto]\nport={}\nssl_port={}\nssl_key_path=server.key\nssl_cert_path=server.pem\n",
            slapd.get("TEST_SLAPD_PORT"),
            slapd.get("TEST_SLAPD_LDAPS_PORT")
        ),
    )
    .unwrap();
    let user = format!("uid={},{}", slapd.get("TEST_SLAPD_USER"), slapd.get("TEST_SLAPD_SEARCH_DN"));
    let args = ["--section", "ldap_server_auto", "--user", user.as_str()];
    let out = test_login(&path, slapd.get("TEST_SLAPD_PASSWORD"), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("ok     simple bind on ldap://127.0.0.1:"), "{text}");
    assert!(text.contains("ok     simple bind on ldaps://127.0.0.1:"), "TLS on ssl_port too: {text}");
    assert!(text.contains("1 entry(ies)"), "{text}");
    let wrong = test_login(&path, "Not-The-Password-9", &args);
    assert_eq!(wrong.status.code(), Some(1), "{}", stdout(&wrong));
    assert!(stdout(&wrong).contains("result 49"), "{}", stdout(&wrong));

    // The same in the window.
    use egui_kittest::kittest::Queryable as _;
    let mut harness = crate::gui::harness(Some(&path), authproxy_manager::schema::Platform::Linux, None);
    harness.get_by_label("Test login").click();
    harness.run();
    harness.get_by_label("User name").type_text(&user);
    harness.get_by_label("Password").click();
    harness.run();
    harness.get_by_label("Password").type_text(slapd.get("TEST_SLAPD_PASSWORD"));
    harness.get_by_label("Send").click();
    harness.run();
    wait_for_login(&mut harness);
    for part in ["Test login as uid=", "simple bind on ldap://127.0.0.1:", "simple bind on ldaps://127.0.0.1:"] {
        assert!(harness.query_all_by_label_contains(part).next().is_some(), "the Output tab shows {part:?}");
    }
    assert!(harness.query_all_by_label_contains(slapd.get("TEST_SLAPD_PASSWORD")).next().is_none());
}

#[test]
fn a_listener_behind_a_blackhole_times_out_like_the_client_would() {
    // The listener address is inside a network namespace whose replies are blackholed: the
    // packets leave, nothing ever comes back, not even a port-unreachable.
    let listener = super::servers::blackholed_address();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authproxy.cfg");
    std::fs::write(
        &path,
        format!(
            "[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY\n\
             api_host=api-x.duosecurity.com\ninterface={listener}\nport=1812\nradius_ip_1=10.231.77.1\n\
             radius_secret_1=Blackhole-Secret-1\n"
        ),
    )
    .unwrap();
    let args = [
        "--section",
        "radius_server_auto",
        "--user",
        "alice",
        "--from",
        "10.231.77.1",
        "--timeout",
        "1",
        "--retries",
        "3",
        "--listen",
        "4",
    ];
    let started = std::time::Instant::now();
    let out = test_login(&path, "Blackhole-Pw-7", &args);
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() >= std::time::Duration::from_secs(4), "it listened for the whole --listen time");
    let text = stdout(&out);
    let tries = text.matches("sent again (try").count();
    assert_eq!(tries, 2, "three tries: the first send and two retransmissions at 1 s and 2 s: {text}");
    assert!(text.contains("the client would give up here") && text.contains("no answer; stopped listening"), "{text}");
    assert!(
        text.contains(&format!(
            "No answer. Is the proxy running, with [radius_server_auto] listening on {listener}:1812?"
        )),
        "{text}"
    );
}
