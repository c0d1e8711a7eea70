//! Every LDAP failure class, produced for real against OpenLDAP and Samba AD.

use std::sync::Arc;

use authproxy_manager::connectivity::{Problem, StepKind, StepOutcome, Verdict};

use super::servers::{ad, blackholed_address, refused_port, silent_port, slapd};
use super::{assert_fails_at, assert_passed, outcome, run_for, run_with, single};
use crate::util::FAKE_DPAPI;

/// An `[ad_client]` against the OpenLDAP test server; `extra` overrides or adds keys.
fn slapd_section(host: &str, port: &str, transport: &str, extra: &str) -> String {
    let s = slapd();
    format!(
        "[ad_client]\nhost={host}\nport={port}\ntransport={transport}\nssl_ca_certs_file={ca}\nauth_type=plain\n\
         bind_dn={bind}\nservice_account_username=svc-duo\nservice_account_password={pw}\nsearch_dn={search}\n\
         security_group_dn={group}\nusername_attribute=uid\ntimeout=5\n{extra}",
        ca = s.get("TEST_SLAPD_CA"),
        bind = s.get("TEST_SLAPD_BIND_DN"),
        pw = s.get("TEST_SLAPD_BIND_PASSWORD"),
        search = s.get("TEST_SLAPD_SEARCH_DN"),
        group = s.get("TEST_SLAPD_GROUP_DN"),
    )
}

