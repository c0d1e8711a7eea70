//! Duo's `authproxyctl` script on Linux hosts without systemd (or without Duo's unit).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::command::{run, Ran};
use super::trust::{clean_command, trusted_program, Untrusted};
use super::{wait_for, ServiceControl, ServiceError, ServiceState, SETTLE_TIMEOUT};

/// `<install>/bin/authproxyctl`.
#[must_use]
pub fn script_path(install_dir: &Path) -> PathBuf {
    install_dir.join("bin").join("authproxyctl")
}

/// The state `authproxyctl status` reports through its exit code: 0 running, 1 a stale
/// pid file (the proxy died), 3 stopped, 4 unknown.
#[must_use]
pub fn state_from_status(code: Option<i32>, output: &str) -> ServiceState {
    match code {
        Some(0) => ServiceState::Running,
        Some(1 | 3) => ServiceState::Stopped,
        _ if mentions_permission(output) => ServiceState::AccessDenied,
        Some(code) => ServiceState::Unknown(format!("authproxyctl status exited with {code}: {}", output.trim())),
        None => ServiceState::Unknown("authproxyctl status was killed by a signal".into()),
    }
}

fn mentions_permission(output: &str) -> bool {
    let lower = output.to_ascii_lowercase();
    ["permission denied", "operation not permitted", "must be root", "as root"].iter().any(|p| lower.contains(p))
}

/// Controls the proxy through `authproxyctl start|stop|status`.
pub struct Authproxyctl {
    script: PathBuf,
    /// How long start and stop may take to settle.
    pub timeout: Duration,
    /// How often to look while waiting.
    pub interval: Duration,
}

impl Authproxyctl {
    /// Drives the script at `script`.
    #[must_use]
    pub fn new(script: PathBuf) -> Self {
        Self { script, timeout: SETTLE_TIMEOUT, interval: Duration::from_millis(250) }
    }

    /// `authproxyctl ACTION`, when the script may be run at all.
    fn command(&self, action: &str) -> Result<Command, Untrusted> {
        let mut command = clean_command(&trusted_program(&self.script)?);
        command.arg(action);
        Ok(command)
    }

    fn act(&mut self, action: &str, wanted: &ServiceState) -> Result<(), ServiceError> {
        if !self.script.is_file() {
            return Err(ServiceError::NotInstalled(format!("{} does not exist", self.script.display())));
        }
        let command = self.command(action).map_err(|untrusted| ServiceError::Failed(untrusted.to_string()))?;
        match run(command, self.timeout) {
            Ran::Exited { code: Some(0), .. } => {}
            Ran::Exited { code, output } => {
                if mentions_permission(&output) || !super::is_root() {
                    return Err(ServiceError::AccessDenied {
                        detail: format!("authproxyctl {action} failed: {}", output.trim()),
                    });
                }
                let code = code.map_or_else(|| "a signal".to_string(), |c| c.to_string());
                return Err(ServiceError::Failed(format!(
                    "authproxyctl {action} failed (exit {code}): {}. See the log tab for the proxy's own words.",
                    output.trim()
                )));
            }
            Ran::TimedOut => {
                return Err(ServiceError::Failed(format!(
                    "authproxyctl {action} did not finish within {} s",
                    self.timeout.as_secs()
                )))
            }
            Ran::CouldNotStart(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(ServiceError::AccessDenied { detail: format!("cannot run {}: {e}", self.script.display()) })
            }
            Ran::CouldNotStart(e) => {
                return Err(ServiceError::Failed(format!("cannot run {}: {e}", self.script.display())))
            }
        }
        let (timeout, interval) = (self.timeout, self.interval);
        wait_for(wanted, timeout, interval, || self.state())
    }
}

impl ServiceControl for Authproxyctl {
    fn describe(&self) -> String {
        self.script.display().to_string()
    }

    fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    fn state(&mut self) -> ServiceState {
        if !self.script.is_file() {
            return ServiceState::NotInstalled;
        }
        let command = match self.command("status") {
            Ok(command) => command,
            Err(untrusted) => return ServiceState::Unavailable(untrusted.to_string()),
        };
        match run(command, self.timeout) {
            Ran::Exited { code, output } => state_from_status(code, &output),
            Ran::TimedOut => ServiceState::Unknown("authproxyctl status did not answer".into()),
            Ran::CouldNotStart(e) if e.kind() == std::io::ErrorKind::PermissionDenied => ServiceState::AccessDenied,
            Ran::CouldNotStart(e) => ServiceState::Unknown(format!("cannot run {}: {e}", self.script.display())),
        }
    }

    fn start(&mut self) -> Result<(), ServiceError> {
        self.act("start", &ServiceState::Running)
    }

    fn stop(&mut self) -> Result<(), ServiceError> {
        self.act("stop", &ServiceState::Stopped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_exit_codes_follow_authproxyctl() {
        assert_eq!(state_from_status(Some(0), "running"), ServiceState::Running);
        assert_eq!(state_from_status(Some(1), "stale pid file"), ServiceState::Stopped);
        assert_eq!(state_from_status(Some(3), "not running"), ServiceState::Stopped);
        assert!(matches!(state_from_status(Some(4), "?"), ServiceState::Unknown(_)));
        assert_eq!(state_from_status(Some(4), "open: Permission denied"), ServiceState::AccessDenied);
    }

    #[test]
    fn a_missing_script_means_not_installed() {
        let mut ctl = Authproxyctl::new(PathBuf::from("/nonexistent/bin/authproxyctl"));
        assert_eq!(ctl.state(), ServiceState::NotInstalled);
        assert!(matches!(ctl.start(), Err(ServiceError::NotInstalled(_))));
    }
}
