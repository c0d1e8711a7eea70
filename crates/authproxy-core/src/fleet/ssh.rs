//! The transport: the system's OpenSSH client, in batch mode with strict host-key checking, so
//! the user's keys, agent, `known_hosts`, jump hosts and `~/.ssh/config` work as they already do.
//! No password is asked or stored, no host key is ever accepted here, and nothing of ours listens.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::inventory::{Node, NodeOs};

/// Why a node could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SshProblem {
    /// No trusted `ssh` program on this machine.
    #[error("no OpenSSH client here ({0}): install it (Windows: Settings > Optional features > OpenSSH Client; Linux: the openssh-client package)")]
    NoClient(String),
    /// The node's host key is not in `known_hosts`; it was not accepted.
    #[error("the host key of {host} is not known, so nothing was sent{}. Check the fingerprint with the node's administrator, then add it with `ssh {host}` once (or ssh-keyscan into known_hosts)", fingerprint_text(.fingerprint))]
    UnknownHostKey {
        /// What `ssh` connected to.
        host: String,
        /// The key the node presented (`ED25519 SHA256:…`), when it could be read.
        fingerprint: Option<String>,
    },
    /// The node's host key differs from the one in `known_hosts`: refused.
    #[error("the host key of {host} HAS CHANGED{}: nothing was sent. This can be a reinstalled server or someone in the middle; confirm with the node's administrator before removing the old key (ssh-keygen -R)", fingerprint_text(.fingerprint))]
    ChangedHostKey {
        /// What `ssh` connected to.
        host: String,
        /// The key the node presented now.
        fingerprint: Option<String>,
    },
    /// The node refused our keys.
    #[error("{host} refused the login ({detail}): load the key into the agent (ssh-add) or name it in the SSH config; no password is asked")]
    AuthFailed {
        /// What `ssh` connected to.
        host: String,
        /// What ssh said.
        detail: String,
    },
    /// The node could not be reached.
    #[error("{host} cannot be reached: {detail}")]
    Unreachable {
        /// What `ssh` connected to.
        host: String,
        /// What ssh said.
        detail: String,
    },
    /// No answer in time; the `ssh` process was ended.
    #[error("{host} did not answer within {} s: the node may be down, blackholed by a firewall, or its SSH server hung", .after.as_secs())]
    TimedOut {
        /// What `ssh` connected to.
        host: String,
        /// The time limit.
        after: Duration,
    },
    /// `ssh` could not be started.
    #[error("ssh could not be started: {0}")]
    CouldNotStart(String),
    /// The node was reached, and something else went wrong there (said in full).
    #[error("{0}")]
    Other(String),
}

fn fingerprint_text(fingerprint: &Option<String>) -> String {
    fingerprint.as_ref().map(|f| format!(" (it presents {f})")).unwrap_or_default()
}

/// What a remote command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Its exit code (`None` when killed).
    pub code: Option<i32>,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error (and ssh's own messages).
    pub stderr: String,
}

/// The system's `ssh`, with the options every call gets.
#[derive(Debug, Clone)]
pub struct Ssh {
    program: PathBuf,
    config: Option<PathBuf>,
}

/// Where the system keeps `ssh`: never found through `PATH`.
fn system_ssh() -> Result<PathBuf, String> {
    #[cfg(windows)]
    {
        let root = std::env::var_os("SystemRoot").map_or_else(|| PathBuf::from(r"C:\Windows"), PathBuf::from);
        let path = root.join("System32").join("OpenSSH").join("ssh.exe");
        if path.is_file() {
            Ok(path)
        } else {
            Err(format!("{} does not exist", path.display()))
        }
    }
    #[cfg(unix)]
    {
        crate::service::trust::system_program("ssh").map_err(|e| e.to_string())
    }
}

impl Ssh {
    /// The system's `ssh`, with `config` given as `-F` when set.
    ///
    /// # Errors
    /// [`SshProblem::NoClient`] when no trusted `ssh` exists.
    pub fn system(config: Option<PathBuf>) -> Result<Self, SshProblem> {
        Ok(Self { program: system_ssh().map_err(SshProblem::NoClient)?, config })
    }