/// Later keys win in our plan only if the first is absent, so overrides replace the whole line.
fn with(section: &str, key: &str, value: &str) -> String {
    section
        .lines()
        .map(|l| if l.split('=').next() == Some(key) { format!("{key}={value}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Sections written as `[ad_client]`, in one file numbered in order: `[ad_client]`, `[ad_client2]`, …
fn one_file(sections: impl IntoIterator<Item = String>) -> String {
    sections
        .into_iter()
        .enumerate()
        .map(
            |(i, section)| {
                if i == 0 {
                    section
                } else {
                    section.replacen("[ad_client]", &format!("[ad_client{}]", i + 1), 1)
                }
            },
        )
        .collect()
}

fn ad_section(transport: &str, extra: &str) -> String {
    let a = ad();
    let port = if transport == "ldaps" { a.get("TEST_AD_LDAPS_PORT") } else { a.get("TEST_AD_PORT") };
    format!(
        "[ad_client]\nhost=localhost\nport={port}\ntransport={transport}\nssl_ca_certs_file={ca}\n\
         service_account_username={user}\nntlm_domain={domain}\nservice_account_password={pw}\n\
         search_dn={search}\nsecurity_group_dn={group}\ntimeout=5\n{extra}",
        ca = a.get("TEST_AD_CA"),
        user = a.get("TEST_AD_BIND_NTLM_USER"),
        domain = a.get("TEST_AD_DOMAIN"),
        pw = a.get("TEST_AD_BIND_PASSWORD"),
        search = a.get("TEST_AD_SEARCH_DN"),
        group = a.get("TEST_AD_GROUP_DN"),
    )
}

#[test]
fn openldap_plain_binds_and_finds_a_group_member_over_clear_ldaps_and_starttls() {
    let s = slapd();
    let results = super::run(&one_file([
        slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "clear", ""),
        slapd_section("localhost", s.get("TEST_SLAPD_LDAPS_PORT"), "ldaps", ""),
        slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "starttls", ""),
    ]));
    assert_eq!(results.len(), 3);
    for r in &results {
        assert_passed(r);
    }
    let steps: Vec<_> = results[1].steps.iter().map(|s| s.step).collect();
    assert_eq!(steps, [StepKind::Dns, StepKind::Tcp, StepKind::Tls, StepKind::Bind, StepKind::Search]);
}

#[test]
fn active_directory_ntlm2_and_plain_binds_pass_over_every_transport() {
    let a = ad();
    let plain = format!("auth_type=plain\nbind_dn={}\n", a.get("TEST_AD_BIND_DN"));
    let text = one_file([
        ad_section("clear", ""),
        ad_section("ldaps", ""),
        ad_section("starttls", ""),
        ad_section("ldaps", &plain),
    ]);
    for r in super::run(&text) {
        assert_passed(&r);
    }
}

#[test]
fn wrong_password_against_openldap_is_invalid_credentials_without_an_ad_code() {
    let s = slapd();
    let text =
        with(&slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "clear", ""), "service_account_password", "wrong");
    let r = single(&text);
    let problem = assert_fails_at(&r, StepKind::Bind, "invalid_credentials");
    assert!(matches!(problem, Problem::InvalidCredentials { ad_code: None, .. }), "{problem:?}");
}

#[test]
fn ad_sub_codes_name_wrong_password_disabled_expired_and_must_change() {
    let a = ad();
    let user_pw = a.get("TEST_AD_OTHER_PASSWORD");
    let cases = [
        (
            format!("auth_type=plain\nbind_dn={}\n", a.get("TEST_AD_BIND_UPN")),
            "wrong".to_string(),
            "52e",
            "wrong password",
        ),
        (
            format!("auth_type=plain\nbind_dn={}@EXAMPLE.TEST\n", a.get("TEST_AD_DISABLED_USER")),
            user_pw.to_string(),
            "533",
            "disabled",
        ),
        (
            format!("auth_type=plain\nbind_dn={}@EXAMPLE.TEST\n", a.get("TEST_AD_EXPIRED_USER")),
            user_pw.to_string(),
            "701",
            "expired",
        ),
        (
            format!("auth_type=plain\nbind_dn={}@EXAMPLE.TEST\n", a.get("TEST_AD_MUSTCHANGE_USER")),
            user_pw.to_string(),
            "773",
            "changed",
        ),
        (String::new(), "wrong".to_string(), "52e", "wrong password"),
    ];
    let text = one_file(
        cases.iter().map(|(extra, pw, _, _)| with(&ad_section("ldaps", extra), "service_account_password", pw)),
    );
    let results = super::run(&text);
    for (r, (_, _, code, meaning)) in results.iter().zip(&cases) {
        let problem = assert_fails_at(r, StepKind::Bind, "invalid_credentials");
        assert!(matches!(problem, Problem::InvalidCredentials { ad_code: Some(c), .. } if c == code), "{problem:?}");
        assert!(problem.to_string().contains(meaning), "{problem}");
    }
}

#[test]
fn certificate_failures_are_each_named() {
    let s = slapd();
    let main = s.get("TEST_SLAPD_LDAPS_PORT");
    let cases = [
        ("localhost", main, format!("ssl_ca_certs_file={}\n", s.get("TEST_SLAPD_OTHER_CA")), "untrusted_certificate"),
        ("localhost", s.get("TEST_SLAPD_WRONGHOST_LDAPS_PORT"), String::new(), "hostname_mismatch"),
        ("localhost", s.get("TEST_SLAPD_IPSAN_LDAPS_PORT"), String::new(), "hostname_mismatch"),
        // Duo never matches IP entries, and the CN only when there are no DNS names.
        ("127.0.0.1", main, String::new(), "hostname_mismatch"),
        ("localhost", s.get("TEST_SLAPD_EXPIRED_LDAPS_PORT"), String::new(), "certificate_expired"),
        ("localhost", main, "ssl_ca_certs_file=/nonexistent/ca.pem\n".into(), "ca_file_unusable"),
        ("localhost", s.get("TEST_SLAPD_PORT"), String::new(), "tls_handshake"),
    ];
    let text = one_file(cases.iter().map(|(host, port, ca, _)| {
        let mut section = slapd_section(host, port, "ldaps", "");
        if let Some(line) = ca.strip_suffix('\n') {
            let (k, v) = line.split_once('=').expect("key=value");
            section = with(&section, k, v);
        }
        section
    }));
    let results = super::run(&text);
    for (r, (_, _, _, class)) in results.iter().zip(&cases) {
        assert_fails_at(r, StepKind::Tls, class);
        assert_eq!(r.verdict, Verdict::Failed);
    }
    let expired = super::failure(&results[4]).to_string();
    assert!(expired.contains("2020"), "{expired}");
    let names = super::failure(&results[1]).to_string();
    assert!(names.contains("wrong.example.invalid"), "{names}");
}

#[test]
fn hostname_checks_follow_duo_cn_fallback_and_can_be_turned_off() {
    let s = slapd();
    let text = one_file([
        // IP-only SAN, CN 127.0.0.1: Duo falls back to the CN and accepts the IP host.
        slapd_section("127.0.0.1", s.get("TEST_SLAPD_IPSAN_LDAPS_PORT"), "ldaps", ""),
        with(
            &slapd_section("localhost", s.get("TEST_SLAPD_WRONGHOST_LDAPS_PORT"), "ldaps", ""),
            "timeout",
            "5\nssl_verify_hostname=false",
        ),
    ]);
    for r in super::run(&text) {
        assert_passed(&r);
    }
}

#[test]
fn unreachable_servers_are_refused_timed_out_silent_or_unknown() {
    let s = slapd();
    let text = one_file([
        slapd_section("127.0.0.1", &refused_port().to_string(), "clear", ""),
        with(&slapd_section(blackholed_address(), "389", "clear", ""), "timeout", "2"),
        with(&slapd_section("localhost", &silent_port().to_string(), "ldaps", ""), "timeout", "2"),
        with(&slapd_section("localhost", &silent_port().to_string(), "clear", ""), "timeout", "2"),
        slapd_section("no-such-host.invalid", "389", "clear", ""),
        // ldap:// to an LDAPS port: the server hangs up on the clear bind.
        slapd_section("localhost", s.get("TEST_SLAPD_LDAPS_PORT"), "clear", ""),
    ]);
    let results = super::run(&text);
    assert_fails_at(&results[0], StepKind::Tcp, "connection_refused");
    let timeout = assert_fails_at(&results[1], StepKind::Tcp, "connect_timeout");
    assert!(timeout.to_string().contains("within 2 s"), "{timeout}");
    let silent = assert_fails_at(&results[2], StepKind::Tls, "response_timeout");
    assert!(silent.to_string().contains("TLS handshake"), "{silent}");
    assert_fails_at(&results[3], StepKind::Bind, "response_timeout");
    assert_fails_at(&results[4], StepKind::Dns, "dns_failure");
    assert_fails_at(&results[5], StepKind::Bind, "not_ldap");
}

#[test]
fn search_failures_missing_dn_and_user_outside_the_group() {
    let s = slapd();
    let a = ad();
    let port = s.get("TEST_SLAPD_PORT");
    let text = one_file([
        with(&slapd_section("localhost", port, "clear", ""), "search_dn", "ou=Nope,dc=example,dc=test"),
        with(
            &slapd_section("localhost", port, "clear", ""),
            "search_dn",
            &format!("uid={},ou=People,dc=example,dc=test", s.get("TEST_SLAPD_NONMEMBER_USER")),
        ),
        with(&ad_section("ldaps", ""), "search_dn", "OU=Nope,DC=example,DC=test"),
        with(&ad_section("ldaps", ""), "search_dn", &format!("CN=Out Sider,{}", a.get("TEST_AD_USERS_DN"))),
    ]);
    let results = super::run(&text);
    let missing = assert_fails_at(&results[0], StepKind::Search, "no_such_object");
    assert!(missing.to_string().contains("dc=example,dc=test"), "OpenLDAP names the nearest entry: {missing}");
    assert_fails_at(&results[1], StepKind::Search, "search_found_nothing");
    assert_fails_at(&results[2], StepKind::Search, "no_such_object");
    assert_fails_at(&results[3], StepKind::Search, "search_found_nothing");
}

#[test]
fn protected_passwords_decrypt_through_the_protector_or_are_named_unusable() {
    use authproxy_manager::secrets::{Protector, Secret};
    let s = slapd();
    let blob = FAKE_DPAPI.protect(&Secret::new(s.get("TEST_SLAPD_BIND_PASSWORD"))).expect("stand-in protects");
    let section = slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "clear", "").replace(
        &format!("service_account_password={}", s.get("TEST_SLAPD_BIND_PASSWORD")),
        &format!("service_account_password_protected={blob}"),
    );
    let decrypted = run_with(&section, Arc::new(FAKE_DPAPI));
    assert_passed(&decrypted[0]);
    let here = single(&section);
    let problem = assert_fails_at(&here, StepKind::Bind, "secret_unavailable");
    assert!(problem.to_string().contains("service_account_password_protected"), "{problem}");
}

