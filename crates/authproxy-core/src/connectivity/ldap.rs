//! One LDAP host: DNS, TCP, TLS, service-account bind, user search; each step timed and named.

use std::time::Duration;

use ldap3::{LdapConnAsync, LdapConnSettings, LdapError, LdapResult, Scope, SearchOptions};

use super::plan::{LdapAuth, LdapTarget, Transport};
use super::runner::StepLog;
use super::tls::{self, TlsPolicy};
use super::{ad_codes, net, Problem, StepKind};
use crate::secrets::Protector;

/// Runs every step for one host, recording each in `log`.
pub async fn probe(target: &LdapTarget, protector: &dyn Protector, log: &mut StepLog) {
    let timeout = target.timeout;
    let label = net::address_label(&target.host, target.port);
    let mut all = vec![StepKind::Dns, StepKind::Tcp];
    if target.transport.uses_tls() {
        all.push(StepKind::Tls);
    }
    all.extend([StepKind::Bind, StepKind::Search]);
    let after = |kind: StepKind| -> Vec<StepKind> { all.iter().skip_while(|k| **k != kind).skip(1).copied().collect() };

    let step = log.begin(StepKind::Dns);
    let addrs = match net::resolve(&target.host, target.port, timeout).await {
        Ok(addrs) => {
            log.pass(step, net::describe_addrs(&addrs));
            addrs
        }
        Err(problem) => return log.fail_and_skip(step, problem, &after(StepKind::Dns)),
    };

    let step = log.begin(StepKind::Tcp);
    match net::connect(&addrs, &label, timeout).await {
        Ok(stream) => log.pass(step, stream.peer_addr().map_or_else(|_| label.clone(), |a| a.to_string())),
        Err(problem) => return log.fail_and_skip(step, problem, &after(StepKind::Tcp)),
    }

    let step = log.begin(if target.transport.uses_tls() { StepKind::Tls } else { StepKind::Bind });
    let policy = TlsPolicy {
        host: target.host.clone(),
        ca_file: target.ca_file.clone(),
        verify_chain: target.verify_hostname || target.ca_file.is_some(),
        verify_hostname: target.verify_hostname,
        weak_hash: tls::WeakHashRule::DomainController { proxy_version: target.proxy_version },
    };
    let mut settings =
        LdapConnSettings::new().set_conn_timeout(timeout).set_starttls(target.transport == Transport::Starttls);
    let refusal = if target.transport.uses_tls() {
        match tls::prepare(&policy) {
            Ok(prepared) => {
                settings = settings.set_config(prepared.config);
                Some(prepared.refusal)
            }
            Err(problem) => return log.fail_and_skip(step, problem, &after(StepKind::Tls)),
        }
    } else {
        None
    };
    let url = format!("{}://{}", target.transport.scheme(), label);
    let (conn, mut ldap) = match LdapConnAsync::with_settings(settings, &url).await {
        Ok(pair) => pair,
        Err(e) => {
            let problem = refusal
                .as_deref()
                .and_then(tls::take_refusal)
                .unwrap_or_else(|| connect_problem(&e, target.transport, &label, timeout));
            if problem.is_only_a_warning() {
                log.warn(step, problem);
                return log.skip_all(&after(step.kind()), "not tried: the server's certificate could not be verified");
            }
            return log.fail_and_skip(step, problem, &after(step.kind()));
        }
    };
    let driver = tokio::spawn(conn.drive());
    if target.transport.uses_tls() {
        log.pass(
            step,
            if target.transport == Transport::Starttls {
                "StartTLS, certificate accepted"
            } else {
                "certificate accepted"
            }
            .into(),
        );
    }
    ldap.with_timeout(timeout);

    let step = if target.transport.uses_tls() { log.begin(StepKind::Bind) } else { step };
    let bound = match &target.auth {
        LdapAuth::Plain { bind_dn, password } => match password.resolve(protector) {
            Ok(pw) => ldap.simple_bind(bind_dn, pw.expose()).await.map(|r| (r, format!("simple bind as {bind_dn}"))),
            Err(problem) => return log.fail_and_skip(step, problem, &[StepKind::Search]),
        },
        LdapAuth::Ntlm { version, username, domain, password } => match password.resolve(protector) {
            Ok(pw) => {
                let user = if domain.is_empty() || username.contains('\\') || username.contains('@') {
                    username.clone()
                } else {
                    format!("{domain}\\{username}")
                };
                if sspi::Username::parse(&user).is_err() {
                    driver.abort();
                    let detail = format!(
                        "{user:?} has more than one domain part (a second \\ or @), so it is no Windows user name; \
                         nothing was sent"
                    );
                    let problem = Problem::UnusableValue { key: "service_account_username".into(), detail };
                    return log.fail_and_skip(step, problem, &[StepKind::Search]);
                }
                let how = if *version == 1 {
                    format!("NTLM bind as {user} (tested with NTLMv2; the proxy will use NTLMv1)")
                } else {
                    format!("NTLMv2 bind as {user}")
                };
                ldap.sasl_ntlm_bind(&user, pw.expose()).await.map(|r| (r, how))
            }
            Err(problem) => return log.fail_and_skip(step, problem, &[StepKind::Search]),
        },
        LdapAuth::Sspi => {
            driver.abort();
            let detail = if cfg!(windows) {
                "auth_type=sspi binds as the proxy service's own Windows account, which this tool cannot act as; test it with Duo's connectivity tool running as that service"
            } else {
                "auth_type=sspi is Windows only: it cannot be tested from this OS"
            };
            log.skip(step, detail.into());
            return log.skip_all(&[StepKind::Search], "the bind was not tested");
        }
        LdapAuth::Unknown { value } => {
            driver.abort();
            log.skip(step, format!("auth_type={value} is not one the proxy accepts; fix it first"));
            return log.skip_all(&[StepKind::Search], "the bind was not tested");
        }
    };
    let mut driver = driver;
    match bound.and_then(|(r, how)| r.success().map(|_| how)) {
        Ok(how) => log.pass(step, how),
        Err(e) => {
            let problem = operation_problem(&e, "bind answer", timeout, &target.search_dn);
            let problem = unless_the_library_crashed(&e, &mut driver, problem).await;
            return log.fail_and_skip(step, problem, &[StepKind::Search]);
        }
    }

    let step = log.begin(StepKind::Search);
    if let Some(problem) = unusable_filter(&target.filter) {
        driver.abort();
        return log.fail(step, problem);
    }
    let result = ldap
        .with_search_options(SearchOptions::new().sizelimit(1))
        .search(&target.search_dn, Scope::Subtree, &target.filter, vec!["1.1"])
        .await;
    match result {
        Ok(search) if search.1.rc == 0 || search.1.rc == 4 => {
            if search.0.is_empty() {
                log.fail(
                    step,
                    Problem::SearchFoundNothing { dn: target.search_dn.clone(), filter: target.filter.clone() },
                );
            } else {
                log.pass(step, format!("found a user under {}", target.search_dn));
            }
        }
        Ok(search) => log.fail(step, result_problem(&search.1, &target.search_dn)),
        Err(e) => {
            let problem = operation_problem(&e, "search answer", timeout, &target.search_dn);
            let problem = unless_the_library_crashed(&e, &mut driver, problem).await;
            log.fail(step, problem);
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), ldap.unbind()).await;
    driver.abort();
}

