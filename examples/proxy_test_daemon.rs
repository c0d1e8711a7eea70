//! A stand-in for the proxy's daemon, for the service and fleet tests: after an optional delay it
//! writes its pid file and a few log lines in the proxy's format, then runs until killed. Given
//! its config, it fails to start as the proxy does when a `ssl_cert_path` or `ssl_key_path` names
//! a file that is not PEM (which the checker does not look into).
//!
//! `proxy_test_daemon --pidfile FILE --log FILE [--config FILE] [--start-delay-ms N]`

use std::io::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.windows(2).find(|pair| pair[0] == name).map(|pair| pair[1].clone())
}

fn log(path: Option<&str>, level: &str, text: &str) {
    let Some(path) = path else { return };
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(file, "{seconds} [duoauthproxy.lib.log#{level}] {text}");
    }
}

/// A certificate or key file of `config` (relative to its folder) that is not PEM, as the proxy
/// reports it when it fails to start.
fn unloadable_pem(config: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(config).ok()?;
    let folder = config.parent()?;
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        if !matches!(key.trim(), "ssl_cert_path" | "ssl_key_path") {
            return None;
        }
        let path = folder.join(value.trim());
        let pem = std::fs::read(&path).is_ok_and(|bytes| bytes.starts_with(b"-----BEGIN"));
        (!pem).then(|| format!("Failed to start: cannot load {} ({}): not a PEM file", key.trim(), path.display()))
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(pidfile) = arg(&args, "--pidfile") else {
        eprintln!("usage: proxy_test_daemon --pidfile FILE --log FILE [--config FILE] [--start-delay-ms N]");
        std::process::exit(2);
    };
    let log_path = arg(&args, "--log");
    let delay = arg(&args, "--start-delay-ms").and_then(|v| v.parse().ok()).unwrap_or(0);
    log(log_path.as_deref(), "info", "Duo Security Authentication Proxy (test daemon) starting");
    std::thread::sleep(Duration::from_millis(delay));
    if let Some(problem) = arg(&args, "--config").and_then(|config| unloadable_pem(std::path::Path::new(&config))) {
        log(log_path.as_deref(), "error", &problem);
        std::process::exit(1);
    }
    if let Err(e) = std::fs::write(&pidfile, std::process::id().to_string()) {
        log(log_path.as_deref(), "error", &format!("Failed to write the pid file {pidfile}: {e}"));
        std::process::exit(1);
    }
    log(log_path.as_deref(), "info", "Listening on 127.0.0.1:1812");
    log(log_path.as_deref(), "error", "Failed to connect to ad_client host dc1.example.com (test line)");
    loop {
        std::thread::sleep(Duration::from_secs(60));
    }
}
