//! The fleet's status and comparison in words, the same in the CLI and the window.

use super::diff::{Cell, Comparison, Verdict};
use super::query::{NodeAnswer, Route};

/// The status table: a line per node, then each node's recent errors.
#[must_use]
pub fn status_text(answers: &[NodeAnswer]) -> String {
    let mut text = String::new();
    let width = answers.iter().map(|a| a.name.chars().count()).max().unwrap_or(4).max(4);
    text.push_str(&format!(
        "{:<width$}  {:<9}  {:<7}  {:<22}  {:<13}  {:<12}  {:<18}  LAST LOGIN\n",
        "NODE", "REACHED", "OS", "PROXY", "SERVICE", "CONFIG", "FINDINGS"
    ));
    for answer in answers {
        let os = answer.os.map_or("-", |o| o.as_str());
        match &answer.result {
            Ok(answered) => {
                let status = &answered.status;
                let reached = answered.route.reached();
                let version =
                    status.proxy_version.as_deref().and_then(|v| v.split_whitespace().next()).unwrap_or("unknown");
                let hash =
                    status.config_sha256.as_deref().map_or_else(|| "unreadable".to_owned(), |h| h[..12].to_owned());
                let findings = match answered.route {
                    Route::Manager => format!("{} error(s) {} warn", status.errors, status.warnings),
                    Route::ReadOnly => "not checked".to_owned(),
                };
                let login = status
                    .last_login
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |l| format!("{} {} [{}]", l.time, l.user, l.section));
                text.push_str(&format!(
                    "{:<width$}  {reached:<9}  {os:<7}  {version:<22}  {:<13}  {hash:<12}  {findings:<18}  {login}\n",
                    answer.name, status.service
                ));
            }
            Err(problem) => {
                text.push_str(&format!("{:<width$}  {:<9}  {os:<7}  {problem}\n", answer.name, "NO"));
            }
        }
    }
    for answer in answers {
        let Ok(answered) = &answer.result else { continue };
        if answered.route == Route::ReadOnly {
            text.push_str(&format!(
                "{}: authproxy-manager is not installed there, so its config was only read (not checked) and its \
                 log not read; install it on the node for the full status\n",
                answer.name
            ));
        }
        if let Some(problem) = &answered.status.config_problem {
            text.push_str(&format!("{}: {problem}\n", answer.name));
        }
        if !answered.status.recent_errors.is_empty() {
            text.push_str(&format!("{}: latest errors in the proxy's log:\n", answer.name));
            for line in &answered.status.recent_errors {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for answer in answers {
        let Some(hash) = answer.result.as_ref().ok().and_then(|a| a.status.config_sha256.as_deref()) else { continue };
        match groups.iter_mut().find(|(h, _)| *h == hash) {
            Some((_, names)) => names.push(&answer.name),
            None => groups.push((hash, vec![&answer.name])),
        }
    }
    if groups.len() > 1 {
        text.push_str(&format!("{} different configs: ", groups.len()));
        let described: Vec<String> =
            groups.iter().map(|(hash, names)| format!("{} ({})", &hash[..12], names.join(", "))).collect();
        text.push_str(&described.join("; "));
        text.push_str(". `fleet diff` shows how they differ.\n");
    }
    text
}

/// The comparison in words: a line per section or key that differs (every one with `all`).
#[must_use]
pub fn diff_text(comparison: &Comparison, all: bool) -> String {
    let mut text = format!(
        "Comparing {} by section and key (comments, order, spacing and the case of keys ignored)\n",
        comparison.nodes.join(", ")
    );
    let cell_text = |cell: &Cell| match cell {
        Cell::Missing => "(not set)".to_owned(),
        Cell::Present => "present".to_owned(),
        Cell::Value(v) => crate::logfile::display_text(v.as_bytes()),
        Cell::Secret(letter) => format!("secret {letter}"),
        Cell::Protected => "protected on that node".to_owned(),
    };
    let mut differing = 0;
    for row in &comparison.rows {
        if row.verdict == Verdict::Same && !all {
            continue;
        }
        let place = match &row.key {
            Some(key) => format!("[{}] {key}", row.section),
            None => format!("[{}]", row.section),
        };
        let label = match row.verdict {
            Verdict::Same => "same",
            Verdict::Differs => {
                differing += 1;
                "DIFFERS"
            }
            Verdict::ExpectedToDiffer => "differs as expected",
            Verdict::ProtectedPerNode => "per node",
        };
        let cells: Vec<String> = comparison
            .nodes
            .iter()
            .zip(&row.cells)
            .map(|(node, cell)| format!("{node}: {}", cell_text(cell)))
            .collect();
        text.push_str(&format!("{place}  {label}  {}", cells.join("  |  ")));
        if let Some(note) = row.note {
            text.push_str(&format!("  ({note})"));
        }
        text.push('\n');
    }
    if differing == 0 {
        text.push_str("In step: nothing differs that should not.\n");
    } else {
        text.push_str(&format!("{differing} difference(s). Secrets are never shown: equal secrets share a letter.\n"));
    }
    text
}
