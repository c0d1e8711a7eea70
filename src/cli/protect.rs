//! `protect` and `reveal`: DPAPI protection from the command line.

use std::io::{IsTerminal as _, Read as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::file::{load, save};
use crate::config::{apply, Document};
use crate::secrets::{backup_without_plaintext, protect_all, protect_entry, ProtectError, Protector, Secret};

/// Arguments of `protect`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").args(["all", "key"]).requires("file"))]
pub struct ProtectArgs {
    /// Protect every plaintext secret in FILE.
    #[arg(long, conflicts_with_all = ["section", "key"])]
    pub all: bool,
    /// The section holding the secret to protect (with --key).
    #[arg(long, requires = "key")]
    pub section: Option<String>,
    /// The key to protect, e.g. skey or radius_secret_2 (with --section).
    #[arg(long, requires = "section")]
    pub key: Option<String>,
    /// The authproxy.cfg to edit in place (a backup is kept as FILE.bak). Without FILE,
    /// a secret is read from standard input and its protected form printed, as authproxy_passwd does.
    #[arg(requires = "what")]
    pub file: Option<PathBuf>,
}

/// Arguments of `reveal`.
#[derive(Debug, clap::Args)]
pub struct RevealArgs {
    /// The section holding the protected value.
    #[arg(long)]
    pub section: String,
    /// The protected key, e.g. skey_protected.
    #[arg(long)]
    pub key: String,
    /// Print the plaintext instead of a mask.
    #[arg(long)]
    pub show: bool,
    /// The authproxy.cfg to read.
    pub file: PathBuf,
}

/// Runs `protect`; 0 done, 1 some secrets were left alone, 2 could not run.
pub fn protect(args: &ProtectArgs, protector: &dyn Protector, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    if !protector.available() {
        let _ = writeln!(err, "error: {}", ProtectError::Unavailable);
        return ExitCode::from(2);
    }
    match &args.file {
        None => protect_stdin(protector, out, err),
        Some(file) => protect_file(args, file, protector, out, err),
    }
}

fn protect_stdin(protector: &dyn Protector, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let secret = match read_secret() {
        Ok(secret) => secret,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return ExitCode::from(2);
        }
    };
    match protector.protect(&secret) {
        Ok(blob) => {
            let _ = writeln!(out, "{blob}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Reads the secret: twice, hidden, from a terminal; otherwise all of standard input
/// without its final line break.
fn read_secret() -> Result<Secret, String> {
    #[cfg(windows)]
    if crate::platform::windows::input_shared_with_parent_prompt() {
        return Err("at this prompt the keys of a secret would reach the prompt too (it does not wait for \
                    authproxy-manager); use Protect secrets in the window, or give the secret on standard input \
                    (PowerShell 7: `Read-Host -MaskInput | authproxy-manager protect | Out-Host`)"
            .to_string());
    }
    if std::io::stdin().is_terminal() {
        let first = Secret::new(rpassword::prompt_password("Secret to protect: ").map_err(|e| e.to_string())?);
        let second = Secret::new(rpassword::prompt_password("Again: ").map_err(|e| e.to_string())?);
        if first != second {
            return Err("the two entries differ; nothing was protected".to_string());
        }
        return non_empty(first);
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read standard input: {e}"))?;
    let trimmed = text.strip_suffix('\n').map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
    let secret = Secret::new(trimmed);
    zeroize::Zeroize::zeroize(&mut text);
    non_empty(secret)
}

fn non_empty(secret: Secret) -> Result<Secret, String> {
    if secret.expose().is_empty() {
        Err("no secret given on standard input".to_string())
    } else {
        Ok(secret)
    }
}

fn protect_file(
    args: &ProtectArgs,
    file: &Path,
    protector: &dyn Protector,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let loaded = match load(file) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return ExitCode::from(2);
        }
    };
    let doc = Document::parse(&loaded.decoded.text);
    let shown = file.display();
    let (edits, refusals) = if args.all {
        protect_all(&doc, protector)
    } else {
        let (Some(section_name), Some(key)) = (&args.section, &args.key) else { return ExitCode::from(2) };
        let Some(section) = doc.sections.iter().find(|s| s.name == *section_name) else {
            let _ = writeln!(err, "error: {shown} has no section [{section_name}]");
            return ExitCode::from(2);
        };
        let Some(entry) = section.get(&key.to_lowercase()) else {
            let _ = writeln!(err, "error: [{section_name}] in {shown} has no key {key}");
            return ExitCode::from(2);
        };
        match protect_entry(&doc, section, entry, protector) {
            Ok(edit) => (vec![edit], Vec::new()),
            Err(why) => {
                let _ = writeln!(err, "error: {why}");
                return ExitCode::from(1);
            }
        }
    };
    for (found, why) in &refusals {
        let _ = writeln!(err, "skipped {} in [{}]: {why}", found.key, found.section_name);
    }
    if edits.is_empty() {
        let _ = writeln!(out, "{shown}: no plaintext secrets to protect");
        return if refusals.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    }
    let text = match apply(doc.text(), &edits) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return ExitCode::from(2);
        }
    };
    let backup = backup_without_plaintext(&loaded.original, &text, protector);
    let saved = match save(file, &text, loaded.decoded.encoding, Some(&loaded.original), backup) {
        Ok(saved) => saved,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return ExitCode::from(2);
        }
    };
    let backup = saved.backup.as_deref().unwrap_or(file).display();
    let _ = writeln!(
        out,
        "{shown}: protected {} secret(s); the previous version is in {backup}, with the same secrets protected",
        edits.len()
    );
    if refusals.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Runs `reveal`: decrypts one protected value; masked unless `--show`.
pub fn reveal(args: &RevealArgs, protector: &dyn Protector, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    if !protector.available() {
        let _ = writeln!(err, "error: {}", ProtectError::Unavailable);
        return ExitCode::from(2);
    }
    let loaded = match load(&args.file) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return ExitCode::from(2);
        }
    };
    let doc = Document::parse(&loaded.decoded.text);
    let Some(entry) =
        doc.sections.iter().find(|s| s.name == args.section).and_then(|s| s.get(&args.key.to_lowercase()))
    else {
        let _ = writeln!(err, "error: no {} in [{}]", args.key, args.section);
        return ExitCode::from(2);
    };
    match protector.unprotect(&entry.value) {
        Ok(secret) if args.show => {
            let _ = writeln!(out, "{}", secret.expose());
            ExitCode::SUCCESS
        }
        Ok(secret) => {
            let _ = writeln!(
                out,
                "{} in [{}] decrypts on this machine: {} (add --show to print it)",
                args.key,
                args.section,
                secret.masked(),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "error: {} in [{}]: {e}", args.key, args.section);
            ExitCode::from(1)
        }
    }
}
