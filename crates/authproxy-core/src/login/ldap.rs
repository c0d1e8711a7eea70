//! The test login of an `ldap_server_auto` section: a simple bind as the user on its `port` (and
//! on `ssl_port` over TLS when the section has a certificate), then the search an application
//! makes after binding (the user's own entry), each timed.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use ldap3::{LdapConnAsync, LdapConnSettings, Scope};
use zeroize::Zeroizing;

use super::advice::Verdict;
use super::target::TargetProblem;
use crate::config::Document;

/// An LDAP listener to test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdapTarget {
    /// The section's name.
    pub section: String,
    /// The clear listener.
    pub listener: SocketAddr,
    /// The TLS listener, when the section has `ssl_key_path` and `ssl_cert_path`.
    pub tls_listener: Option<SocketAddr>,
}

/// The LDAP listener of `section` in `doc`.
///
/// # Errors
/// No such section, not an `ldap_server_auto` section, or an unusable `port`/`ssl_port`/`interface`.
pub fn ldap_target(doc: &Document, section: &str) -> Result<LdapTarget, TargetProblem> {
    let found = doc.section(section).ok_or_else(|| TargetProblem::NoSection(section.to_owned()))?;
    if !found.name.to_ascii_lowercase().starts_with("ldap_server_auto") {
        return Err(TargetProblem::NotAServer(found.name.to_string()));
    }
    let value = |key: &str| found.value(key).map(str::trim).filter(|v| !v.is_empty());
    let port = |key: &str, default: u16| -> Result<u16, TargetProblem> {
        value(key).map_or(Ok(default), |text| {
            text.parse::<u16>().map_err(|_| TargetProblem::BadValue {
                key: key.into(),
                detail: format!("'{text}' is not a port number"),
            })
        })
    };
    let interface = match value("interface") {
        None | Some("0.0.0.0") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(text) => text.parse::<IpAddr>().map_err(|_| TargetProblem::BadValue {
            key: "interface".into(),
            detail: format!("'{text}' is not an IP address"),
        })?,
    };
    let tls = value("ssl_key_path").is_some() && value("ssl_cert_path").is_some();
    Ok(LdapTarget {
        section: found.name.to_string(),
        listener: SocketAddr::new(interface, port("port", 389)?),
        tls_listener: if tls { Some(SocketAddr::new(interface, port("ssl_port", 636)?)) } else { None },
    })
}

/// What the bind sends as the password: the password, then the factor after a comma when one
/// is given (`password,push`), as Duo's LDAP proxy reads it.
#[must_use]
pub fn bind_password(password: &str, factor: Option<&str>) -> Zeroizing<String> {
    match factor {
        Some(factor) => Zeroizing::new(format!("{password},{factor}")),
        None => Zeroizing::new(password.to_owned()),
    }
}

/// One step of an LDAP test login.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LdapStep {
    /// What was done (`bind on ldap://127.0.0.1:389`).
    pub what: String,
    /// How long it took.
    #[serde(serialize_with = "millis")]
    pub took: Duration,
    /// Whether it worked.
    pub ok: bool,
    /// The server's answer, or why it failed.
    pub detail: String,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Binds as `user` with `password` on each listener of `target`, then reads the user's entry.
pub fn run_blocking(target: &LdapTarget, user: &str, password: &str, timeout: Duration) -> (Vec<LdapStep>, Verdict) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            let step = LdapStep { what: "start".into(), took: Duration::ZERO, ok: false, detail: e.to_string() };
            return (vec![step], Verdict::Failed);
        }
    };
    runtime.block_on(async {
        let mut steps = Vec::new();
        let mut verdict = Verdict::Accepted;
        let listeners = std::iter::once(("ldap", target.listener)).chain(target.tls_listener.map(|l| ("ldaps", l)));
        for (scheme, listener) in listeners {
            let this = one_listener(scheme, listener, user, password, timeout, &mut steps).await;
            verdict = worse(verdict, this);
        }
        (steps, verdict)
    })
}

