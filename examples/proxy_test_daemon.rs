//! A stand-in for the proxy's daemon, for the service tests: after an optional delay it
//! writes its pid file and a few log lines in the proxy's format, then runs until killed.
//!
//! `proxy_test_daemon --pidfile FILE --log FILE [--start-delay-ms N]`

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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(pidfile) = arg(&args, "--pidfile") else {
        eprintln!("usage: proxy_test_daemon --pidfile FILE --log FILE [--start-delay-ms N]");
        std::process::exit(2);
    };
    let log_path = arg(&args, "--log");
    let delay = arg(&args, "--start-delay-ms").and_then(|v| v.parse().ok()).unwrap_or(0);
    log(log_path.as_deref(), "info", "Duo Security Authentication Proxy (test daemon) starting");
    std::thread::sleep(Duration::from_millis(delay));
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