#[test]
fn sspi_is_reported_as_not_testable_from_this_os() {
    let s = slapd();
    let r = single(&with(&slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "clear", ""), "auth_type", "sspi"));
    assert!(
        matches!(outcome(&r, StepKind::Bind), StepOutcome::Skipped { reason } if reason.contains("Windows only")),
        "{r:#?}"
    );
    assert_eq!(r.verdict, Verdict::Warning, "DNS and TCP passed; an untested bind is a warning, not a failure");
}

#[test]
fn every_host_of_a_section_is_probed_separately() {
    let s = slapd();
    let section = slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "clear", "")
        .replace("host=localhost", "host=localhost\nhost_2=127.0.0.1");
    let results = super::run(&with(&section, "port", s.get("TEST_SLAPD_PORT")));
    assert_eq!(results.len(), 2);
    assert_eq!(results[1].probe.target.describe(), format!("ldap://127.0.0.1:{}", s.get("TEST_SLAPD_PORT")));
    results.iter().for_each(assert_passed);
}

#[test]
fn ten_blackholed_sections_time_out_together_not_one_after_another() {
    let sections: String = (1..=10)
        .map(|i| format!("[ad_client{i}]\nhost={}\nport={}\ntimeout=2\nauth_type=plain\nbind_dn=x\nservice_account_password=x\nsearch_dn=x\n", blackholed_address(), 3000 + i))
        .collect();
    let started = std::time::Instant::now();
    let results = super::run(&sections);
    let wall = started.elapsed();
    assert_eq!(results.len(), 10);
    for r in &results {
        assert_fails_at(r, StepKind::Tcp, "connect_timeout");
    }
    // Timings are reported, not asserted (the bench measures them); each probe ran its full 2 s.
    eprintln!("10 blackholed probes with timeout=2 finished in {wall:?}");
    assert!(results.iter().all(|r| r.duration >= std::time::Duration::from_secs(2)));
}

