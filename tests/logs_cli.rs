//! `authproxy-manager logs`: requests by default, raw lines with --lines, every filter, JSON
//! lines, the summary, exit codes (0 found, 1 nothing, 2 cannot read), --follow and --export.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::loggen::{LogGen, Story};

fn logs(install: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
        .arg("logs")
        .arg("--install-dir")
        .arg(install)
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An install with a config and rotated logs holding one request of each story.
fn install() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("conf")).unwrap();
    std::fs::create_dir_all(dir.path().join("log")).unwrap();
    std::fs::write(
        dir.path().join("conf/authproxy.cfg"),
        "[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=Sk3yS3cretValue\napi_host=api-x.duosecurity.com\nradius_ip_1=10.0.0.1\nradius_secret_1=s3cret\n",
    )
    .unwrap();
    let mut log = LogGen::new(21).whole_seconds();
    log.startup("5.0.0");
    log.info_line("Starting with password=Pl41nS3cret in a debug line");
    log.request(Story::Accept, "alice", "10.0.0.1", 41000, 1);
    for _ in 0..20 {
        log.sync_chatter();
        log.wait_ms(40_000);
    }
    log.request(Story::PushTimeout, "bob", "10.0.0.1", 41001, 2);
    log.request(Story::UnknownClient, "x", "10.0.0.9", 41002, 3);
    log.request(Story::Accept, "müller", "10.0.0.1", 41003, 4);
    log.wait_ms(120_000);
    log.sync_chatter();
    log.write(&dir.path().join("log"), 4096).unwrap();
    dir
}

#[test]
fn requests_are_printed_with_their_timeline_and_explanation() {
    let dir = install();
    let out = logs(dir.path(), &["--user", "bob"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = text(&out);
    assert!(
        printed.contains("timeout") && printed.contains("bob") && printed.contains("2 duplicate request(s)"),
        "{printed}"
    );
    assert!(printed.contains("timeline: received +0 ms"), "{printed}");
    assert!(printed.contains("The client retransmitted"), "{printed}");
    assert!(!printed.contains("alice"), "{printed}");
    // Times as the log wrote them (UTC-5), whole seconds.
    assert!(printed.contains("-0500"), "{printed}");
}

#[test]
fn an_unknown_client_points_at_the_radius_ip_line_of_the_config() {
    let dir = install();
    let out = logs(dir.path(), &["--client", "10.0.0.9", "--outcome", "error"]);
    assert_eq!(out.status.code(), Some(0));
    let printed = text(&out);
    assert!(printed.contains("Unknown RADIUS client"), "{printed}");
    assert!(printed.contains("authproxy.cfg:5: [radius_server_auto] radius_ip_1"), "{printed}");
}

#[test]
fn nothing_found_exits_one_and_an_unreadable_folder_two() {
    let dir = install();
    assert_eq!(logs(dir.path(), &["--user", "nobody"]).status.code(), Some(1));
    assert_eq!(logs(dir.path(), &["--since", "2030-01-01"]).status.code(), Some(1));
    let bad_time = logs(dir.path(), &["--since", "yesterday-ish"]);
    assert_eq!(bad_time.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_time.stderr).contains("is not a time"));
    let missing = logs(&dir.path().join("nowhere"), &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--log-dir"));
}

#[test]
fn lines_are_masked_and_routine_chatter_folded_unless_asked() {
    let dir = install();
    let out = logs(dir.path(), &["--lines"]);
    assert_eq!(out.status.code(), Some(0));
    let printed = text(&out);
    assert!(!printed.contains("Pl41nS3cret") && printed.contains("password=********"), "secrets masked");
    assert!(!printed.contains("Summary: drpc_"), "chatter folded");
    let noisy = text(&logs(dir.path(), &["--lines", "--noise"]));
    assert!(noisy.contains("Summary: drpc_") && noisy.lines().count() > printed.lines().count());
    let searched = text(&logs(dir.path(), &["--lines", "--text", "LOGIN TIMED OUT"]));
    assert!(
        !searched.is_empty() && searched.lines().all(|l| l.to_lowercase().contains("login timed out")),
        "{searched}"
    );
}

#[test]
fn json_lines_and_the_summary_are_machine_readable() {
    let dir = install();
    let out = logs(dir.path(), &["--format", "json", "--outcome", "accept,timeout"]);
    let objects: Vec<serde_json::Value> = text(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let outcomes: Vec<&str> = objects.iter().map(|o| o["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["accept", "timeout", "accept"]);
    assert_eq!(objects[2]["user"], "müller");
    let summary = text(&logs(dir.path(), &["--summary"]));
    assert!(
        summary.contains("last successful login in radius_server_auto:") && summary.contains("(müller)"),
        "{summary}"
    );
}

#[test]
fn follow_prints_requests_as_the_proxy_writes_them() {
    let dir = install();
    let mut child = Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
        .args(["logs", "--follow", "--user", "zoë", "--install-dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let mut more = LogGen::new(4).whole_seconds();
    more.wait_ms(7_200_000);
    more.request(Story::Accept, "zoë", "10.0.0.1", 43000, 7);
    let log = dir.path().join("log/authproxy.log");
    let mut bytes = std::fs::read(&log).unwrap();
    bytes.extend_from_slice(&more.text);
    std::fs::write(&log, bytes).unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let started = Instant::now();
    let found = loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 || started.elapsed() > Duration::from_secs(20) {
            break false;
        }
        if line.contains("zoë") && line.contains("accept") {
            break true;
        }
    };
    child.kill().unwrap();
    let _ = child.wait();
    assert!(found, "the new request was printed");
}

#[test]
fn export_writes_a_bundle_without_secrets() {
    let dir = install();
    let zip = dir.path().join("support.zip");
    let out = logs(dir.path(), &["--export", zip.to_str().unwrap(), "--pseudonymise-users", "--pseudonymise-ips"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&zip).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        std::io::Read::read_to_string(&mut file, &mut all).unwrap();
    }
    for secret in ["Sk3yS3cretValue", "s3cret\n", "Pl41nS3cret", "alice", "müller", "10.0.0.1"] {
        assert!(!all.contains(secret), "{secret:?} is in the bundle");
    }
}
