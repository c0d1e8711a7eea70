//! `authproxy-manager test-login`: a login sent to the proxy's own RADIUS listener as the VPN or
//! firewall would send it, every step timed, and what the timing means for that client.
//!
//! Exit status: 0 accepted; 1 rejected; 3 no answer; 2 usage, a config problem, or the test
//! could not be sent.

use std::io::{IsTerminal as _, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::config::{decode, Document};
use crate::login::{self, report, ClientModel, Credentials, Ending, FactorStyle, Verdict};
use crate::secrets::Protector;

/// Arguments of `test-login`.
#[derive(Debug, clap::Args)]
pub struct TestLoginArgs {
    /// The server section to test, e.g. radius_server_auto.
    #[arg(long)]
    pub section: String,
    /// The user name to log in as.
    #[arg(long)]
    pub user: String,
    /// The second factor: push, phone, sms, or a passcode; appended (`,push`), sent alone, or
    /// given to a challenge, as the section expects. The password itself is read from standard
    /// input (a hidden prompt on a terminal), never from an argument.
    #[arg(long)]
    pub factor: Option<String>,
    /// Send from this address (it must be this machine's, and listed in the section's radius_ip_N).
    /// Default: the listener's address, else another address of this machine that a radius_ip_N lists.
    #[arg(long, value_name = "IP")]
    pub from: Option<std::net::IpAddr>,
    /// Compare with this client's defaults: duo (60 s), fortigate (5 s), paloalto (3 s × 3),
    /// asa (10 s), opnsense (10 s × 3), ios (5 s × 4); --timeout and --retries change them.
    #[arg(long, value_name = "CLIENT", value_parser = clap::builder::PossibleValuesParser::new(ClientModel::PRESET_IDS))]
    pub client: Option<String>,
    /// The client's wait per try, in seconds (what the VPN or firewall is set to; default 5).
    #[arg(long, value_name = "S")]
    pub timeout: Option<u64>,
    /// The client's number of tries, the first send included (default 3).
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
    /// How long to keep listening for the proxy's answer, in seconds (after the client would
    /// have given up too, to learn when the answer came).
    #[arg(long, value_name = "S", default_value_t = 65)]
    pub listen: u64,
    /// The config (default: the install's conf/authproxy.cfg).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The proxy's install folder (default: the standard install).
    #[arg(long)]
    pub install_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = super::Format::Text)]
    pub format: super::Format,
}