#[test]
fn a_run_streams_its_events_and_can_be_cancelled() {
    use authproxy_manager::config::Document;
    use authproxy_manager::connectivity::{build_plan, runner, Cancel, Event};
    use std::sync::Mutex;

    let text = format!(
        "[ad_client]\nhost={}\nport=389\ntimeout=60\nauth_type=plain\nbind_dn=x\nservice_account_password=x\nsearch_dn=x\n",
        blackholed_address()
    );
    let probes = build_plan(&Document::parse(&text), None, None);
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = {
        let events = events.clone();
        Arc::new(move |e| events.lock().unwrap().push(e))
    };
    let cancel = Cancel::default();
    let stopper = cancel.clone();
    let seen = events.clone();
    std::thread::spawn(move || {
        // Cancel once the TCP step is under way.
        while !seen.lock().unwrap().iter().any(|e| matches!(e, Event::StepStarted { step: StepKind::Tcp, .. })) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        stopper.cancel();
    });
    let results = runner::run(&probes, Arc::new(authproxy_manager::secrets::Unavailable), sink, cancel).unwrap();
    assert_fails_at(&results[0], StepKind::Tcp, "cancelled");
    let kinds: Vec<&str> = events
        .lock()
        .unwrap()
        .iter()
        .map(|e| match e {
            Event::Started { .. } => "started",
            Event::StepStarted { .. } => "step started",
            Event::Step { .. } => "step",
            Event::Finished { .. } => "finished",
        })
        .collect();
    assert_eq!(kinds, ["started", "step started", "step", "step started", "step", "finished"]);
}

#[test]
fn a_user_name_with_two_domain_parts_is_named_instead_of_crashing_the_ntlm_bind() {
    let s = slapd();
    let section = slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "clear", "");
    for user in [r"EXAMPLE\\svc_duo", r"EXAMPLE\svc@example.com"] {
        let text = with(&with(&section, "auth_type", "ntlm2"), "service_account_username", user);
        let r = single(&text);
        let problem = assert_fails_at(&r, StepKind::Bind, "unusable_value");
        assert!(problem.to_string().contains("service_account_username"), "{problem}");
    }
}

#[test]
fn a_search_filter_nested_past_the_validators_limit_is_not_sent() {
    let s = slapd();
    let deep = format!("{}(uid=x){}", "(!".repeat(20_000), ")".repeat(20_000));
    let text = slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "clear", &format!("ldap_filter={deep}\n"));
    let r = single(&text);
    assert!(matches!(outcome(&r, StepKind::Bind), StepOutcome::Passed { .. }), "{r:#?}");
    let problem = assert_fails_at(&r, StepKind::Search, "unusable_value");
    assert!(problem.to_string().contains("ldap_filter"), "{problem}");
}

/// A directory server that speaks only TLS 1.0 (OpenSSL's s_server, as an old domain
/// controller would): the failure is named as such, not as a generic handshake error.
#[test]
fn a_server_offering_only_tls_1_0_gets_its_own_failure() {
    let server = super::servers::OldTlsServer::start();
    let text = format!(
        "[ad_client]\nhost=localhost\nport={}\ntransport=ldaps\nssl_ca_certs_file={}\nauth_type=plain\n\
         bind_dn=cn=x\nservice_account_username=x\nservice_account_password=x\nsearch_dn=dc=x\ntimeout=5\n",
        server.port,
        server.ca.display()
    );
    let r = single(&text);
    let problem = assert_fails_at(&r, StepKind::Tls, "tls_version_too_old");
    assert!(problem.to_string().contains("TLS 1.0 or 1.1"), "{problem}");
    assert!(problem.advice().contains("enable TLS 1.2"), "{}", problem.advice());
}