fn worse(a: Verdict, b: Verdict) -> Verdict {
    let rank = |v: Verdict| match v {
        Verdict::Accepted => 0,
        Verdict::Rejected => 1,
        Verdict::NoAnswer => 2,
        Verdict::Failed => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

async fn one_listener(
    scheme: &str,
    listener: SocketAddr,
    user: &str,
    password: &str,
    timeout: Duration,
    steps: &mut Vec<LdapStep>,
) -> Verdict {
    let url = format!("{scheme}://{listener}");
    let started = Instant::now();
    // The proxy's certificate is the application's to trust; the test reports the handshake only.
    let settings = LdapConnSettings::new().set_conn_timeout(timeout).set_no_tls_verify(true);
    let (conn, mut ldap) = match LdapConnAsync::with_settings(settings, &url).await {
        Ok(pair) => pair,
        Err(e) => {
            let timed_out = started.elapsed() >= timeout;
            steps.push(LdapStep {
                what: format!("connect to {url}"),
                took: started.elapsed(),
                ok: false,
                detail: format!("{e}: is the proxy running, with this section listening there?"),
            });
            return if timed_out { Verdict::NoAnswer } else { Verdict::Failed };
        }
    };
    let driver = tokio::spawn(conn.drive());
    ldap.with_timeout(timeout);
    let bind_started = Instant::now();
    let bound = ldap.simple_bind(user, password).await;
    let verdict = match bound {
        Ok(result) if result.rc == 0 => {
            steps.push(LdapStep {
                what: format!("simple bind on {url}"),
                took: bind_started.elapsed(),
                ok: true,
                detail: "accepted (result 0)".into(),
            });
            let search_started = Instant::now();
            let base = if user.contains('=') { user } else { "" };
            let searched = ldap.search(base, Scope::Base, "(objectClass=*)", vec!["1.1"]).await;
            let (ok, detail) = match searched.and_then(ldap3::SearchResult::success) {
                Ok((entries, _)) => {
                    (true, format!("{} entry(ies): an application's lookup after the bind works", entries.len()))
                }
                Err(e) => (false, format!("{e}")),
            };
            steps.push(LdapStep {
                what: format!("search after the bind on {url}"),
                took: search_started.elapsed(),
                ok,
                detail,
            });
            Verdict::Accepted
        }
        Ok(result) => {
            let detail = crate::logfile::display_text(format!("result {}: {}", result.rc, result.text).as_bytes());
            steps.push(LdapStep {
                what: format!("simple bind on {url}"),
                took: bind_started.elapsed(),
                ok: false,
                detail,
            });
            Verdict::Rejected
        }
        Err(e) => {
            steps.push(LdapStep {
                what: format!("simple bind on {url}"),
                took: bind_started.elapsed(),
                ok: false,
                detail: e.to_string(),
            });
            if bind_started.elapsed() >= timeout {
                Verdict::NoAnswer
            } else {
                Verdict::Failed
            }
        }
    };
    let _ = ldap.unbind().await;
    driver.abort();
    verdict
}

/// What an LDAP test's timing means for an application waiting `timeout`.
#[must_use]
pub fn advice(steps: &[LdapStep], verdict: Verdict, app_timeout: Duration) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(slowest) = steps.iter().filter(|s| s.what.starts_with("simple bind")).map(|s| s.took).max() {
        if slowest > app_timeout {
            out.push(format!(
                "The bind took {:.1} s; an application waiting {} s fails first. Raise its LDAP timeout to at least \
                 60 s for push (Duo's guidance).",
                slowest.as_secs_f64(),
                app_timeout.as_secs()
            ));
        }
    }
    match verdict {
        Verdict::Rejected => out.push(
            "The bind was refused: a wrong password, a user the directory does not know, or a denied second \
             factor; the proxy's log says which (`authproxy-manager logs --user …`)."
                .into(),
        ),
        Verdict::NoAnswer | Verdict::Failed => out.push(
            "Nothing usable answered: is the proxy running, and is this section's port free of other services?".into(),
        ),
        Verdict::Accepted => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listeners_come_from_the_section() {
        let doc = Document::parse("[ldap_server_auto]\nport=3389\nssl_port=6636\nssl_key_path=k\nssl_cert_path=c\n");
        let target = ldap_target(&doc, "ldap_server_auto").unwrap();
        assert_eq!(target.listener, "127.0.0.1:3389".parse().unwrap());
        assert_eq!(target.tls_listener, Some("127.0.0.1:6636".parse().unwrap()));
        let clear = Document::parse("[ldap_server_auto]\n");
        assert_eq!(ldap_target(&clear, "ldap_server_auto").unwrap().tls_listener, None);
        assert!(ldap_target(&clear, "nope").is_err());
    }
}
