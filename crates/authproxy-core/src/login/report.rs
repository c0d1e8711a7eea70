//! A test login's timeline in words, the same in the window, the CLI and a saved probe's row.

use std::time::Duration;

use super::exchange::{Ending, Exchange, Step};
use super::ldap::LdapStep;
use crate::logfile::display_text;

/// A duration as an administrator reads it: milliseconds under a second, else seconds.
#[must_use]
pub fn duration_text(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// What a step was, in a line.
#[must_use]
pub fn step_text(step: &Step) -> String {
    match step {
        Step::Sent => "sent Access-Request (PAP, Message-Authenticator)".to_owned(),
        Step::Retransmitted { attempt } => format!("no answer yet: sent again (try {attempt}), as the client would"),
        Step::ClientGaveUp => "the client would give up here; still listening".to_owned(),
        Step::Challenged { message } => format!(
            "Access-Challenge{}",
            message.as_deref().map(|m| format!(": \"{}\"", display_text(m.as_bytes()))).unwrap_or_default()
        ),
        Step::ChallengeAnswered => "answered the challenge with the factor and its State".to_owned(),
        Step::Answered { code } => code.clone(),
        Step::NoAnswer => "no answer; stopped listening".to_owned(),
    }
}

/// One step of an LDAP test login in a line: how long, whether it worked, what, and the answer.
#[must_use]
pub fn ldap_step_line(step: &LdapStep) -> String {
    let mark = if step.ok { "ok" } else { "failed" };
    format!("{:>9}  {mark:<6} {}: {}", duration_text(step.took), step.what, step.detail)
}

/// The timeline: a line per step, its time from the first send first.
#[must_use]
pub fn timeline(exchange: &Exchange) -> Vec<String> {
    exchange.steps.iter().map(|s| format!("+{:<9} {}", duration_text(s.at), step_text(&s.step))).collect()
}

/// The answer's attributes an administrator looks for, or why the test failed.
#[must_use]
pub fn ending_text(ending: &Ending) -> Option<String> {
    match ending {
        Ending::Answer(answer) => {
            let mut parts = Vec::new();
            if let Some(message) = &answer.reply_message {
                parts.push(format!("Reply-Message \"{}\"", display_text(message.as_bytes())));
            }
            for class in &answer.class {
                parts.push(format!("Class {}", display_text(class.as_bytes())));
            }
            if let Some(timeout) = answer.session_timeout {
                parts.push(format!("Session-Timeout {timeout} s"));
            }
            (!parts.is_empty()).then(|| format!("answer: {}", parts.join("; ")))
        }
        Ending::Failed(why) => Some(format!("failed: {why}")),
        Ending::NoAnswer => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::login::exchange::TimedStep;
    use crate::login::radius::{Answer, MessageAuthenticator, ACCESS_ACCEPT};

    #[test]
    fn the_timeline_reads_as_the_client_saw_it() {
        let exchange = Exchange {
            steps: vec![
                TimedStep { step: Step::Sent, at: Duration::ZERO },
                TimedStep { step: Step::Retransmitted { attempt: 2 }, at: Duration::from_secs(5) },
                TimedStep {
                    step: Step::Challenged { message: Some("Code?\u{7}".into()) },
                    at: Duration::from_millis(5_250),
                },
            ],
            ending: Ending::NoAnswer,
            answered_after: None,
        };
        let lines = timeline(&exchange);
        assert_eq!(lines[0], "+0 ms      sent Access-Request (PAP, Message-Authenticator)");
        assert!(lines[1].starts_with("+5.0 s") && lines[1].ends_with("sent again (try 2), as the client would"));
        assert!(!lines[2].contains('\u{7}'), "control characters are not printed: {:?}", lines[2]);
        assert_eq!(ending_text(&Ending::NoAnswer), None);
    }

    #[test]
    fn the_answer_names_its_reply_message_class_and_session_timeout() {
        let answer = Answer {
            code: ACCESS_ACCEPT,
            reply_message: Some("Welcome".into()),
            state: None,
            class: vec!["vpn".into()],
            session_timeout: Some(3600),
            attribute_types: vec![],
            message_authenticator: MessageAuthenticator::Absent,
        };
        assert_eq!(
            ending_text(&Ending::Answer(answer)).as_deref(),
            Some("answer: Reply-Message \"Welcome\"; Class vpn; Session-Timeout 3600 s")
        );
    }
}