/// A server whose answers are malformed BER (an empty SEQUENCE, a message id alone): the LDAP
/// library's decoder panics on them; the check still ends, with a failure, and the program runs on.
#[test]
fn malformed_ldap_answers_end_the_probe_not_the_program() {
    for answer in [&[0x30u8, 0x00][..], &[0x30, 0x03, 0x02, 0x01, 0x01][..]] {
        let server = super::servers::Replier::start(answer.to_vec());
        let section = format!(
            "[ad_client]\nhost=127.0.0.1\nport={}\ntransport=clear\nauth_type=plain\nbind_dn=cn=x\n\
             service_account_username=x\nservice_account_password=x\nsearch_dn=dc=x\ntimeout=3\n",
            server.port
        );
        let r = single(&section);
        assert_fails_at(&r, StepKind::Bind, "internal_error");

        // The real binary, with its crash hook: the run ends normally and reports the failure.
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("authproxy.cfg");
        std::fs::write(&config, &section).unwrap();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_authproxy-manager"))
            .args(["check", config.to_str().unwrap()])
            .env("XDG_STATE_HOME", dir.path())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(1),
            "a failed check, not a crash: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.contains("internal error") && out.contains(&dir.path().display().to_string()), "{out}");
    }
}

/// The SHA-1 signed server over LDAPS and StartTLS, checked for a proxy of `version`.
fn sha1_server(version: Option<&str>) -> Vec<authproxy_manager::connectivity::ProbeResult> {
    let s = slapd();
    let text = one_file([
        slapd_section("localhost", s.get("TEST_SLAPD_SHA1_LDAPS_PORT"), "ldaps", ""),
        slapd_section("localhost", s.get("TEST_SLAPD_SHA1_PORT"), "starttls", ""),
    ]);
    let results =
        run_for(&text, Arc::new(authproxy_manager::secrets::Unavailable), version.map(|v| v.parse().unwrap()));
    assert_eq!(results.len(), 2);
    results
}

#[test]
fn a_sha1_signed_dc_certificate_fails_for_proxy_6_with_its_own_problem() {
    for r in sha1_server(Some("6.8.0")) {
        let problem = assert_fails_at(&r, StepKind::Tls, "weak_certificate_signature");
        let text = problem.to_string();
        assert!(text.contains("SHA-1") && text.contains("6.0") && text.contains("refuse"), "{text}");
        assert!(problem.advice().contains("SHA-256"), "{}", problem.advice());
        assert_eq!(r.verdict, Verdict::Failed);
    }
}

#[test]
fn a_sha1_signed_dc_certificate_fails_when_the_proxy_version_is_unknown() {
    for r in sha1_server(None) {
        let problem = assert_fails_at(&r, StepKind::Tls, "weak_certificate_signature");
        let text = problem.to_string();
        assert!(text.contains("SHA-1") && text.contains("5.x") && text.contains("6.0"), "{text}");
    }
}

#[test]
fn a_sha1_signed_dc_certificate_only_warns_for_proxy_5() {
    for r in sha1_server(Some("5.0.0")) {
        assert!(r.steps.iter().all(|s| !s.outcome.is_failure()), "5.x accepts SHA-1: {r:#?}");
        let StepOutcome::Warning { problem } = outcome(&r, StepKind::Tls) else { panic!("a warning: {r:#?}") };
        assert_eq!(problem.class(), "weak_certificate_signature", "{problem}");
        let text = problem.to_string();
        assert!(text.contains("not verified") && text.contains("5.0.0") && text.contains("6.0"), "{text}");
        // Nothing is sent over a connection whose certificate could not be verified.
        assert!(matches!(outcome(&r, StepKind::Bind), StepOutcome::Skipped { .. }), "{r:#?}");
        assert_eq!(r.verdict, Verdict::Warning);
    }
}

#[test]
fn a_sha256_signed_dc_certificate_passes_for_proxy_6() {
    let s = slapd();
    let text = one_file([
        slapd_section("localhost", s.get("TEST_SLAPD_LDAPS_PORT"), "ldaps", ""),
        slapd_section("localhost", s.get("TEST_SLAPD_PORT"), "starttls", ""),
    ]);
    let results = run_for(&text, Arc::new(authproxy_manager::secrets::Unavailable), Some("6.8.0".parse().unwrap()));
    assert_eq!(results.len(), 2);
    for r in &results {
        assert_passed(r);
    }
}
