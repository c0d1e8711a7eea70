//! One Duo API host: DNS, TCP (directly or to the HTTP proxy), CONNECT, TLS, `/auth/v2/ping`,
//! clock drift, and a signed `/auth/v2/check`.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::http::{self, HttpError, Response};
use super::plan::{DuoTarget, DUO_TIMEOUT};
use super::runner::{Pending, StepLog};
use super::tls::{self, Prepared, TlsPolicy};
use super::{net, sign, Problem, StepKind};
use crate::secrets::Protector;

/// Largest clock difference Duo accepts.
pub const MAX_DRIFT_SECONDS: i64 = 60;

/// Runs every step for one API host, recording each in `log`.
pub async fn probe(target: &DuoTarget, protector: &dyn Protector, log: &mut StepLog) {
    let mut all = vec![StepKind::Dns, StepKind::Tcp];
    if target.proxy.is_some() {
        all.push(StepKind::Connect);
    }
    all.extend([StepKind::Tls, StepKind::Ping, StepKind::Drift]);
    if target.credentials.is_some() {
        all.push(StepKind::Credentials);
    }
    let after = |kind: StepKind| -> Vec<StepKind> { all.iter().skip_while(|k| **k != kind).skip(1).copied().collect() };

    let prepared = match tls::prepare(&policy(target)) {
        Ok(p) => p,
        Err(problem) => {
            let step = log.begin(StepKind::Tls);
            log.fail(step, problem);
            return log.skip_all(&after(StepKind::Tls), "not tried: the CA file is unusable");
        }
    };
    let mut stream = match open(target, &prepared, Some(log)).await {
        Ok(s) => s,
        Err(failed) => return log.skip_all(&after(failed), &format!("not tried: the {} failed", failed.label())),
    };

    let step = log.begin(StepKind::Ping);
    let sent = SystemTime::now();
    let started = Instant::now();
    let ping = request(&mut stream, &target.host, "/auth/v2/ping", &[]).await;
    let latency = started.elapsed();
    let duo_time = match ping.and_then(|r| ping_time(&r)) {
        Ok(t) => {
            log.pass(step, format!("Duo answered in {} ms", latency.as_millis()));
            t
        }
        Err(problem) => return log.fail_and_skip(step, problem, &after(StepKind::Ping)),
    };

    let step = log.begin(StepKind::Drift);
    let ours = i64::try_from((sent + latency / 2).duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())).unwrap_or(0);
    let drift = duo_time.saturating_sub(ours);
    if drift.unsigned_abs() > MAX_DRIFT_SECONDS.unsigned_abs() {
        log.fail(step, Problem::ClockDrift { seconds: drift });
    } else {
        log.pass(step, format!("{drift:+} s"));
    }

    let Some(credentials) = &target.credentials else { return };
    let step = log.begin(StepKind::Credentials);
    if credentials.ikey.is_empty() {
        return log.fail(step, Problem::SecretUnavailable { key: "ikey".into(), detail: "it is not set".into() });
    }
    let skey = match credentials.skey.resolve(protector) {
        Ok(s) => s,
        Err(problem) => return log.fail(step, problem),
    };
    let mut stream = match open(target, &prepared, None).await {
        Ok(s) => s,
        Err(failed) => {
            return log.fail(
                step,
                Problem::BadResponse { detail: format!("the second connection failed at the {}", failed.label()) },
            );
        }
    };
    let signature =
        sign::sign(&credentials.ikey, skey.expose(), "GET", &target.host, "/auth/v2/check", &[], SystemTime::now());
    let headers = [("Date", signature.date.as_str()), ("Authorization", signature.authorization.as_str())];
    match request(&mut stream, &target.host, "/auth/v2/check", &headers).await.and_then(|r| check_result(&r)) {
        Ok(()) => log.pass(step, format!("ikey {} and its skey are valid", credentials.ikey)),
        Err(problem) => log.fail(step, problem),
    }
}

fn policy(target: &DuoTarget) -> TlsPolicy {
    TlsPolicy {
        host: target.host.clone(),
        ca_file: target.ca_file.clone(),
        verify_chain: true,
        verify_hostname: true,
        weak_hash: tls::WeakHashRule::ChainOnly,
    }
}

