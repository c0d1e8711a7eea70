//! A tiny real Windows service for the service-control tests: it reports start-pending,
//! then running, and stops when asked, the way the proxy's service does. The tests
//! install it under a test name with the Service Control Manager, drive it, and delete it.
//!
//! `proxy_test_service SERVICE_NAME` (as the service's launch argument).

#[cfg(windows)]
fn main() {
    if let Err(e) = service::run() {
        eprintln!("proxy_test_service: {e}");
        std::process::exit(1);
    }
}

#[cfg(not(windows))]
fn main() {
    eprintln!("proxy_test_service is a Windows service; it runs only on Windows.");
    std::process::exit(2);
}

// define_windows_service! expands to an `extern "system"` entry point with an unsafe block.
#[cfg(windows)]
#[allow(unsafe_code)]
mod service {
    use std::ffi::OsString;
    use std::sync::mpsc;
    use std::sync::OnceLock;
    use std::time::Duration;

    use windows_service::service::{
        ServiceControl, ServiceControlAccept, ServiceExitCode, ServiceState, ServiceStatus, ServiceType,
    };
    use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
    use windows_service::{define_windows_service, service_dispatcher};

    static NAME: OnceLock<String> = OnceLock::new();

    define_windows_service!(ffi_service_main, service_main);

    pub fn run() -> windows_service::Result<()> {
        let name = std::env::args().nth(1).unwrap_or_else(|| "AuthProxyManagerTest".into());
        let name = NAME.get_or_init(|| name);
        service_dispatcher::start(name, ffi_service_main)
    }

    fn status(state: ServiceState, accept: ServiceControlAccept, wait: Duration) -> ServiceStatus {
        ServiceStatus {
            service_type: ServiceType::OWN_PROCESS,
            current_state: state,
            controls_accepted: accept,
            exit_code: ServiceExitCode::Win32(0),
            checkpoint: 0,
            wait_hint: wait,
            process_id: None,
        }
    }

    fn service_main(_arguments: Vec<OsString>) {
        let _ = serve();
    }

    fn serve() -> windows_service::Result<()> {
        let (stop, stopped) = mpsc::channel();
        let name = NAME.get().cloned().unwrap_or_default();
        let handle = service_control_handler::register(&name, move |event| match event {
            ServiceControl::Stop => {
                let _ = stop.send(());
                ServiceControlHandlerResult::NoError
            }
            ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
            _ => ServiceControlHandlerResult::NotImplemented,
        })?;
        handle.set_service_status(status(
            ServiceState::StartPending,
            ServiceControlAccept::empty(),
            Duration::from_secs(5),
        ))?;
        std::thread::sleep(Duration::from_millis(500));
        handle.set_service_status(status(ServiceState::Running, ServiceControlAccept::STOP, Duration::ZERO))?;
        let _ = stopped.recv();
        handle.set_service_status(status(
            ServiceState::StopPending,
            ServiceControlAccept::empty(),
            Duration::from_secs(5),
        ))?;
        std::thread::sleep(Duration::from_millis(300));
        handle.set_service_status(status(ServiceState::Stopped, ServiceControlAccept::empty(), Duration::ZERO))?;
        Ok(())
    }
}