/// `problem`, unless the exchange failed because the LDAP library's connection task panicked (its
/// decoder does on some malformed answers): that is an internal error, with its crash report.
async fn unless_the_library_crashed(
    error: &LdapError,
    driver: &mut tokio::task::JoinHandle<ldap3::result::Result<()>>,
    problem: Problem,
) -> Problem {
    let connection_lost =
        matches!(error, LdapError::ResultRecv { .. } | LdapError::EndOfStream | LdapError::OpSend { .. });
    let crashed = connection_lost
        && matches!(tokio::time::timeout(Duration::from_secs(1), &mut *driver).await, Ok(Err(e)) if e.is_panic());
    driver.abort();
    if crashed {
        let report = crate::crash::last_report().map(|p| p.display().to_string()).unwrap_or_default();
        Problem::InternalError { report }
    } else {
        problem
    }
}

/// The search filter (from `ldap_filter` and `security_group_dn`) as the validator reads it: one
/// that does not parse, or nests deeper than the validator follows, is not handed to the LDAP
/// library, whose parser has no depth limit.
fn unusable_filter(filter: &str) -> Option<Problem> {
    let filter = filter.trim();
    if filter.is_empty() {
        return None;
    }
    let ctx = crate::schema::types::ValueContext { platform: crate::schema::Platform::host(), install_dir: None };
    match crate::schema::check_value(crate::schema::ValueType::LdapFilter, filter, &ctx) {
        Ok(()) => None,
        Err(why) => Some(Problem::UnusableValue {
            key: "ldap_filter".into(),
            detail: format!("the search filter built from it does not parse ({why}); the search was not sent"),
        }),
    }
}

