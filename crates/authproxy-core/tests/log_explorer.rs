//! The log explorer over generated logs in the proxy's grammar: rotation and JSON merged in time
//! order, requests grouped with their timelines, filters, the summary and the support bundle.

#[path = "support/loggen.rs"]
mod loggen;

use std::io::Read as _;

use authproxy_core::config::Document;
use authproxy_core::logfile::export::{self, Redaction};
use authproxy_core::logfile::filter::{parse_time, Query, Summary, TimeContext};
use authproxy_core::logfile::{LogIndex, Outcome, PhaseKind, RequestKind};
use loggen::{LogGen, Story};

fn index_of(generator: &LogGen, rotate_at: usize) -> (tempfile::TempDir, LogIndex) {
    let dir = tempfile::tempdir().unwrap();
    generator.write(dir.path(), rotate_at).unwrap();
    let index = LogIndex::read_dir(dir.path()).unwrap();
    (dir, index)
}

#[test]
fn each_story_becomes_one_request_with_its_timeline_and_outcome() {
    let mut log = LogGen::new(7);
    log.startup("6.4.2");
    log.request(Story::Accept, "alice", "10.0.0.1", 41000, 17);
    log.sync_chatter();
    log.request(Story::WrongPassword, "müller", "10.0.0.1", 41001, 18);
    log.request(Story::PushTimeout, "bob", "10.0.0.2", 41002, 19);
    log.request(Story::SecretMismatch, "carol", "10.0.0.1", 41003, 20);
    log.request(Story::UnknownClient, "dave", "10.0.0.9", 41004, 21);
    log.request(Story::InvalidIkey, "erin", "10.0.0.1", 41005, 22);
    log.wait_ms(120_000);
    log.sync_chatter();
    let (_dir, index) = index_of(&log, usize::MAX);
    let radius: Vec<_> =
        index.requests.iter().filter(|r| matches!(r.kind, RequestKind::Radius | RequestKind::Dropped)).collect();
    let summary: Vec<(Option<&str>, Outcome)> = radius.iter().map(|r| (r.user.as_deref(), r.outcome)).collect();
    assert_eq!(
        summary,
        [
            (Some("alice"), Outcome::Accept),
            (Some("müller"), Outcome::Reject),
            (Some("bob"), Outcome::Timeout),
            (Some("carol"), Outcome::Error),
            (None, Outcome::Error),
            (Some("erin"), Outcome::Reject),
        ]
    );
    let alice = radius[0];
    assert_eq!(alice.section.as_deref(), Some("radius_server_auto"));
    assert_eq!(
        (alice.client.unwrap().to_string(), alice.port, alice.radius_id),
        ("10.0.0.1".into(), Some(41000), Some(17))
    );
    let phases: Vec<PhaseKind> = alice.phases.iter().map(|p| p.kind).collect();
    use PhaseKind::*;
    assert_eq!(
        phases,
        [Received, PrimarySent, PreauthSent, PreauthResult, AuthSent, DuoAnswer, Response, ResponseSent]
    );
    assert_eq!(alice.reason.as_deref(), Some("Success. Logging you in..."));
    assert!(alice.entries.len() >= 12, "the AD line and the Duo calls joined: {}", alice.entries.len());
    // The authevents lines joined their request rather than standing alone.
    assert!(index.requests.iter().all(|r| r.kind != RequestKind::AuthEvent), "every auth event found its request");

    let bob = radius[2];
    assert_eq!(bob.duplicates, 2);
    assert_eq!(bob.phases.iter().filter(|p| p.kind == Duplicate).count(), 2);
    assert_eq!(bob.reason.as_deref(), Some("Login timed out."));
    let findings: Vec<&str> = index.findings_of(bob).map(|(_, s)| s.id).collect();
    assert!(findings.contains(&"radius-duplicate-request") && findings.contains(&"login-timed-out"), "{findings:?}");

    let muller = radius[1];
    let findings: Vec<&str> = index.findings_of(muller).map(|(_, s)| s.id).collect();
    assert!(findings.contains(&"ad-52e"), "the AD line without a prefix joined müller's request: {findings:?}");
    let dropped = radius[4];
    assert_eq!(dropped.kind, RequestKind::Dropped);
    assert_eq!(dropped.reason.as_deref(), Some("Unknown Client: 10.0.0.9"));
    let erin: Vec<&str> = index.findings_of(radius[5]).map(|(_, s)| s.id).collect();
    assert!(erin.contains(&"duo-40102") && erin.contains(&"failmode-secure"), "{erin:?}");
}

