//! Requests and moments of the proxy's log in words, as `logs`, a test login and a fleet node
//! report them.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::catalogue::{config_lines, Signature};
use super::filter::Query;
use super::{LogIndex, Request, Timestamp};
use crate::config::Document;

/// A request as `logs` prints it: the summary line, the reason, the timeline, and each known
/// failure with the config lines concerned (when the config is known).
#[must_use]
pub fn request_text(index: &LogIndex, request: &Request, config: Option<&(PathBuf, Document)>) -> String {
    let mut text = String::new();
    let when = request.start.map_or_else(|| "(no time)".to_owned(), local_time);
    let client = match (request.client, request.port) {
        (Some(c), Some(p)) => format!("{c}:{p}"),
        (Some(c), None) => c.to_string(),
        _ => "-".to_owned(),
    };
    let id = request.radius_id.map(|i| format!(" id {i}")).unwrap_or_default();
    let took = request.duration_micros().map(|d| format!("  {}", duration(d))).unwrap_or_default();
    let duplicates =
        if request.duplicates > 0 { format!("  {} duplicate request(s)", request.duplicates) } else { String::new() };
    text.push_str(&format!(
        "{when}  {:<7} {}  from {client}{id}  {}{took}{duplicates}\n",
        request.outcome.name(),
        request.user.as_deref().unwrap_or("(no user)"),
        request.section.as_deref().unwrap_or("(section unknown)"),
    ));
    if let Some(reason) = &request.reason {
        text.push_str(&format!("    reason: {reason}\n"));
    }
    if let Some(first) = request.phases.first() {
        let mut steps = Vec::new();
        let mut previous = first.utc_micros;
        for phase in &request.phases {
            steps.push(format!("{} +{}", phase.kind.label(), duration(phase.utc_micros - previous)));
            previous = phase.utc_micros;
        }
        text.push_str(&format!("    timeline: {}\n", steps.join(" → ")));
    }
    let mut explained: Vec<&Signature> = Vec::new();
    for (_, signature) in index.findings_of(request) {
        if explained.iter().any(|s| s.id == signature.id) {
            continue;
        }
        explained.push(signature);
        text.push_str(&format!("    {}: {} {}\n", signature.title, signature.explanation, signature.fix));
        if let Some((path, doc)) = config {
            for line in config_lines(signature.config, doc, request.section.as_deref()) {
                let what = line
                    .key
                    .as_deref()
                    .map_or_else(|| format!("[{}]", line.section), |k| format!("[{}] {k}", line.section));
                text.push_str(&format!("      see {}:{}: {what}\n", path.display(), line.line + 1));
            }
        }
    }
    text
}

/// A moment as the log wrote it: local time with its offset.
#[must_use]
pub fn local_time(time: Timestamp) -> String {
    let local = Timestamp {
        utc_micros: time.utc_micros.saturating_add(i64::from(time.offset_minutes) * 60_000_000),
        offset_minutes: 0,
    };
    let text = local.to_string();
    let text = text.trim_end_matches('Z');
    let seconds = text.split('.').next().unwrap_or(text).replacen('T', " ", 1);
    let offset = time.offset_minutes;
    format!(
        "{seconds}{}{:02}{:02}",
        if offset < 0 { '-' } else { '+' },
        offset.unsigned_abs() / 60,
        offset.unsigned_abs() % 60
    )
}

/// A span of microseconds: milliseconds under a second, else seconds to a tenth.
#[must_use]
pub fn duration(micros: i64) -> String {
    if micros < 1_000_000 {
        format!("{} ms", micros / 1000)
    } else {
        format!("{:.1} s", micros as f64 / 1e6)
    }
}

/// The proxy's own log of a test: the requests of `user` that began since `started` (two seconds
/// of clock skew allowed), each as [`request_text`] gives it with `config`'s lines. Empty when the
/// log folder cannot be read.
#[must_use]
pub fn requests_since(doc: &Document, config: &Path, install: &Path, user: &str, started: SystemTime) -> Vec<String> {
    let Ok(since) = started.duration_since(std::time::UNIX_EPOCH) else { return Vec::new() };
    let since = i64::try_from(since.as_micros()).unwrap_or(i64::MAX).saturating_sub(2_000_000);
    let dir = crate::service::logs::log_dir(doc, install);
    let Ok(index) = LogIndex::read_dir(&dir) else { return Vec::new() };
    let query = Query { user: Some(user.to_owned()), since: Some(since), ..Default::default() };
    let found = query.run(&index);
    let known = (config.to_path_buf(), doc.clone());
    found.requests.iter().map(|&r| request_text(&index, &index.requests[r as usize], Some(&known))).collect()
}