fn connect_problem(error: &LdapError, transport: Transport, label: &str, timeout: Duration) -> Problem {
    match error {
        LdapError::Timeout { .. } => match transport {
            Transport::Clear => Problem::ConnectTimeout { address: label.to_string(), seconds: timeout.as_secs() },
            Transport::Ldaps => {
                Problem::ResponseTimeout { waiting_for: "TLS handshake".into(), seconds: timeout.as_secs() }
            }
            Transport::Starttls => {
                Problem::ResponseTimeout { waiting_for: "StartTLS answer".into(), seconds: timeout.as_secs() }
            }
        },
        LdapError::Io { source } => match source.kind() {
            std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::TimedOut => {
                net::classify_connect_error(source, label)
            }
            _ if transport.uses_tls() => tls::handshake_problem(source),
            _ => Problem::Network { address: label.to_string(), detail: source.to_string() },
        },
        LdapError::ResultRecv { .. } | LdapError::EndOfStream | LdapError::OpSend { .. } => Problem::NotLdap {
            detail: "the server closed the connection without an LDAP answer to StartTLS (is this an LDAPS port?)"
                .into(),
        },
        LdapError::LdapResult { result } => {
            Problem::LdapError { code: result.rc, server_text: format!("StartTLS refused: {}", clean(&result.text)) }
        }
        LdapError::Rustls { source } => tls::tls_problem(source),
        other => Problem::TlsHandshake { detail: other.to_string() },
    }
}

fn operation_problem(error: &LdapError, waiting_for: &str, timeout: Duration, search_dn: &str) -> Problem {
    match error {
        LdapError::LdapResult { result } => result_problem(result, search_dn),
        LdapError::Timeout { .. } => {
            Problem::ResponseTimeout { waiting_for: waiting_for.into(), seconds: timeout.as_secs() }
        }
        LdapError::ResultRecv { .. } | LdapError::EndOfStream | LdapError::OpSend { .. } => Problem::NotLdap {
            detail: "the connection closed without an LDAP answer (an LDAPS port needs transport=ldaps)".into(),
        },
        LdapError::FilterParsing => {
            Problem::LdapError { code: 87, server_text: "the search filter does not parse: check ldap_filter".into() }
        }
        other => Problem::LdapError { code: 0, server_text: other.to_string() },
    }
}

fn result_problem(result: &LdapResult, search_dn: &str) -> Problem {
    let text = clean(&result.text);
    match result.rc {
        49 => Problem::InvalidCredentials { ad_code: ad_codes::sub_code(&text), server_text: text },
        8 => Problem::StrongerAuthRequired { server_text: text },
        32 => Problem::NoSuchObject { dn: search_dn.to_string(), matched: result.matched.clone() },
        50 => Problem::InsufficientAccess {
            server_text: if text.is_empty() { "insufficient access (LDAP 50)".into() } else { text },
        },
        1 if text.contains("without authentication") => Problem::InsufficientAccess { server_text: text },
        rc => {
            Problem::LdapError { code: rc, server_text: if text.is_empty() { ldap_code_name(rc).into() } else { text } }
        }
    }
}

fn clean(text: &str) -> String {
    text.trim_end_matches('\0').trim().to_string()
}

fn ldap_code_name(rc: u32) -> &'static str {
    match rc {
        2 => "protocol error",
        3 => "time limit exceeded",
        7 => "authentication method not supported",
        13 => "confidentiality required: use TLS",
        34 => "invalid DN syntax",
        48 => "inappropriate authentication",
        51 => "server busy",
        52 => "server unavailable",
        53 => "server unwilling to perform",
        _ => "see the server's log",
    }
}
