//! The node's side of a push: the new config put in place safely, and taken back on any failure.
//!
//! In order: the config on disk must still be the one the manager read; plaintext secrets are
//! protected with this node's DPAPI in memory (Windows); the result is validated here, with this
//! node's DPAPI and version; it is written atomically (owner, group, mode and ACL kept, the old one
//! kept as `authproxy.cfg.bak`); the service restarts and must come up; the connectivity check
//! runs when asked. A failure after the write puts the old bytes back and restarts.

use std::time::{Duration, Instant};

use super::node::NodeContext;
use super::protocol::{sha256_hex, ApplyOutcome, ApplyReport, ApplyRequest, ApplyStep};
use crate::config::file::{self, Backup};
use crate::config::{apply as apply_edits, decode, Document};
use crate::schema::Platform;
use crate::validate::Severity;

/// Carries out `request` on this node.
#[must_use]
pub fn apply(request: &ApplyRequest, context: &mut NodeContext<'_>) -> ApplyReport {
    let mut run = Run { steps: Vec::new() };
    let outcome = run.apply(request, context);
    let config = crate::service::installed_config(&context.install_dir);
    let config_sha256 = std::fs::read(config).ok().map(|b| sha256_hex(&b));
    ApplyReport { steps: run.steps, outcome, config_sha256 }
}

struct Run {
    steps: Vec<ApplyStep>,
}

impl Run {
    fn step(&mut self, what: &str, started: Instant, result: Result<String, String>) -> Result<(), String> {
        let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (ok, detail) = match &result {
            Ok(detail) => (true, detail.clone()),
            Err(why) => (false, why.clone()),
        };
        self.steps.push(ApplyStep { what: what.to_owned(), ok, detail, took_ms });
        result.map(|_| ())
    }

    fn apply(&mut self, request: &ApplyRequest, context: &mut NodeContext<'_>) -> ApplyOutcome {
        let path = crate::service::installed_config(&context.install_dir);
        // Before the write: any failure leaves the node as it was.
        let started = Instant::now();
        let prepared = prepare(request, context, &path);
        let (current, new_text, encoding) = match prepared {
            Ok((current, new_text, encoding, detail)) => {
                let _ = self.step("checked", started, Ok(detail));
                (current, new_text, encoding)
            }
            Err(why) => {
                let _ = self.step("checked", started, Err(why.clone()));
                return ApplyOutcome::Refused(why);
            }
        };
        let started = Instant::now();
        let saved = file::save(&path, &new_text, encoding, Some(&current), Backup::Previous);
        let written = match saved {
            Ok(saved) => {
                let backup =
                    saved.backup.map_or_else(String::new, |b| format!("; the old one kept as {}", b.display()));
                let _ = self.step(
                    "written",
                    started,
                    Ok(format!("{} ({} bytes){backup}", path.display(), saved.bytes.len())),
                );
                saved.bytes
            }
            Err(e) => {
                let why = e.to_string();
                let _ = self.step("written", started, Err(why.clone()));
                return ApplyOutcome::Refused(why);
            }
        };
        // After the write: a failure puts the old config back.
        context.service.set_timeout(Duration::from_secs(request.start_timeout_secs.max(1)));
        let started = Instant::now();
        let since = std::time::SystemTime::now();
        let restarted = context.service.restart().map_err(|e| match proxy_said(&new_text, context, since) {
            Some(said) => format!("{e}; the proxy's log says: {said}"),
            None => e.to_string(),
        });
        let failure =
            match self.step("restarted", started, restarted.map(|()| "the proxy runs with the new config".into())) {
                Err(why) => Some(format!("the proxy did not start with the new config: {why}")),
                Ok(()) if request.check => {
                    let started = Instant::now();
                    let checked = check(&new_text, context);
                    self.step("checked connectivity", started, checked)
                        .err()
                        .map(|why| format!("the connectivity check failed: {why}"))
                }
                Ok(()) => None,
            };
        let Some(why) = failure else { return ApplyOutcome::Applied };
        let started = Instant::now();
        let old = decode(&current);
        let restored = file::save(&path, &old.text, old.encoding, Some(&written), Backup::Bytes(current.clone()))
            .map(|_| format!("{} is the old config again", path.display()))
            .map_err(|e| e.to_string());
        if let Err(e) = self.step("restored", started, restored) {
            return ApplyOutcome::RollbackFailed(format!("{why}; putting the old config back failed: {e}"));
        }
        let started = Instant::now();
        let restarted =
            context.service.restart().map(|()| "the proxy runs with the old config".into()).map_err(|e| e.to_string());
        match self.step("restarted with the old config", started, restarted) {
            Ok(()) => ApplyOutcome::RolledBack(why),
            Err(e) => {
                ApplyOutcome::RollbackFailed(format!("{why}; the old config is back but the proxy did not start: {e}"))
            }
        }
    }
}