    /// The `ssh` command that runs `remote` on `node`, giving up connecting after `timeout`.
    #[must_use]
    pub fn command(&self, node: &Node, remote: &str, timeout: Duration) -> Command {
        let mut command = Command::new(&self.program);
        command.args(self.options(node, timeout)).arg("--").arg(&node.ssh).arg(remote);
        command
    }

    fn options(&self, node: &Node, timeout: Duration) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(config) = &self.config {
            args.push("-F".to_owned());
            args.push(config.display().to_string());
        }
        // On the command line these win over any SSH config.
        for option in [
            "BatchMode=yes".to_owned(),
            "StrictHostKeyChecking=yes".to_owned(),
            "PasswordAuthentication=no".to_owned(),
            "KbdInteractiveAuthentication=no".to_owned(),
            "UpdateHostKeys=no".to_owned(),
            "RequestTTY=no".to_owned(),
            "PermitLocalCommand=no".to_owned(),
            // Whole seconds, rounded up: the deadline itself is kept by ending the process.
            format!("ConnectTimeout={}", timeout.as_secs_f64().ceil().max(1.0)),
            "ServerAliveInterval=5".to_owned(),
            "ServerAliveCountMax=2".to_owned(),
        ] {
            args.push("-o".to_owned());
            args.push(option);
        }
        if let Some(port) = node.port {
            args.push("-p".to_owned());
            args.push(port.to_string());
        }
        if let Some(user) = &node.user {
            args.push("-l".to_owned());
            args.push(user.clone());
        }
        args
    }

    /// Runs `remote` on `node` with `input` on its standard input, for at most `timeout` in all.
    ///
    /// # Errors
    /// An [`SshProblem`] when ssh itself failed (exit 255): host key, login, reachability, time.
    pub fn run(&self, node: &Node, remote: &str, input: &[u8], timeout: Duration) -> Result<Remote, SshProblem> {
        let remote_result = run_with_deadline(self.command(node, remote, timeout), input, timeout)
            .map_err(|e| SshProblem::CouldNotStart(e.to_string()))?;
        let Some(result) = remote_result else {
            return Err(SshProblem::TimedOut { host: node.ssh.clone(), after: timeout });
        };
        if result.code != Some(255) {
            return Ok(result);
        }
        Err(self.classify(node, &result.stderr, timeout))
    }

    /// What ssh's own failure (exit 255) was.
    fn classify(&self, node: &Node, stderr: &str, timeout: Duration) -> SshProblem {
        let host = node.ssh.clone();
        let detail = stderr
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && !l.starts_with("debug") && !l.starts_with("Warning: Permanently added"))
            .unwrap_or("ssh failed")
            .to_owned();
        if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return SshProblem::ChangedHostKey { host, fingerprint: fingerprint_in(stderr) };
        }
        if stderr.contains("Host key verification failed") || stderr.contains("host key is known for") {
            return SshProblem::UnknownHostKey { host, fingerprint: self.presented_key(node, timeout) };
        }
        if stderr.contains("Permission denied") || stderr.contains("Too many authentication failures") {
            return SshProblem::AuthFailed { host, detail };
        }
        if detail.contains("timed out") {
            return SshProblem::TimedOut { host, after: timeout };
        }
        SshProblem::Unreachable { host, detail }
    }

    /// The host key the node presents, read from ssh's own verbose account of a connection that
    /// stops at the same host-key check (nothing is sent or accepted).
    fn presented_key(&self, node: &Node, timeout: Duration) -> Option<String> {
        let mut command = Command::new(&self.program);
        command.arg("-v").args(self.options(node, timeout)).arg("--").arg(&node.ssh).arg("exit");
        let result = run_with_deadline(command, b"", timeout).ok().flatten()?;
        result.stderr.lines().find_map(|line| {
            let rest = line.split("Server host key: ").nth(1)?;
            let mut words = rest.split_whitespace();
            let kind = words.next()?;
            let fingerprint = words.next()?;
            Some(format!("{} {fingerprint}", kind.trim_start_matches("ssh-").to_ascii_uppercase()))
        })
    }
}

