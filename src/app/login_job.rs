//! A test login running on a helper thread: the login sent as the section expects, its timeline,
//! the answer and the advice, then the proxy's own log of that request, all as a report for the
//! Output tab, with a one-line outcome for the saved test's row in the Connectivity tab.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use super::output::{OutputLine, Report};
use crate::config::Document;
use crate::login::{self, report, ClientModel, Credentials, FactorStyle, Verdict};
use crate::secrets::Protector;
use crate::validate::Severity;

/// How long the tool listens for the proxy's answer: past Duo's 60 s for a push.
const LISTEN: Duration = Duration::from_secs(65);

/// A login to send: everything but the document.
pub struct LoginRequest {
    /// The server section.
    pub section: String,
    /// Who logs in, and how.
    pub credentials: Credentials,
    /// The client to compare with.
    pub client: ClientModel,
}

/// How a test login ended, in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOutcome {
    /// The section tested.
    pub section: String,
    /// The user name.
    pub user: String,
    /// Accepted, rejected, no answer.
    pub verdict: Verdict,
    /// E.g. "Access-Accept after 3.1 s".
    pub headline: String,
    /// When it ended.
    pub ended: SystemTime,
}

/// What the helper thread sends back.
pub struct Finished {
    /// For the Output tab.
    pub report: Report,
    /// For the saved test's row.
    pub outcome: LoginOutcome,
}

/// A test login running on its helper thread.
pub struct LoginJob {
    receiver: Receiver<Finished>,
}

impl LoginJob {
    /// The result, once the login has ended.
    pub fn poll(&self) -> Option<Finished> {
        self.receiver.try_recv().ok()
    }
}

/// Sends `request` to the listener of its section in `doc` (read from `path`, which locates the
/// proxy's logs) on a helper thread; `repaint` runs when the result is ready.
pub fn start(
    request: LoginRequest,
    doc: Document,
    path: Option<PathBuf>,
    protector: Arc<dyn Protector>,
    repaint: impl Fn() + Send + 'static,
) -> LoginJob {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let started = SystemTime::now();
        let (mut report, verdict, headline) = run(&request, &doc, protector.as_ref());
        if verdict != Verdict::Failed {
            append_proxy_view(&mut report, &doc, path, &request.credentials.user, started);
        }
        let outcome = LoginOutcome {
            section: request.section.clone(),
            user: request.credentials.user.clone(),
            verdict,
            headline,
            ended: SystemTime::now(),
        };
        let _ = sender.send(Finished { report, outcome });
        repaint();
    });
    LoginJob { receiver }
}

fn error_line(text: impl Into<String>) -> OutputLine {
    let mut line = OutputLine::plain(text);
    line.severity = Some(Severity::Error);
    line
}

fn run(request: &LoginRequest, doc: &Document, protector: &dyn Protector) -> (Report, Verdict, String) {
    let title = format!(
        "Test login as {} to [{}]",
        crate::logfile::display_text(request.credentials.user.as_bytes()),
        request.section
    );
    let target = match login::radius_target(doc, &request.section, None, protector) {
        Ok(target) => target,
        Err(login::TargetProblem::Ldap(_)) => return ldap(request, doc, title),
        Err(problem) => {
            let mut line = error_line(problem.to_string());
            if let login::TargetProblem::UnknownClient { lines, .. } = &problem {
                line.jump = lines.first().map(|(_, range)| *range);
            }
            return (Report::new(title, vec![line]), Verdict::Failed, "not sent: see the Output tab".to_owned());
        }
    };
    let mut credentials = Credentials {
        user: request.credentials.user.clone(),
        password: request.credentials.password.clone(),
        factor: request.credentials.factor.clone(),
    };
    if target.factor_style == FactorStyle::FactorOnly {
        credentials.password = Zeroizing::new(String::new());
    }
    let exchange = login::exchange::run_blocking(&target, &credentials, &request.client, LISTEN);
    drop(credentials);
    let mut lines = vec![OutputLine::plain(format!(
        "{} from {} ({}); compared with {}",
        target.listener, target.source, target.client_key, request.client.name
    ))];
    lines.extend(report::timeline(&exchange).into_iter().map(|l| OutputLine::plain(format!("  {l}"))));
    if let Some(ending) = report::ending_text(&exchange.ending) {
        lines.push(OutputLine::plain(format!("  {ending}")));
    }
    let verdict = login::verdict(&exchange);
    let severity = match verdict {
        Verdict::Accepted => Severity::Info,
        Verdict::Rejected => Severity::Warning,
        Verdict::NoAnswer | Verdict::Failed => Severity::Error,
    };
    for advice in login::advice(&target, &exchange, &request.client) {
        let mut line = OutputLine::plain(advice);
        line.severity = Some(severity);
        lines.push(line);
    }
    let last = exchange.steps.last().map(|s| report::step_text(&s.step)).unwrap_or_default();
    let headline = match exchange.answered_after {
        Some(after) => format!("{last} after {}", report::duration_text(after)),
        None if verdict == Verdict::NoAnswer => format!("no answer in {}", report::duration_text(LISTEN)),
        None => "could not be sent: see the Output tab".to_owned(),
    };
    (Report::new(title, lines), verdict, headline)
}

