//! Duo API probes against a real TLS server on loopback that checks signatures itself.

use std::sync::atomic::Ordering;

use authproxy_manager::connectivity::{Problem, StepKind, StepOutcome};

use super::duo_server::{pki, start, start_connect_proxy, DuoOptions, IKEY, SKEY};
use super::{assert_fails_at, assert_passed, outcome, single};

fn section(port: u16, skey: &str, extra: &str) -> String {
    format!(
        "[radius_server_auto]\nikey={IKEY}\nskey={skey}\napi_host=localhost\napi_port={port}\nhttp_ca_certs_file={}\n\
         radius_ip_1=127.0.0.1\nradius_secret_1=s\nclient=duo_only_client\n{extra}[duo_only_client]\n",
        pki().ca_file.display()
    )
}

#[test]
fn good_credentials_pass_every_step_with_a_verified_signature() {
    let server = start(DuoOptions::default());
    let r = single(&section(server.port, SKEY, ""));
    assert_passed(&r);
    let steps: Vec<_> = r.steps.iter().map(|s| s.step).collect();
    assert_eq!(
        steps,
        [StepKind::Dns, StepKind::Tcp, StepKind::Tls, StepKind::Ping, StepKind::Drift, StepKind::Credentials]
    );
    assert_eq!(server.signed_ok.load(Ordering::SeqCst), 1, "the server verified one signed check");
}

#[test]
fn a_wrong_skey_is_rejected_by_duo_with_its_code() {
    let server = start(DuoOptions::default());
    let r = single(&section(server.port, "0000000000000000000000000000000000000000", ""));
    let problem = assert_fails_at(&r, StepKind::Credentials, "duo_credentials_rejected");
    assert!(matches!(problem, Problem::DuoCredentialsRejected { code: 40103, .. }), "{problem:?}");
    assert_eq!(server.signed_ok.load(Ordering::SeqCst), 0);
}

#[test]
fn clock_skew_over_a_minute_fails_the_drift_step() {
    let server = start(DuoOptions { clock_offset: 600, ..DuoOptions::default() });
    let r = single(&section(server.port, SKEY, ""));
    let StepOutcome::Failed { problem } = outcome(&r, StepKind::Drift).clone() else {
        panic!("drift must fail: {r:#?}")
    };
    assert!(
        matches!(outcome(&r, StepKind::Credentials), StepOutcome::Passed { .. }),
        "the keys are still checked: {r:#?}"
    );
    assert!(matches!(problem, Problem::ClockDrift { seconds } if (590..=610).contains(&seconds)), "{problem:?}");
    assert!(problem.to_string().contains("behind"), "{problem}");
    let small = start(DuoOptions { clock_offset: 30, ..DuoOptions::default() });
    assert_passed(&single(&section(small.port, SKEY, "")));
}

#[test]
fn an_untrusted_certificate_and_a_wrong_hostname_fail_tls() {
    let server = start(DuoOptions::default());
    let untrusted = section(server.port, SKEY, "")
        .replace(&pki().ca_file.display().to_string(), &pki().other_ca_file.display().to_string());
    assert_fails_at(&single(&untrusted), StepKind::Tls, "untrusted_certificate");
    let system_roots =
        section(server.port, SKEY, "").replace(&format!("http_ca_certs_file={}\n", pki().ca_file.display()), "");
    let problem = assert_fails_at(&single(&system_roots), StepKind::Tls, "untrusted_certificate").to_string();
    assert!(problem.contains("system"), "{problem}");
    let wrong_name = start(DuoOptions { names: vec!["api-wrong.duosecurity.invalid".into()], ..DuoOptions::default() });
    let problem =
        assert_fails_at(&single(&section(wrong_name.port, SKEY, "")), StepKind::Tls, "hostname_mismatch").to_string();
    assert!(problem.contains("api-wrong.duosecurity.invalid"), "{problem}");
}

#[test]
fn the_main_http_proxy_route_goes_through_connect() {
    let server = start(DuoOptions::default());
    let (proxy_port, tunnels) = start_connect_proxy(false);
    let text =
        format!("[main]\nhttp_proxy_host=127.0.0.1\nhttp_proxy_port={proxy_port}\n{}", section(server.port, SKEY, ""));
    let results = super::run(&text);
    assert_eq!(results.len(), 2, "the proxy itself and the API host");
    assert_passed(&results[0]);
    assert_passed(&results[1]);
    assert!(matches!(outcome(&results[1], StepKind::Connect), StepOutcome::Passed { .. }));
    assert_eq!(tunnels.load(Ordering::SeqCst), 2, "ping and check each opened a tunnel");
    assert_eq!(server.signed_ok.load(Ordering::SeqCst), 1);

    let (refusing, _) = start_connect_proxy(true);
    let text =
        format!("[main]\nhttp_proxy_host=127.0.0.1\nhttp_proxy_port={refusing}\n{}", section(server.port, SKEY, ""));
    let results = super::run(&text);
    let problem = assert_fails_at(&results[1], StepKind::Connect, "proxy_refused").to_string();
    assert!(problem.contains("403"), "{problem}");
}

#[test]
fn a_port_without_tls_or_without_duo_is_named() {
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = plain.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in plain.incoming().flatten() {
            drop(stream);
        }
    });
    assert_fails_at(&single(&section(port, SKEY, "")), StepKind::Tls, "tls_handshake");
}

/// An indented line after `api_host` continues its value; that text never reaches the HTTP
/// proxy as a header of the CONNECT request.
#[test]
fn a_continued_api_host_is_refused_before_anything_is_sent() {
    let server = start(DuoOptions::default());
    let (proxy_port, tunnels) = start_connect_proxy(false);
    let text = format!(
        "[main]\nhttp_proxy_host=127.0.0.1\nhttp_proxy_port={proxy_port}\n{}",
        section(server.port, SKEY, "").replace("api_host=localhost\n", "api_host=localhost\n  X-Injected: yes\n")
    );
    let results = super::run(&text);
    let problem = assert_fails_at(&results[1], StepKind::Dns, "unusable_value").to_string();
    assert!(problem.contains("api_host") && problem.contains("line break"), "{problem}");
    assert_eq!(tunnels.load(Ordering::SeqCst), 0, "no CONNECT was sent");
}
