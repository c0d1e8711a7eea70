//! The Log tab drives the real window (kittest): requests from generated logs in the proxy's
//! grammar, filtered by user and outcome, a request's timeline and explanation in the detail
//! pane, a click from the explanation to the config line, and lines written while it watches.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use authproxy_manager::app::AuthProxyApp;
use authproxy_manager::logfile::Outcome;
use authproxy_manager::schema::Platform;
use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;

use crate::gui::harness;
use crate::loggen::{LogGen, Story};

const CONFIG: &str = "\
[ad_client]
host=10.0.0.200
service_account_username=svc-duo
service_account_password=hunter2
search_dn=DC=example,DC=com

[radius_server_auto]
ikey=DIXXXXXXXXXXXXXXXXXX
skey=YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY
api_host=api-xxxxxxxx.duosecurity.com
radius_ip_1=10.0.0.1
radius_secret_1=s3cret
client=ad_client
";

/// Reading happens off the UI thread: frames run until the index is in.
pub fn wait_for_logs(harness: &mut Harness<'_, AuthProxyApp>) {
    let started = Instant::now();
    loop {
        harness.step();
        let ready = harness.state().log_explorer().is_some_and(|e| !e.busy() && e.index().is_some());
        if ready {
            harness.run_steps(3);
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the logs were not read in 20 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An install folder: `conf/authproxy.cfg` and `log/` with one request of each story.
fn install() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("conf")).unwrap();
    std::fs::create_dir_all(dir.path().join("log")).unwrap();
    let config = dir.path().join("conf/authproxy.cfg");
    std::fs::write(&config, CONFIG).unwrap();
    let mut log = LogGen::new(9);
    log.startup("6.4.2");
    log.request(Story::Accept, "alice", "10.0.0.1", 41000, 1);
    log.sync_chatter();
    log.request(Story::WrongPassword, "müller", "10.0.0.1", 41001, 2);
    log.request(Story::PushTimeout, "bob", "10.0.0.1", 41002, 3);
    log.request(Story::SecretMismatch, "carol", "10.0.0.1", 41003, 4);
    log.request(Story::Accept, "müller", "10.0.0.1", 41004, 5);
    log.wait_ms(90_000);
    log.sync_chatter();
    log.write(&dir.path().join("log"), usize::MAX).unwrap();
    (dir, config)
}

fn open_log_tab(config: &Path) -> Harness<'static, AuthProxyApp> {
    let mut harness = harness(Some(config), Platform::Linux, None);
    harness.get_by_label("Log").click();
    harness.run_steps(2);
    wait_for_logs(&mut harness);
    harness
}

fn shown_users(harness: &Harness<'_, AuthProxyApp>) -> Vec<String> {
    let explorer = harness.state().log_explorer().unwrap();
    let index = explorer.index().unwrap();
    explorer
        .matches()
        .requests
        .iter()
        .map(|&r| index.requests[r as usize].user.clone().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_user_field_and_the_outcome_toggles_filter_the_requests() {
    let (_dir, config) = install();
    let mut harness = open_log_tab(&config);
    assert_eq!(shown_users(&harness), ["alice", "müller", "bob", "carol", "müller"]);
    assert!(harness.query_by_label_contains("bob").is_some(), "bob's row is drawn");

    harness.get_by_label("User").click();
    harness.run_steps(2);
    harness.get_by_label("User").type_text("MÜLLER");
    harness.run_steps(3);
    assert_eq!(shown_users(&harness), ["müller", "müller"]);
    assert!(harness.query_by_label_contains("bob").is_none(), "other rows are gone");

    harness.get_by_label("rejected").click();
    harness.run_steps(3);
    assert_eq!(shown_users(&harness), ["müller"], "the wrong password only");
    let explorer = harness.state().log_explorer().unwrap();
    let index = explorer.index().unwrap();
    assert_eq!(index.requests[explorer.matches().requests[0] as usize].outcome, Outcome::Reject);

    harness.get_by_label("Clear").click();
    harness.run_steps(3);
    harness.get_by_label("timed out").click();
    harness.run_steps(3);
    assert_eq!(shown_users(&harness), ["bob"]);
}

#[test]
fn a_request_shows_its_timeline_and_a_click_on_its_config_line_selects_it_in_the_editor() {
    let (_dir, config) = install();
    let mut harness = open_log_tab(&config);
    harness.get_by_label_contains("bob").click();
    harness.run_steps(3);
    for part in
        ["Timeline", "duplicate request", "Duo's answer", "The client retransmitted", "Reason: Login timed out."]
    {
        assert!(harness.query_all_by_label_contains(part).next().is_some(), "the detail pane shows {part:?}");
    }
    // carol's shared secret differs: the explanation points at radius_secret_1.
    harness.get_by_label_contains("carol").click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("Shared secret mismatch").is_some());
    harness.get_by_label_contains("[radius_server_auto] radius_secret_1").click();
    harness.run_steps(3);
    let key = CONFIG.find("radius_secret_1").unwrap();
    assert_eq!(harness.state().editor().selection, Some(key..key + "radius_secret_1".len()));
}

#[test]
fn lines_the_proxy_writes_while_the_tab_is_open_appear() {
    let (dir, config) = install();
    let mut harness = open_log_tab(&config);
    assert_eq!(shown_users(&harness).len(), 5);
    let mut more = LogGen::new(2);
    more.wait_ms(3_600_000);
    more.request(Story::Accept, "zoë", "10.0.0.1", 42000, 9);
    let log = dir.path().join("log/authproxy.log");
    let mut text = std::fs::read(&log).unwrap();
    text.extend_from_slice(&more.text);
    // A rotation: the current file moves to .1 and a new one starts.
    std::fs::rename(&log, dir.path().join("log/authproxy.log.1")).unwrap();
    std::fs::write(&log, &more.text).unwrap();
    let started = Instant::now();
    while !shown_users(&harness).iter().any(|u| u == "zoë") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the new request never appeared: {:?}",
            shown_users(&harness)
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(shown_users(&harness).len(), 6, "nothing lost or doubled by the rotation");
    drop(text);
}