#[test]
fn rotated_crlf_and_damaged_files_merge_in_time_order_with_the_json_events() {
    let log = LogGen::new(11).crlf().mixed(400_000);
    let (_dir, index) = index_of(&log, 64 * 1024);
    let rotations = index.files.iter().filter(|f| f.name.rotation.is_some()).count();
    assert!(rotations >= 5, "{rotations} rotated files");
    assert!(index.files.iter().any(|f| f.name.family.is_json()));
    let times: Vec<i64> = index.entries().filter_map(|e| e.time()).map(|t| t.utc_micros).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "merged in time order");
    let total: usize = index.files.iter().map(|f| f.entries.len()).sum();
    assert_eq!(index.order.len(), total, "every entry of every file once");
    // Bytes that are not UTF-8 are read as Windows-1252, and a request split over two rotated
    // files is still one request.
    assert!(index.entries().any(|e| e.message().contains("Bind failed for Müller ÿþ")));
    assert!(index.requests.iter().filter(|r| r.kind == RequestKind::Radius).all(|r| r.outcome != Outcome::Pending));
    assert!(
        index.index_bytes() * 2 <= index.log_bytes(),
        "index {} B for {} B of logs",
        index.index_bytes(),
        index.log_bytes()
    );
}

#[test]
fn filters_find_requests_and_lines_and_fold_the_noise() {
    let log = LogGen::new(3).mixed(300_000);
    let (_dir, index) = index_of(&log, usize::MAX);
    let run = |query: Query| query.run(&index);

    let all = run(Query::default());
    assert!(all.folded > all.lines.len(), "directory-sync chatter is most of the file and folded");
    let noisy = run(Query { show_noise: true, ..Query::default() });
    assert_eq!(noisy.lines.len(), all.lines.len() + all.folded);

    let muller = run(Query { user: Some("MÜLLER".into()), ..Query::default() });
    assert!(!muller.requests.is_empty());
    assert!(muller.requests.iter().all(|&r| index.requests[r as usize].user.as_deref() == Some("müller")));
    assert!(muller
        .lines
        .iter()
        .all(|&id| { index.requests.iter().any(|r| r.user.as_deref() == Some("müller") && r.entries.contains(&id)) }));
    let carol = run(Query { user: Some("carol".into()), ..Query::default() });
    assert!(!carol.requests.is_empty(), "EXAMPLE\\carol is carol");

    let timeouts = run(Query { outcomes: vec![Outcome::Timeout], ..Query::default() });
    assert!(timeouts.requests.iter().all(|&r| index.requests[r as usize].outcome == Outcome::Timeout));
    assert!(!timeouts.requests.is_empty());

    let client = run(Query { client: Some("10.0.0.8/31".parse().unwrap()), ..Query::default() });
    assert!(client.requests.iter().all(|&r| index.requests[r as usize].client.unwrap().to_string() == "10.0.0.9"));
    assert!(!client.requests.is_empty());

    let text = run(Query { text: Some("LOGIN TIMED".into()), ..Query::default() });
    assert!(!text.lines.is_empty());
    assert!(text.lines.iter().all(|&id| index.entry(id).text().to_lowercase().contains("login timed")));

    let since = parse_time("2023-01-11T09:00", &TimeContext::of(&index)).unwrap();
    let late = run(Query { since: Some(since), ..Query::default() });
    assert!(late.lines.iter().all(|&id| index.entry(id).time().is_none_or(|t| t.utc_micros >= since)));
    assert!(late.lines.len() < all.lines.len());

    let windows_1252 = run(Query { text: Some("müller ÿþ".into()), ..Query::default() });
    assert!(!windows_1252.lines.is_empty(), "a Windows-1252 line is found by its characters");
    let escaped = run(Query { text: Some("jürgen".into()), ..Query::default() });
    assert!(
        escaped.lines.iter().any(|&id| index.entry(id).file.name.family.is_json()),
        "JSON's \\u00fc escapes are found too"
    );
    let nobody = run(Query { user: Some("nobody".into()), ..Query::default() });
    assert!(nobody.requests.is_empty() && nobody.lines.is_empty());

    let summary = Summary::of(&index, &all.requests);
    let (when, who) = &summary.last_success["radius_server_auto"];
    let last_accept =
        index.requests.iter().filter(|r| r.outcome == Outcome::Accept).filter_map(|r| r.start).max().unwrap();
    assert_eq!(*when, last_accept);
    assert!(!who.is_empty());
    let rejects: u32 = summary.per_minute.values().map(|m| m.rejects).sum();
    let counted =
        index.requests.iter().filter(|r| r.outcome == Outcome::Reject && r.kind == RequestKind::Radius).count();
    assert_eq!(rejects as usize, counted);
}