/// The fingerprint ssh prints when a host key changed.
fn fingerprint_in(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("The fingerprint for the ") {
            let kind = rest.split_whitespace().next().unwrap_or("");
            let fingerprint = lines.next()?.trim().to_owned();
            return Some(format!("{kind} {fingerprint}"));
        }
    }
    None
}

/// Runs `command` with `input` on its standard input; `None` when it had to be ended at the
/// deadline. Output is read on threads so a full pipe never stalls it.
fn run_with_deadline(mut command: Command, input: &[u8], timeout: Duration) -> std::io::Result<Option<Remote>> {
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt as _;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    let mut child = command.spawn()?;
    let deadline = Instant::now() + timeout;
    let mut stdin = child.stdin.take();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(stdin) = stdin.as_mut() {
            let _ = stdin.write_all(&input);
        }
        drop(stdin);
    });
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.take(64 * 1024 * 1024).read_to_end(&mut bytes);
        }
        bytes
    });
    let mut stderr = child.stderr.take();
    let error_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(err) = stderr.as_mut() {
            let _ = err.take(1024 * 1024).read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let status = loop {
        match child.try_wait()? {
            Some(status) => break Some(status),
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let _ = writer.join();
    let stdout = reader.join().unwrap_or_default();
    let stderr = error_reader.join().unwrap_or_default();
    Ok(status.map(|status| Remote { code: status.code(), stdout, stderr }))
}

/// `text` quoted for the node's shell: POSIX `sh` or Windows `cmd`.
#[must_use]
pub fn quote(text: &str, os: NodeOs) -> String {
    match os {
        NodeOs::Linux => format!("'{}'", text.replace('\'', r"'\''")),
        NodeOs::Windows => format!("\"{}\"", text.replace('"', "")),
    }
}

/// Whether a remote command failed because the program is not there (`sh`: 127; `cmd`: 9009).
#[must_use]
pub fn not_found(remote: &Remote) -> bool {
    matches!(remote.code, Some(127 | 9009))
        || remote.stderr.contains("is not recognized as an internal or external command")
}

/// Where `authproxy-manager` is on a node: the fleet file's, else the MSI's on Windows and `PATH`'s
/// on Linux.
#[must_use]
pub fn manager_on(node: &Node, os: NodeOs) -> String {
    if let Some(path) = &node.manager {
        return path.clone();
    }
    match os {
        NodeOs::Windows => r"C:\Program Files\Authentication Proxy Manager\authproxy-manager.exe".to_owned(),
        NodeOs::Linux => "authproxy-manager".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_the_path_one_word_for_each_shell() {
        assert_eq!(quote("/opt/it's here/authproxy-manager", NodeOs::Linux), r"'/opt/it'\''s here/authproxy-manager'");
        assert_eq!(quote(r"C:\Program Files\x.exe", NodeOs::Windows), r#""C:\Program Files\x.exe""#);
    }

    #[test]
    fn a_changed_host_key_names_the_new_fingerprint() {
        let stderr = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nThe fingerprint for the ED25519 key sent by the remote host is\nSHA256:abcDEF123.\nPlease contact your system administrator.\nHost key verification failed.\n";
        assert_eq!(fingerprint_in(stderr).as_deref(), Some("ED25519 SHA256:abcDEF123."));
    }

    #[test]
    fn every_call_is_batch_mode_with_strict_host_keys_and_the_host_after_the_options() {
        let ssh = Ssh { program: PathBuf::from("/usr/bin/ssh"), config: Some(PathBuf::from("/etc/fleet/ssh_config")) };
        let node = Node {
            name: "a".into(),
            ssh: "proxy-a".into(),
            port: Some(2222),
            user: Some("ops".into()),
            install_dir: None,
            manager: None,
            os: None,
            tags: vec![],
        };
        let command = ssh.command(&node, "authproxy-manager node", Duration::from_secs(5));
        let args: Vec<String> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let joined = args.join(" ");
        assert!(
            joined.starts_with("-F /etc/fleet/ssh_config -o BatchMode=yes -o StrictHostKeyChecking=yes"),
            "{joined}"
        );
        assert!(joined.contains("-o ConnectTimeout=5") && joined.contains("-p 2222 -l ops"), "{joined}");
        assert!(joined.ends_with("-- proxy-a authproxy-manager node"), "{joined}");
    }
}
