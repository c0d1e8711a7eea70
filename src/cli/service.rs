//! `authproxy-manager service status|start|stop|restart`.
//!
//! Exit status: 0 running (status) or done; 1 failed, refused or unknown; 2 usage;
//! 3 stopped (status); 4 not installed; 5 access denied; 6 starting or stopping (status).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{decode, Document};
use crate::schema::Platform;
use crate::service::{ServiceControl, ServiceError, ServiceState};
use crate::validate::{self, render, Options};

/// What to do with the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ServiceAction {
    /// Print the state (exit 0 running, 3 stopped, 4 not installed, 5 access denied, 6 in transition).
    Status,
    /// Validate the config, then start the service and wait until it runs.
    Start,
    /// Stop the service and wait until it has stopped.
    Stop,
    /// Validate the config, then stop and start the service.
    Restart,
}

/// Arguments of `service`.
#[derive(Debug, clap::Args)]
pub struct ServiceArgs {
    /// What to do.
    #[arg(value_enum)]
    pub action: ServiceAction,
    /// The proxy's install folder (default: /opt/duoauthproxy on Linux,
    /// %ProgramFiles%\Duo Security Authentication Proxy on Windows).
    #[arg(long)]
    pub install_dir: Option<PathBuf>,
    /// Start or restart even when the config has errors.
    #[arg(long)]
    pub force: bool,
}

/// The exit status for a state reported by `service status`.
#[must_use]
pub fn status_code(state: &ServiceState) -> u8 {
    match state {
        ServiceState::Running => 0,
        ServiceState::Stopped => 3,
        ServiceState::NotInstalled => 4,
        ServiceState::AccessDenied => 5,
        ServiceState::Starting | ServiceState::Stopping => 6,
        ServiceState::Unknown(_) | ServiceState::Unavailable(_) => 1,
    }
}

fn error_code(error: &ServiceError) -> u8 {
    match error {
        ServiceError::NotInstalled(_) => 4,
        ServiceError::AccessDenied { .. } => 5,
        ServiceError::Timeout { .. } | ServiceError::Failed(_) => 1,
    }
}

/// Runs `service` against the proxy in `args.install_dir` (or the default install).
pub fn service(args: &ServiceArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let install_dir = args.install_dir.clone().unwrap_or_else(crate::service::default_install_dir);
    let mut control = crate::service::host_service(&install_dir);
    run(args, &install_dir, control.as_mut(), out, err)
}

/// Runs `service` against `control`.
pub fn run(
    args: &ServiceArgs,
    install_dir: &std::path::Path,
    control: &mut dyn ServiceControl,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    if args.action == ServiceAction::Status {
        let state = control.state();
        let _ = writeln!(out, "{}: {}", control.describe(), state.badge());
        let _ = writeln!(out, "{}", state.advice());
        return ExitCode::from(status_code(&state));
    }
    if matches!(args.action, ServiceAction::Start | ServiceAction::Restart) && !args.force {
        let config = install_dir.join("conf").join("authproxy.cfg");
        match count_errors(&config, install_dir, out) {
            Ok(0) => {}
            Ok(errors) => {
                let _ = writeln!(
                    err,
                    "error: {} has {errors} error(s), so the service was not started. Fix them, or pass --force \
                     to start anyway.",
                    config.display()
                );
                return ExitCode::from(1);
            }
            Err(e) => {
                let _ = writeln!(err, "warning: cannot validate {} first: {e}", config.display());
            }
        }
    }
    let result = match args.action {
        ServiceAction::Start => control.start(),
        ServiceAction::Stop => control.stop(),
        _ => control.restart(),
    };
    let state = control.state();
    match result {
        Ok(()) => {
            let _ = writeln!(out, "{}: {}", control.describe(), state.badge());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(error_code(&e))
        }
    }
}

/// Validates `config` as the host's proxy will read it, printing the findings; the error count.
fn count_errors(
    config: &std::path::Path,
    install_dir: &std::path::Path,
    out: &mut dyn Write,
) -> std::io::Result<usize> {
    let bytes = std::fs::read(config)?;
    let decoded = decode(&bytes);
    let doc = Document::parse(&decoded.text);
    let protector = crate::secrets::host_protector();
    let options = Options {
        platform: Some(Platform::host()),
        install_dir: Some(install_dir.to_path_buf()),
        encoding: Some(decoded.encoding),
        protector: Some(protector.as_ref()),
        proxy_version: crate::service::version::for_config(
            None,
            Some(install_dir),
            &doc,
            &crate::service::version::HostRegistry,
        )
        .map(|known| known.version),
        ..Options::default()
    };
    let diagnostics = validate::validate(&doc, &options);
    let errors = diagnostics.iter().filter(|d| d.severity == validate::Severity::Error).count();
    if errors > 0 {
        let _ = out.write_all(render::text(&config.display().to_string(), &doc, &diagnostics).as_bytes());
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_are_distinct_for_what_scripts_act_on() {
        let codes = [
            status_code(&ServiceState::Running),
            status_code(&ServiceState::Stopped),
            status_code(&ServiceState::NotInstalled),
            status_code(&ServiceState::AccessDenied),
            status_code(&ServiceState::Starting),
        ];
        assert_eq!(codes, [0, 3, 4, 5, 6]);
        assert_eq!(status_code(&ServiceState::Stopping), 6);
    }
}