#[test]
fn the_support_bundle_masks_secrets_and_pseudonymises_consistently() {
    let mut log = LogGen::new(5);
    log.startup("6.4.2");
    log.info_line("Main Configuration:\n{'http_proxy_password': 'Pr0xyPass', 'debug': 'true'}");
    log.request(Story::Accept, "müller", "10.0.0.1", 41000, 17);
    log.request(Story::WrongPassword, "müller", "10.0.0.1", 41001, 18);
    log.request(Story::Accept, "alice", "10.0.0.2", 41002, 19);
    let (dir, index) = index_of(&log, usize::MAX);
    let config = Document::parse("[radius_server_auto]\nikey=DIXXXXXXXXXXXXXXXXXX\nskey=TopSecretSkey0123456789\n; old: radius_secret_1=OldSecret99\nradius_secret_1=CurrentSecret42\nradius_ip_1=10.0.0.1\n");
    let out = dir.path().join("bundle.zip");
    let report = export::write_bundle(&index, Some(&config), Redaction { users: true, addresses: true }, &out).unwrap();
    assert_eq!(report.pseudonyms.0, 2, "two people");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut everything = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        everything.push_str(&text);
    }
    for secret in [
        "TopSecretSkey",
        "OldSecret99",
        "CurrentSecret42",
        "Pr0xyPass",
        "müller",
        "m%C3%BCller",
        "alice",
        "10.0.0.1",
        "10.0.0.2",
    ] {
        assert!(!everything.contains(secret), "{secret} is in the bundle");
    }
    assert!(everything.contains("user-1") && everything.contains("user-2"));
    assert!(
        everything.contains("(('198.18.0.1', 41000), user-1, 17): login attempt for username 'user-1'"),
        "consistent in prefixes and quotes"
    );
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    assert!(
        names.contains(&"authproxy.cfg".to_owned())
            && names.contains(&"log/authproxy.log".to_owned())
            && names.contains(&"requests.jsonl".to_owned())
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 3, "only the logs and the bundle: {leftovers:?}");

    let lines = export::json_lines(&index, &[0, 1], None);
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["outcome"], "accept");
    assert_eq!(first["user"], "müller");
}

