//! Running a control command with a time limit, its output kept in a file rather
//! than a pipe: a daemon that inherits a pipe would keep it open for ever.

use std::io::{Read as _, Seek as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a command ended.
#[derive(Debug)]
pub enum Ran {
    /// It exited; standard output and error together.
    Exited {
        /// The exit code (`None` when killed by a signal).
        code: Option<i32>,
        /// What it printed.
        output: String,
    },
    /// It was still running at the deadline and was killed.
    TimedOut,
    /// It could not be started.
    CouldNotStart(std::io::Error),
}

/// Runs `command` for at most `timeout`.
#[must_use]
pub fn run(mut command: Command, timeout: Duration) -> Ran {
    let mut log = match tempfile::tempfile() {
        Ok(file) => file,
        Err(e) => return Ran::CouldNotStart(e),
    };
    let (stdout, stderr) = match (log.try_clone(), log.try_clone()) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return Ran::CouldNotStart(e),
    };
    let mut child = match command.stdin(Stdio::null()).stdout(stdout).stderr(stderr).spawn() {
        Ok(child) => child,
        Err(e) => return Ran::CouldNotStart(e),
    };
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Ran::TimedOut;
            }
        }
    };
    let mut output = Vec::new();
    let _ = log.rewind();
    let _ = log.take(64 * 1024).read_to_end(&mut output);
    Ran::Exited { code: status.code(), output: String::from_utf8_lossy(&output).into_owned() }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn output_and_exit_code_are_kept() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        match run(command, Duration::from_secs(10)) {
            Ran::Exited { code, output } => {
                assert_eq!(code, Some(3));
                assert!(output.contains("out") && output.contains("err"), "{output}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_background_child_holding_the_output_does_not_block() {
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 5 & echo started"]);
        let started = Instant::now();
        assert!(matches!(run(command, Duration::from_secs(10)), Ran::Exited { code: Some(0), .. }));
        assert!(started.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn a_hung_command_is_killed_at_the_deadline() {
        let mut command = Command::new("sleep");
        command.arg("30");
        assert!(matches!(run(command, Duration::from_millis(200)), Ran::TimedOut));
    }
}