/// Connects (through the proxy when set) and completes TLS. With `log`, records each step;
/// returns the failed step's kind on failure.
async fn open(
    target: &DuoTarget,
    prepared: &Prepared,
    mut log: Option<&mut StepLog>,
) -> Result<TlsStream<TcpStream>, StepKind> {
    let (connect_host, connect_port) =
        target.proxy.as_ref().map_or((target.host.as_str(), target.port), |p| (p.host.as_str(), p.port));
    let label = net::address_label(connect_host, connect_port);
    let mut steps = Steps { log: log.take(), kind: StepKind::Dns, pending: None };

    steps.begin(StepKind::Dns);
    let unusable = [("api_host", target.host.as_str()), ("http_proxy_host", connect_host)]
        .into_iter()
        .find(|(_, host)| !http::is_plain_host(host));
    if let Some((key, host)) = unusable {
        steps.end(Err::<(), _>(Problem::unusable_host_name(key, host)), |()| String::new())?;
    }
    let addrs = net::resolve(connect_host, connect_port, DUO_TIMEOUT).await;
    let addrs = steps.end(addrs, |a| {
        let ips = net::describe_addrs(a);
        if target.proxy.is_some() {
            format!("proxy {connect_host}: {ips}")
        } else {
            ips
        }
    })?;

    steps.begin(StepKind::Tcp);
    let tcp = net::connect(&addrs, &label, DUO_TIMEOUT).await;
    let mut tcp = steps.end(tcp, |s| s.peer_addr().map_or_else(|_| label.clone(), |a| a.to_string()))?;

    if let Some(proxy) = &target.proxy {
        steps.begin(StepKind::Connect);
        let proxy_label = net::address_label(&proxy.host, proxy.port);
        let tunnel = match tokio::time::timeout(DUO_TIMEOUT, http::connect(&mut tcp, &target.host, target.port)).await {
            Err(_) => Err(Problem::ResponseTimeout {
                waiting_for: "the proxy's CONNECT answer".into(),
                seconds: DUO_TIMEOUT.as_secs(),
            }),
            Ok(Err(e)) => Err(http_problem(e)),
            Ok(Ok(r)) if r.status == 200 => Ok(()),
            Ok(Ok(r)) => {
                Err(Problem::ProxyRefused { proxy: proxy_label.clone(), status: format!("{} {}", r.status, r.reason) })
            }
        };
        steps.end(tunnel, |()| format!("tunnel to {}:{} open", target.host, target.port))?;
    }

    steps.begin(StepKind::Tls);
    let name = ServerName::try_from(target.host.clone())
        .map_err(|e| Problem::TlsHandshake { detail: format!("{:?} is not a valid host name: {e}", target.host) });
    let handshake = match name {
        Err(problem) => Err(problem),
        Ok(name) => {
            match tokio::time::timeout(DUO_TIMEOUT, TlsConnector::from(prepared.config.clone()).connect(name, tcp))
                .await
            {
                Err(_) => Err(Problem::ResponseTimeout {
                    waiting_for: "TLS handshake".into(),
                    seconds: DUO_TIMEOUT.as_secs(),
                }),
                Ok(Err(e)) => Err(tls::take_refusal(&prepared.refusal).unwrap_or_else(|| tls::handshake_problem(&e))),
                Ok(Ok(stream)) => Ok(stream),
            }
        }
    };
    steps.end(handshake, |s| {
        let version =
            s.get_ref().1.protocol_version().map_or_else(|| "TLS".into(), |v| format!("{v:?}").replace('_', "."));
        format!("{version}, certificate valid for {}", target.host)
    })
}

/// Records steps when there is a log; otherwise only passes results through.
struct Steps<'a> {
    log: Option<&'a mut StepLog>,
    kind: StepKind,
    pending: Option<Pending>,
}