/// An `ldap_server_auto` section: a bind as the user (the factor appended after a comma), then
/// the application's search.
fn ldap(request: &LoginRequest, doc: &Document, title: String) -> (Report, Verdict, String) {
    let target = match login::ldap::ldap_target(doc, &request.section) {
        Ok(target) => target,
        Err(problem) => {
            let report = Report::new(title, vec![error_line(problem.to_string())]);
            return (report, Verdict::Failed, "not sent: see the Output tab".to_owned());
        }
    };
    let credentials = &request.credentials;
    let field = login::ldap::bind_password(&credentials.password, credentials.factor.as_deref().map(|f| f.as_str()));
    let (steps, verdict) = login::ldap::run_blocking(&target, &credentials.user, &field, LISTEN);
    drop(field);
    let mut lines = vec![OutputLine::plain(format!(
        "{} (TLS: {})",
        target.listener,
        target.tls_listener.map_or_else(|| "not configured".to_owned(), |l| l.to_string())
    ))];
    for step in &steps {
        let mut line = OutputLine::plain(format!("  {}", report::ldap_step_line(step)));
        line.severity = (!step.ok).then_some(Severity::Error);
        lines.push(line);
    }
    let severity = if verdict == Verdict::Accepted { Severity::Info } else { Severity::Error };
    for advice in login::ldap::advice(&steps, verdict, request.client.timeout) {
        let mut line = OutputLine::plain(advice);
        line.severity = Some(severity);
        lines.push(line);
    }
    let took: Duration = steps.iter().map(|s| s.took).sum();
    let headline = match verdict {
        Verdict::Accepted => format!("bind accepted, {}", report::duration_text(took)),
        Verdict::Rejected => format!("bind refused, {}", report::duration_text(took)),
        Verdict::NoAnswer => "no answer".to_owned(),
        Verdict::Failed => steps.last().map_or_else(|| "failed".to_owned(), |s| format!("failed: {}", s.what)),
    };
    (Report::new(title, lines), verdict, headline)
}

/// The proxy's log of the test, when its log folder can be read: the user's requests since the
/// test began, as `logs` prints them. The proxy writes its log as it answers; a moment's wait
/// lets the last line land.
fn append_proxy_view(report: &mut Report, doc: &Document, path: Option<PathBuf>, user: &str, started: SystemTime) {
    std::thread::sleep(Duration::from_millis(300));
    let install = crate::service::install_dir_for(path.as_deref());
    let config = path.unwrap_or_else(|| install.join("conf").join("authproxy.cfg"));
    let requests = crate::logfile::describe::requests_since(doc, &config, &install, user, started);
    if requests.is_empty() {
        report.lines.push(OutputLine::plain(format!(
            "The proxy's log ({}) has no request of this user since the test began.",
            crate::service::logs::log_dir(doc, &install).display()
        )));
        return;
    }
    report.lines.push(OutputLine::plain("The proxy's log of this login:"));
    for request in requests {
        report.lines.extend(request.lines().map(|l| OutputLine::plain(format!("  {l}"))));
    }
}
