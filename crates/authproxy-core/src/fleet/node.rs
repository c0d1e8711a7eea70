//! The node's side: what `authproxy-manager node` on a proxy answers about it.

use std::path::{Path, PathBuf};

use super::protocol::{sha256_hex, LastLogin, NodeStatus};
use crate::config::{decode, Document};
use crate::logfile::filter::{Query, Summary};
use crate::logfile::{display_text, Level, LogIndex};
use crate::schema::Platform;
use crate::secrets::Protector;
use crate::service::version::Registry;
use crate::service::ServiceControl;
use crate::validate::{self, Options, Severity};

/// How many of the log's latest error lines a status carries.
pub const RECENT_ERRORS: usize = 5;

/// What the node needs to look at its proxy.
pub struct NodeContext<'a> {
    /// The proxy's install folder.
    pub install_dir: PathBuf,
    /// Its service.
    pub service: &'a mut dyn ServiceControl,
    /// This machine's DPAPI (or none off Windows).
    pub protector: &'a dyn Protector,
    /// Where the installed version is recorded.
    pub registry: &'a dyn Registry,
}

/// The proxy's status on this node.
#[must_use]
pub fn status(context: &mut NodeContext<'_>) -> NodeStatus {
    use base64::Engine as _;
    let platform = Platform::host();
    let install = &context.install_dir;
    let config_path = crate::service::installed_config(install);
    let mut status = NodeStatus {
        os: platform.as_str().to_owned(),
        hostname: hostname(),
        install_dir: install.display().to_string(),
        config_path: config_path.display().to_string(),
        service: context.service.state().badge().to_owned(),
        ..NodeStatus::default()
    };
    let bytes = match std::fs::read(&config_path) {
        Ok(bytes) => bytes,
        Err(e) => {
            status.config_problem = Some(format!("cannot read {}: {e}", config_path.display()));
            let version = crate::service::version::detect(install, &install.join("log"), context.registry);
            status.proxy_version = version.map(|v| format!("{} {}", v.version, v.source.describe()));
            return status;
        }
    };
    status.config_sha256 = Some(sha256_hex(&bytes));
    status.config_base64 = Some(base64::engine::general_purpose::STANDARD.encode(&bytes));
    let decoded = decode(&bytes);
    let doc = Document::parse(&decoded.text);
    let log_dir = crate::service::logs::log_dir(&doc, install);
    let (diagnostics, version) = validate_here(&doc, decoded.encoding, context);
    status.errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    status.warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    status.proxy_version = version.map(|v| format!("{} {}", v.version, v.source.describe()));
    if let Ok(index) = LogIndex::read_dir(&log_dir) {
        read_log(&index, &mut status);
    }
    status
}

/// The latest accepted login and the latest error lines of `index`.
fn read_log(index: &LogIndex, status: &mut NodeStatus) {
    let everything = Query { show_noise: true, ..Query::default() }.run(index);
    let summary = Summary::of(index, &everything.requests);
    status.last_login =
        summary.last_success.iter().max_by_key(|(_, (time, _))| time.utc_micros).map(|(section, (time, user))| {
            LastLogin {
                time: crate::logfile::describe::local_time(*time),
                user: display_text(user.as_bytes()),
                section: section.clone(),
            }
        });
    status.recent_errors = index
        .entries()
        .rev()
        .filter(|e| e.level() == Level::Error)
        .take(RECENT_ERRORS)
        .map(|e| display_text(e.bytes()))
        .collect();
}

/// Validates `doc` as this node's proxy would read it: this OS, this install, this machine's
/// DPAPI and the installed version. Returns the findings and the version.
pub(crate) fn validate_here(
    doc: &Document,
    encoding: crate::config::Encoding,
    context: &NodeContext<'_>,
) -> (Vec<crate::validate::Diagnostic>, Option<crate::service::version::KnownVersion>) {
    let log_dir = crate::service::logs::log_dir(doc, &context.install_dir);
    let version = crate::service::version::detect(&context.install_dir, &log_dir, context.registry);
    let options = Options {
        platform: Some(Platform::host()),
        install_dir: Some(context.install_dir.clone()),
        encoding: Some(encoding),
        protector: Some(context.protector),
        proxy_version: version.as_ref().map(|v| v.version),
        ..Options::default()
    };
    (validate::validate(doc, &options), version)
}

/// This machine's host name.
#[must_use]
pub fn hostname() -> String {
    let from_env = std::env::var("COMPUTERNAME").or_else(|_| std::env::var("HOSTNAME")).ok();
    from_env
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The install folder a request names, else the standard one for this OS.
#[must_use]
pub fn install_dir(requested: Option<&str>) -> PathBuf {
    requested
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or_else(crate::service::default_install_dir, |d| Path::new(d).to_path_buf())
}