impl Steps<'_> {
    fn begin(&mut self, kind: StepKind) {
        self.kind = kind;
        self.pending = self.log.as_mut().map(|l| l.begin(kind));
    }

    fn end<T>(&mut self, result: Result<T, Problem>, detail: impl FnOnce(&T) -> String) -> Result<T, StepKind> {
        let recorder = self.log.as_mut().zip(self.pending.take());
        match result {
            Ok(value) => {
                if let Some((log, step)) = recorder {
                    log.pass(step, detail(&value));
                }
                Ok(value)
            }
            Err(problem) => {
                if let Some((log, step)) = recorder {
                    log.fail(step, problem);
                }
                Err(self.kind)
            }
        }
    }
}

async fn request(
    stream: &mut TlsStream<TcpStream>,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response, Problem> {
    match tokio::time::timeout(DUO_TIMEOUT, http::get(stream, host, path, headers)).await {
        Err(_) => {
            Err(Problem::ResponseTimeout { waiting_for: format!("answer to {path}"), seconds: DUO_TIMEOUT.as_secs() })
        }
        Ok(result) => result.map_err(http_problem),
    }
}

fn http_problem(error: HttpError) -> Problem {
    match error {
        HttpError::Io(e) => Problem::BadResponse { detail: format!("the connection failed: {e}") },
        HttpError::Malformed(detail) => Problem::BadResponse { detail },
        HttpError::Unsafe(detail) => Problem::UnusableValue { key: "api_host".into(), detail },
    }
}

fn json(response: &Response) -> Result<serde_json::Value, Problem> {
    serde_json::from_slice(&response.body).map_err(|_| Problem::BadResponse {
        detail: format!(
            "HTTP {} {} with a body that is not Duo's JSON (is api_host a Duo API host?)",
            response.status, response.reason
        ),
    })
}

/// Duo's `time` from a ping answer.
/// Duo's clock from a `/auth/v2/ping` answer, or what is wrong with the answer.
///
/// # Errors
/// [`Problem::BadResponse`] for anything but Duo's `{"stat":"OK","response":{"time":…}}`.
pub fn ping_time(response: &Response) -> Result<i64, Problem> {
    let body = json(response)?;
    match (response.status, body["stat"].as_str(), body["response"]["time"].as_i64()) {
        (200, Some("OK"), Some(time)) => Ok(time),
        _ => Err(Problem::BadResponse {
            detail: format!("ping answered HTTP {} {}: {}", response.status, response.reason, duo_message(&body)),
        }),
    }
}

/// Whether a `/auth/v2/check` answer accepts the credentials.
///
/// # Errors
/// [`Problem::DuoCredentialsRejected`] or [`Problem::BadResponse`].
pub fn check_result(response: &Response) -> Result<(), Problem> {
    let body = json(response)?;
    match (response.status, body["stat"].as_str()) {
        (200, Some("OK")) => Ok(()),
        (_, Some("FAIL")) => Err(Problem::DuoCredentialsRejected {
            code: body["code"].as_i64().unwrap_or(i64::from(response.status)),
            message: duo_message(&body),
        }),
        _ => {
            Err(Problem::BadResponse { detail: format!("check answered HTTP {} {}", response.status, response.reason) })
        }
    }
}

fn duo_message(body: &serde_json::Value) -> String {
    let message = body["message"].as_str().unwrap_or("no message");
    match body["message_detail"].as_str() {
        Some(detail) => format!("{message} ({detail})"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response { status, reason: "x".into(), headers: vec![], body: body.as_bytes().to_vec() }
    }

    #[test]
    fn duo_answers_are_read_and_failures_named() {
        assert_eq!(
            ping_time(&response(200, r#"{"stat":"OK","response":{"time":1700000000}}"#)).unwrap(),
            1_700_000_000
        );
        assert_eq!(ping_time(&response(200, "<html>")).unwrap_err().class(), "bad_response");
        assert!(check_result(&response(200, r#"{"stat":"OK","response":{"time":1}}"#)).is_ok());
        let rejected = check_result(&response(
            401,
            r#"{"stat":"FAIL","code":40103,"message":"Invalid signature in request credentials"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            rejected.to_string(),
            "Duo rejected the ikey/skey (40103: Invalid signature in request credentials)"
        );
    }
}