/// Runs `test-login`; `input` gives the password when standard input is not a terminal.
pub fn test_login(
    args: &TestLoginArgs,
    protector: &dyn Protector,
    input: &mut dyn std::io::BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let install = args.install_dir.clone().unwrap_or_else(crate::service::default_install_dir);
    let path = args.config.clone().unwrap_or_else(|| install.join("conf").join("authproxy.cfg"));
    let doc = match std::fs::read(&path) {
        Ok(bytes) => Document::parse(&decode(&bytes).text),
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}; give the config with --config", path.display());
            return ExitCode::from(2);
        }
    };
    let target = match login::radius_target(&doc, &args.section, args.from, protector) {
        Ok(target) => target,
        Err(login::TargetProblem::Ldap(_)) => return ldap_login(args, &doc, &path, input, out, err),
        Err(problem) => {
            let _ = writeln!(err, "error: {}: {problem}", path.display());
            if let login::TargetProblem::UnknownClient { lines, .. } = &problem {
                for (key, range) in lines {
                    let at = doc.line_col(range.start);
                    let _ = writeln!(err, "  {}:{}:{}: {key}", path.display(), at.line, at.column);
                }
            }
            return ExitCode::from(2);
        }
    };
    let password = if target.factor_style == FactorStyle::FactorOnly {
        Zeroizing::new(String::new())
    } else {
        match read_password(&args.user, input) {
            Ok(p) => p,
            Err(e) => {
                let _ = writeln!(err, "error: cannot read the password from standard input: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let credentials =
        Credentials { user: args.user.clone(), password, factor: args.factor.clone().map(Zeroizing::new) };
    let client = client_model(args);
    let listen = Duration::from_secs(args.listen.max(1));
    let started = std::time::SystemTime::now();
    let exchange = login::exchange::run_blocking(&target, &credentials, &client, listen);
    drop(credentials);
    let proxy_view = crate::logfile::describe::requests_since(&doc, &path, &install, &args.user, started);
    let advice = login::advice(&target, &exchange, &client);
    let verdict = login::verdict(&exchange);
    match args.format {
        super::Format::Text => {
            let _ = out.write_all(report_text(&target, &args.user, &client, &exchange, &advice).as_bytes());
            if !proxy_view.is_empty() {
                let _ = writeln!(out, "\nThe proxy's log of this login:");
                for request in &proxy_view {
                    let _ = out.write_all(request.as_bytes());
                }
            }
        }
        super::Format::Json => {
            let value = serde_json::json!({
                "section": target.section,
                "listener": target.listener.to_string(),
                "source": target.source.to_string(),
                "client_key": target.client_key,
                "user": crate::logfile::display_text(args.user.as_bytes()),
                "verdict": verdict,
                "answered_after_ms": exchange.answered_after.map(|d| d.as_millis() as u64),
                "steps": exchange.steps,
                "answer": answer_json(&exchange.ending),
                "client": client,
                "advice": advice,
                "proxy_log": proxy_view,
            });
            let _ = writeln!(out, "{value}");
        }
    }
    ExitCode::from(match verdict {
        Verdict::Accepted => 0,
        Verdict::Rejected => 1,
        Verdict::NoAnswer => 3,
        Verdict::Failed => 2,
    })
}

/// The client to compare with: a preset, changed by --timeout and --retries, else 5 s × 3.
fn client_model(args: &TestLoginArgs) -> ClientModel {
    let preset = args.client.as_deref().and_then(ClientModel::preset);
    let changed = args.timeout.is_some() || args.retries.is_some();
    let base = preset.unwrap_or_else(|| ClientModel { name: String::new(), timeout: Duration::from_secs(5), tries: 3 });
    let timeout = args.timeout.map_or(base.timeout, |s| Duration::from_secs(s.max(1)));
    let tries = args.retries.map_or(base.tries, |n| n.max(1));
    let name = match (base.name.is_empty(), changed) {
        (true, false) => "a typical client".to_owned(),
        (true, true) => "the client given".to_owned(),
        (false, false) => base.name,
        (false, true) => format!("{}, changed", base.name),
    };
    ClientModel { name, timeout, tries }
}

/// The test login of an `ldap_server_auto` section: a bind as the user (the factor appended
/// after a comma), then the application's search.
fn ldap_login(
    args: &TestLoginArgs,
    doc: &Document,
    path: &std::path::Path,
    input: &mut dyn std::io::BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let target = match login::ldap::ldap_target(doc, &args.section) {
        Ok(target) => target,
        Err(problem) => {
            let _ = writeln!(err, "error: {}: {problem}", path.display());
            return ExitCode::from(2);
        }
    };
    let password = match read_password(&args.user, input) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read the password from standard input: {e}");
            return ExitCode::from(2);
        }
    };
    let field = login::ldap::bind_password(&password, args.factor.as_deref());
    drop(password);
    let timeout = Duration::from_secs(args.listen.max(1));
    let (steps, verdict) = login::ldap::run_blocking(&target, &args.user, &field, timeout);
    drop(field);
    let advice = login::ldap::advice(&steps, verdict, client_model(args).timeout);
    match args.format {
        super::Format::Text => {
            let _ = writeln!(
                out,
                "Test login to [{}] at {} as {}",
                target.section,
                target.listener,
                crate::logfile::display_text(args.user.as_bytes())
            );
            for step in &steps {
                let _ = writeln!(out, "  {}", report::ldap_step_line(step));
            }
            for line in &advice {
                let _ = writeln!(out, "{line}");
            }
        }
        super::Format::Json => {
            let value = serde_json::json!({
                "section": target.section,
                "listener": target.listener.to_string(),
                "tls_listener": target.tls_listener.map(|l| l.to_string()),
                "user": crate::logfile::display_text(args.user.as_bytes()),
                "verdict": verdict,
                "steps": steps,
                "advice": advice,
            });
            let _ = writeln!(out, "{value}");
        }
    }
    ExitCode::from(match verdict {
        Verdict::Accepted => 0,
        Verdict::Rejected => 1,
        Verdict::NoAnswer => 3,
        Verdict::Failed => 2,
    })
}

fn read_password(user: &str, input: &mut dyn std::io::BufRead) -> std::io::Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("Password for {user}: ")).map(Zeroizing::new);
    }
    let mut line = Zeroizing::new(String::new());
    input.read_line(&mut line)?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    Ok(trimmed)
}

fn answer_json(ending: &Ending) -> serde_json::Value {
    match ending {
        Ending::Answer(answer) => serde_json::json!({
            "code": crate::login::radius::code_name(answer.code),
            "reply_message": answer.reply_message.as_deref().map(|m| crate::logfile::display_text(m.as_bytes())),
            "class": answer.class,
            "session_timeout": answer.session_timeout,
            "attributes": answer.attribute_types.iter().map(|&t| crate::login::radius::attribute_name(t)).collect::<Vec<_>>(),
            "message_authenticator": answer.message_authenticator,
        }),
        Ending::NoAnswer => serde_json::Value::Null,
        Ending::Failed(why) => serde_json::json!({ "error": why }),
    }
}

fn report_text(
    target: &login::RadiusTarget,
    user: &str,
    client: &ClientModel,
    exchange: &login::Exchange,
    advice: &[String],
) -> String {
    let mut text = format!(
        "Test login to [{}] at {} from {} ({}), as {}; compared with {} ({} s × {})\n",
        target.section,
        target.listener,
        target.source,
        target.client_key,
        crate::logfile::display_text(user.as_bytes()),
        client.name,
        client.timeout.as_secs(),
        client.tries
    );
    for line in report::timeline(exchange).iter().chain(report::ending_text(&exchange.ending).as_ref()) {
        text.push_str(&format!("  {line}\n"));
    }
    for line in advice {
        text.push_str(&format!("{line}\n"));
    }
    text
}