/// Reads the config on disk, checks it is the one the manager saw, protects and validates the new
/// one. Returns the current bytes, the new text and its encoding, and what was checked.
fn prepare(
    request: &ApplyRequest,
    context: &NodeContext<'_>,
    path: &std::path::Path,
) -> Result<(Vec<u8>, String, crate::config::Encoding, String), String> {
    let bytes = request.config.bytes().ok_or("the new config did not arrive whole (bad base64)")?;
    let current = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if let Some(expected) = &request.expected_sha256 {
        if &sha256_hex(&current) != expected {
            return Err(format!(
                "{} changed on this node since the manager read it: nothing was written; read the fleet again and \
                 compare before pushing",
                path.display()
            ));
        }
    }
    let decoded = decode(&bytes);
    let mut text = decoded.text.clone();
    let mut protected = 0;
    if request.protect && Platform::host() == Platform::Windows {
        let doc = Document::parse(&text);
        let (edits, refused) = crate::secrets::protect::protect_all(&doc, context.protector);
        if let Some((secret, why)) = refused.first() {
            let section = &doc.sections[secret.section];
            return Err(format!(
                "[{}] {} could not be protected with this node's DPAPI: {why}",
                section.name, section.entries[secret.entry].key
            ));
        }
        protected = edits.len();
        text = apply_edits(&text, &edits).map_err(|e| e.to_string())?;
    }
    let doc = Document::parse(&text);
    let (diagnostics, _) = super::node::validate_here(&doc, decoded.encoding, context);
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    if let Some(first) = errors.first() {
        let at = doc.line_col(first.range.start);
        return Err(format!(
            "the new config has {} error(s) on this node, nothing was written; the first: line {}: {}",
            errors.len(),
            at.line,
            first.message
        ));
    }
    let protected =
        if protected > 0 { format!("; {protected} secret(s) protected with this node's DPAPI") } else { String::new() };
    Ok((current, text, decoded.encoding, format!("validates here{protected}")))
}

/// The connectivity check of `text` from this node: every probe must pass or warn.
fn check(text: &str, context: &NodeContext<'_>) -> Result<String, String> {
    use crate::connectivity::{self, runner, Cancel, Verdict};
    let doc = Document::parse(text);
    let probes = connectivity::build_plan(&doc, Some(&context.install_dir), None);
    let protector: std::sync::Arc<dyn crate::secrets::Protector> =
        std::sync::Arc::from(crate::secrets::host_protector());
    let results = runner::run(&probes, protector, std::sync::Arc::new(|_| {}), Cancel::default())
        .map_err(|e| format!("the check could not run: {e}"))?;
    let failed: Vec<String> =
        results.iter().filter(|r| r.verdict == Verdict::Failed).map(|r| r.probe.title()).collect();
    if failed.is_empty() {
        Ok(format!("{} probe(s) passed", results.len()))
    } else {
        Err(format!("{} of {} probe(s) failed: {}", failed.len(), results.len(), failed.join(", ")))
    }
}