#[test]
fn a_user_name_that_imitates_a_prefix_does_not_change_the_outcome() {
    let mut log = LogGen::new(13);
    let spoof = "mallory, 7): Returning response code 2: AccessAccept";
    log.request(Story::WrongPassword, spoof, "10.0.0.1", 41000, 92);
    log.wait_ms(120_000);
    log.sync_chatter();
    let (_dir, index) = index_of(&log, usize::MAX);
    let radius: Vec<_> = index.requests.iter().filter(|r| r.kind == RequestKind::Radius).collect();
    assert_eq!(radius.len(), 1, "{radius:#?}");
    assert_eq!((radius[0].radius_id, radius[0].outcome), (Some(92), Outcome::Reject));
    assert_eq!(radius[0].user.as_deref(), Some(spoof));
}

#[test]
fn a_log_ending_in_a_line_without_a_time_still_times_out_old_requests_and_syncs_keep_to_their_lines() {
    let mut log = LogGen::new(17);
    log.info_line("Performing LDAP search for directory sync: call_id=ab host=10.0.0.200 port=389");
    log.line(
        "Uninitialized",
        "C->S LDAPMessage(id=5, value=LDAPBindRequest(version=3, dn='EXAMPLE\\\\svc', auth='****'))",
    );
    log.request(Story::PushTimeout, "bob", "10.0.0.1", 41000, 3);
    log.line(
        "LdapSyncClientProtocol,DIXXXXXXXXXXXXXXXXXX,client",
        "C<-S LDAPMessage(id=6, value=LDAPSearchResultDone(resultCode=0, matchedDN=''))",
    );
    log.line(
        "duoauthproxy.modules.drpc_plugins.ldap_directory_sync.LdapSyncClientFactory#info",
        "Stopping factory <LdapSyncClientFactory>",
    );
    let mut pending = LogGen::new(18);
    pending.wait_ms(10_000);
    // A request the proxy never answered, two hours before the log's last (truncated) line.
    pending.info_line("Sending request from 10.0.0.1 to radius_server_auto");
    pending.info_line("Received new request id 9 from ('10.0.0.1', 42000)");
    pending.wait_ms(7_200_000);
    pending.info_line("Summary: drpc_timing. Extra data: {}");
    log.text.extend_from_slice(&pending.text);
    log.text.extend_from_slice(b"garbage tail without a time");
    let (_dir, index) = index_of(&log, usize::MAX);
    let sync = index.requests.iter().find(|r| r.kind == RequestKind::DirectorySync).unwrap();
    assert_eq!(sync.outcome, Outcome::Done, "resultCode=0 with a matchedDN is a success");
    assert_eq!(sync.entries.len(), 4, "the search, two LDAP lines and the factory's stop");
    let bob = index.requests.iter().find(|r| r.user.as_deref() == Some("bob")).unwrap();
    assert_eq!(bob.outcome, Outcome::Timeout);
    let unanswered = index.requests.iter().find(|r| r.radius_id == Some(9)).unwrap();
    assert_eq!(unanswered.outcome, Outcome::Timeout, "the untimed last line does not hide the log's end");
}

#[test]
fn reasons_kept_from_the_log_are_masked_and_without_control_characters() {
    let mut log = LogGen::new(19);
    log.info_line("Sending request from 10.0.0.1 to radius_server_auto");
    log.info_line("Received new request id 4 from ('10.0.0.1', 41000)");
    log.info_line("(('10.0.0.1', 41000), eve\u{1b}[31m, 4): Primary credentials rejected - password=\"hunter2\" bad");
    log.info_line("(('10.0.0.1', 41000), eve\u{1b}[31m, 4): Returning response code 3: AccessReject");
    let (_dir, index) = index_of(&log, usize::MAX);
    let eve = &index.requests[0];
    assert!(!eve.reason.as_deref().unwrap().contains("hunter2"), "{:?}", eve.reason);
    assert!(!eve.user.as_deref().unwrap().contains('\u{1b}'));
    let json = export::json_lines(&index, &[0], None);
    assert!(!json.contains("hunter2"));
    let guessed = Query { text: Some("hunter2".into()), ..Query::default() }.run(&index);
    assert!(guessed.lines.is_empty(), "a search does not confirm a masked secret");
}
