//! systemd: `systemctl` against the unit Duo's Linux installer writes.

use std::path::Path;
use std::time::Duration;

use super::command::{run, Ran};
use super::{wait_for, ServiceControl, ServiceError, ServiceState, SETTLE_TIMEOUT};

/// Whether `unit` is installed in one of systemd's unit folders.
#[must_use]
pub fn unit_installed(unit: &str) -> bool {
    ["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"]
        .iter()
        .any(|dir| Path::new(dir).join(unit).is_file())
}

/// The arguments of `systemctl` for `action` on `unit`. Never prompts for a password:
/// without the rights it fails at once, and we say how to get them.
#[must_use]
pub fn systemctl_args(action: &str, unit: &str) -> Vec<String> {
    let mut args = vec!["--no-ask-password".to_string(), "--no-pager".to_string()];
    args.push(action.to_string());
    args.push(unit.to_string());
    args
}

/// The state `systemctl is-active` prints.
#[must_use]
pub fn state_from_is_active(output: &str) -> ServiceState {
    match output.lines().next().unwrap_or("").trim() {
        "active" | "reloading" => ServiceState::Running,
        "inactive" | "failed" | "dead" => ServiceState::Stopped,
        "activating" => ServiceState::Starting,
        "deactivating" => ServiceState::Stopping,
        other => ServiceState::Unknown(format!("systemctl is-active printed {other:?}")),
    }
}

fn denied(output: &str) -> bool {
    let lower = output.to_ascii_lowercase();
    lower.contains("access denied") || lower.contains("interactive authentication required")
}

/// Controls the proxy through `systemctl`.
pub struct Systemd {
    unit: String,
    /// How long start and stop may take to settle.
    pub timeout: Duration,
}

impl Systemd {
    /// Drives `unit`.
    #[must_use]
    pub fn new(unit: &str) -> Self {
        Self { unit: unit.to_string(), timeout: SETTLE_TIMEOUT }
    }

    fn systemctl(&self, action: &str) -> Ran {
        let program = match super::trust::system_program("systemctl") {
            Ok(program) => program,
            Err(untrusted) => return Ran::CouldNotStart(std::io::Error::other(untrusted.to_string())),
        };
        let mut command = super::trust::clean_command(&program);
        command.args(systemctl_args(action, &self.unit));
        run(command, self.timeout)
    }

    fn act(&mut self, action: &str, wanted: &ServiceState) -> Result<(), ServiceError> {
        match self.systemctl(action) {
            Ran::Exited { code: Some(0), .. } => {}
            Ran::Exited { output, .. } if denied(&output) => {
                return Err(ServiceError::AccessDenied { detail: format!("systemctl {action}: {}", output.trim()) })
            }
            Ran::Exited { output, .. } => {
                return Err(ServiceError::Failed(format!(
                    "systemctl {action} {} failed: {}. `journalctl -u {}` and the log tab say why.",
                    self.unit,
                    output.trim(),
                    self.unit
                )))
            }
            Ran::TimedOut => return Err(ServiceError::Failed(format!("systemctl {action} did not return in time"))),
            Ran::CouldNotStart(e) => return Err(ServiceError::Failed(format!("cannot run systemctl: {e}"))),
        }
        let timeout = self.timeout;
        wait_for(wanted, timeout, Duration::from_millis(250), || self.state())
    }
}

impl ServiceControl for Systemd {
    fn describe(&self) -> String {
        format!("systemd unit {}", self.unit)
    }

    fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    fn state(&mut self) -> ServiceState {
        match self.systemctl("is-active") {
            Ran::Exited { output, .. } => state_from_is_active(&output),
            Ran::TimedOut => ServiceState::Unknown("systemctl is-active did not answer".into()),
            Ran::CouldNotStart(e) => ServiceState::Unknown(format!("cannot run systemctl: {e}")),
        }
    }

    fn start(&mut self) -> Result<(), ServiceError> {
        self.act("start", &ServiceState::Running)
    }

    fn stop(&mut self) -> Result<(), ServiceError> {
        self.act("stop", &ServiceState::Stopped)
    }

    fn restart(&mut self) -> Result<(), ServiceError> {
        self.act("restart", &ServiceState::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_never_prompt_and_name_the_unit() {
        assert_eq!(
            systemctl_args("start", "duoauthproxy.service"),
            ["--no-ask-password", "--no-pager", "start", "duoauthproxy.service"]
        );
        assert_eq!(systemctl_args("is-active", "x.service")[2..], ["is-active", "x.service"]);
    }

    #[test]
    fn is_active_output_maps_to_states() {
        assert_eq!(state_from_is_active("active\n"), ServiceState::Running);
        assert_eq!(state_from_is_active("inactive\n"), ServiceState::Stopped);
        assert_eq!(state_from_is_active("failed\n"), ServiceState::Stopped);
        assert_eq!(state_from_is_active("activating\n"), ServiceState::Starting);
        assert_eq!(state_from_is_active("deactivating\n"), ServiceState::Stopping);
        assert!(matches!(state_from_is_active(""), ServiceState::Unknown(_)));
    }

    #[test]
    fn polkit_refusals_are_access_denied() {
        assert!(denied("Failed to start duoauthproxy.service: Interactive authentication required."));
        assert!(denied("Failed to stop x.service: Access denied"));
        assert!(!denied("Job for x.service failed because the control process exited with error code."));
    }
}