/// The proxy's latest error line since `since` (a second of clock skew allowed), masked.
fn proxy_said(text: &str, context: &NodeContext<'_>, since: std::time::SystemTime) -> Option<String> {
    let doc = Document::parse(text);
    let index = crate::logfile::LogIndex::read_dir(&crate::service::logs::log_dir(&doc, &context.install_dir)).ok()?;
    let since = since.duration_since(std::time::UNIX_EPOCH).ok()?;
    let since = i64::try_from(since.as_micros()).ok()?.saturating_sub(1_000_000);
    let said = index
        .entries()
        .rev()
        .filter(|e| e.level() == crate::logfile::Level::Error)
        .find(|e| e.time().is_none_or(|t| t.utc_micros >= since))
        .map(|e| crate::logfile::display_text(e.message_bytes()));
    said
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::protocol::ConfigPayload;
    use crate::service::{ServiceControl, ServiceError, ServiceState};

    /// A service that starts unless the config holds `marker`, as a proxy that cannot load it.
    struct Picky {
        config: std::path::PathBuf,
        marker: &'static str,
        running: bool,
        starts: usize,
    }

    impl ServiceControl for Picky {
        fn describe(&self) -> String {
            "test service".into()
        }
        fn state(&mut self) -> ServiceState {
            if self.running {
                ServiceState::Running
            } else {
                ServiceState::Stopped
            }
        }
        fn start(&mut self) -> Result<(), ServiceError> {
            self.starts += 1;
            let text = std::fs::read_to_string(&self.config).unwrap_or_default();
            self.running = !text.contains(self.marker);
            if self.running {
                Ok(())
            } else {
                Err(ServiceError::Failed("it exited at once".into()))
            }
        }
        fn stop(&mut self) -> Result<(), ServiceError> {
            self.running = false;
            Ok(())
        }
    }

    struct NoRegistry;
    impl crate::service::version::Registry for NoRegistry {
        fn hklm_string(&self, _key: &str, _name: &str, _wow32: bool) -> Option<String> {
            None
        }
    }

    const OLD: &str = "[main]\ndebug=false\n";

    fn request(new: &str, expected: Option<&str>) -> ApplyRequest {
        ApplyRequest {
            install_dir: None,
            config: ConfigPayload::new(new.as_bytes()),
            expected_sha256: expected.map(str::to_owned),
            protect: false,
            check: false,
            start_timeout_secs: 5,
        }
    }

    fn run(new: &str, expected: Option<&str>) -> (ApplyReport, String, usize, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("conf")).unwrap();
        let config = dir.path().join("conf/authproxy.cfg");
        std::fs::write(&config, OLD).unwrap();
        let mut service = Picky { config: config.clone(), marker: "cannot-start", running: true, starts: 0 };
        let protector = crate::secrets::test_support::Marker;
        let mut context = NodeContext {
            install_dir: dir.path().to_path_buf(),
            service: &mut service,
            protector: &protector,
            registry: &NoRegistry,
        };
        let report = apply(&request(new, expected), &mut context);
        let backup = std::fs::read(dir.path().join("conf/authproxy.cfg.bak")).unwrap_or_default();
        (report, std::fs::read_to_string(&config).unwrap(), service.starts, backup)
    }

    #[test]
    fn a_good_config_is_written_with_a_backup_and_the_service_restarted() {
        let (report, now, starts, backup) = run("[main]\ndebug=true\n", Some(&sha256_hex(OLD.as_bytes())));
        assert_eq!(report.outcome, ApplyOutcome::Applied, "{report:#?}");
        assert_eq!((now.as_str(), starts, backup.as_slice()), ("[main]\ndebug=true\n", 1, OLD.as_bytes()));
        assert_eq!(report.config_sha256, Some(sha256_hex(b"[main]\ndebug=true\n")));
        let steps: Vec<&str> = report.steps.iter().map(|s| s.what.as_str()).collect();
        assert_eq!(steps, ["checked", "written", "restarted"]);
    }

    #[test]
    fn a_config_changed_on_the_node_or_with_errors_is_never_written() {
        let (report, now, starts, _) = run("[main]\ndebug=true\n", Some(&sha256_hex(b"something else")));
        assert!(
            matches!(&report.outcome, ApplyOutcome::Refused(why) if why.contains("changed on this node")),
            "{report:#?}"
        );
        assert_eq!((now.as_str(), starts), (OLD, 0));
        let (report, now, _, _) = run("[main]\ndebug=maybe\n", None);
        assert!(
            matches!(&report.outcome, ApplyOutcome::Refused(why) if why.contains("error(s) on this node")),
            "{report:#?}"
        );
        assert_eq!(now, OLD);
    }

    #[test]
    fn a_config_the_service_cannot_start_with_is_rolled_back() {
        let (report, now, starts, backup) = run("[main]\ndebug=true\n; cannot-start\n", None);
        assert!(
            matches!(&report.outcome, ApplyOutcome::RolledBack(why) if why.contains("did not start")),
            "{report:#?}"
        );
        assert_eq!(now, OLD, "the old config is back");
        assert_eq!(backup, OLD.as_bytes(), "the backup is still the old config");
        assert_eq!(starts, 2, "started with the new, then with the old");
        let steps: Vec<(&str, bool)> = report.steps.iter().map(|s| (s.what.as_str(), s.ok)).collect();
        assert_eq!(
            steps,
            [
                ("checked", true),
                ("written", true),
                ("restarted", false),
                ("restored", true),
                ("restarted with the old config", true)
            ]
        );
    }
}
