//! The push audit log: a JSON line per push in the manager's data folder: who, when, from which
//! machine, the source, each node's result, and what changed on each node, secrets masked.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::diff::{self, Row, Verdict};
use super::push::{NodeResult, PushRun};
use crate::config::{decode, Document};

/// One push as the audit log keeps it.
#[derive(Debug, Serialize)]
pub struct AuditEntry<'a> {
    /// When, UTC.
    pub time: String,
    /// Who ran the push.
    pub user: String,
    /// The machine it ran on.
    pub from_host: String,
    /// The source.
    pub source: &'a str,
    /// Problems that stopped the push before any node.
    pub refused: &'a [String],
    /// Each node: its result and what the push changed there.
    pub nodes: Vec<AuditNode<'a>>,
}

/// A node in the audit log.
#[derive(Debug, Serialize)]
pub struct AuditNode<'a> {
    /// The node.
    pub name: &'a str,
    /// Applied, refused, rolled back, failed or skipped, with the node's steps.
    pub result: &'a NodeResult,
    /// The sections and keys that differ between its config before and the source (secrets as
    /// letters, protected values as such: never their text).
    pub changes: Vec<Row>,
}

/// The audit log's file: `fleet-audit.jsonl` in the manager's data folder.
#[must_use]
pub fn default_path() -> Option<PathBuf> {
    crate::platform::app_data_dir().map(|d| d.join("fleet-audit.jsonl"))
}

/// The entry for `run` of `source`.
#[must_use]
pub fn entry<'a>(run: &'a PushRun, source: &[u8]) -> AuditEntry<'a> {
    let new = Document::parse(&decode(source).text);
    let nodes = run
        .nodes
        .iter()
        .map(|node| {
            let changes = node.before.as_ref().map_or_else(Vec::new, |before| {
                let old = Document::parse(&decode(before).text);
                let compared = diff::compare(&[("before".to_owned(), old), ("pushed".to_owned(), new.clone())]);
                compared.rows.into_iter().filter(|r| r.verdict != Verdict::Same).collect()
            });
            AuditNode { name: &node.name, result: &node.result, changes }
        })
        .collect();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let time =
        crate::logfile::Timestamp { utc_micros: i64::try_from(now.as_micros()).unwrap_or(i64::MAX), offset_minutes: 0 };
    let user =
        ["USER", "USERNAME", "LOGNAME"].iter().find_map(|v| std::env::var(v).ok()).unwrap_or_else(|| "unknown".into());
    let from_host = super::node::hostname();
    AuditEntry { time: time.to_string(), user, from_host, source: &run.source, refused: &run.refused, nodes }
}

/// Appends `entry` to `path` (created with its folder when missing).
///
/// # Errors
/// When the folder or file cannot be written.
pub fn append(path: &Path, entry: &AuditEntry<'_>) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(&line)?;
    file.sync_all()
}
