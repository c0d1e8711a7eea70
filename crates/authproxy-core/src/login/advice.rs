//! What a test login's timing and answer mean for the real client: would it have given up or
//! retransmitted, is Message-Authenticator where Blast-RADIUS hardening wants it, and what to do.

use super::exchange::{ClientModel, Ending, Exchange, Step};
use super::radius::{MessageAuthenticator, ACCESS_ACCEPT, ACCESS_CHALLENGE, ACCESS_REJECT};
use super::report::duration_text as seconds;
use super::target::RadiusTarget;

/// How the test ended, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Access-Accept.
    Accepted,
    /// Access-Reject, or a challenge left unanswered.
    Rejected,
    /// No answer while the tool listened.
    NoAnswer,
    /// The request could not be sent, or the answer was not valid.
    Failed,
}

/// The verdict of an exchange.
#[must_use]
pub fn verdict(exchange: &Exchange) -> Verdict {
    match &exchange.ending {
        Ending::Answer(answer) if answer.code == ACCESS_ACCEPT => Verdict::Accepted,
        Ending::Answer(_) => Verdict::Rejected,
        Ending::NoAnswer => Verdict::NoAnswer,
        Ending::Failed(_) => Verdict::Failed,
    }
}

/// What to tell the administrator, most important first.
#[must_use]
pub fn advice(target: &RadiusTarget, exchange: &Exchange, client: &ClientModel) -> Vec<String> {
    let mut out = Vec::new();
    let gives_up = client.gives_up_after();
    let patience = format!(
        "a client waiting {} × {} {} gives up at {}",
        seconds(client.timeout),
        client.tries,
        if client.tries == 1 { "try" } else { "tries" },
        seconds(gives_up)
    );
    match (&exchange.ending, exchange.answered_after) {
        (Ending::Answer(_), Some(after)) if after > gives_up => out.push(format!(
            "The answer came after {}; {patience}: it would have failed the login while the user was still \
             answering. Raise its RADIUS timeout to at least 60 s for push (Duo's guidance).",
            seconds(after)
        )),
        (Ending::Answer(_), Some(after)) => {
            let retransmissions =
                exchange.steps.iter().filter(|s| matches!(s.step, Step::Retransmitted { .. })).count();
            if retransmissions > 0 {
                out.push(format!(
                    "The answer came after {}; {patience}, so it waits, but it retransmitted {retransmissions} \
                     time(s): the proxy logs each as a duplicate request, and a client that fails over to a second \
                     proxy sends a second push there. A timeout of 60 s avoids both.",
                    seconds(after)
                ));
            } else {
                out.push(format!(
                    "The answer came after {}; {patience}, so it would have waited for it.",
                    seconds(after)
                ));
            }
        }
        (Ending::NoAnswer, _) => out.push(format!(
            "No answer. Is the proxy running, with [{}] listening on {}? The proxy drops packets from addresses \
             its radius_ip_N do not list, and from clients whose secret does not match Message-Authenticator, \
             without an answer; its log says which (Log tab, or `authproxy-manager logs --client {}`).",
            target.section, target.listener, target.source
        )),
        _ => {}
    }
    if let Ending::Answer(answer) = &exchange.ending {
        match answer.code {
            ACCESS_REJECT => {
                let why = answer.reply_message.as_deref().unwrap_or("no Reply-Message");
                out.push(format!(
                    "Rejected ({why}). The proxy's log has the request's reason: `authproxy-manager logs --user …`."
                ));
            }
            ACCESS_CHALLENGE => out.push(
                "The proxy asked for a second factor (Access-Challenge). Give one (--factor push, or a passcode) \
                 to answer it as the client would."
                    .to_owned(),
            ),
            _ => {}
        }
        match answer.message_authenticator {
            MessageAuthenticator::Valid => out.push("The answer carried a valid Message-Authenticator.".to_owned()),
            MessageAuthenticator::Invalid => out.push(
                "The answer's Message-Authenticator is wrong: the proxy signs with another secret than this \
                 config's; is it running another config?"
                    .to_owned(),
            ),
            MessageAuthenticator::Absent => out.push(
                "The answer carried no Message-Authenticator: a client that requires one (Blast-RADIUS \
                 hardening, CVE-2024-3596) would drop it. Check the device's setting and the proxy release's \
                 Message-Authenticator support."
                    .to_owned(),
            ),
        }
    }
    if target.force_message_authenticator {
        out.push(format!(
            "[{}] sets force_message_authenticator: clients must send Message-Authenticator (this test does; \
             check the device does too).",
            target.section
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::login::exchange::TimedStep;
    use crate::login::radius::Answer;
    use crate::login::target::FactorStyle;
    use crate::secrets::Secret;

    fn target() -> RadiusTarget {
        RadiusTarget {
            section: "radius_server_auto".into(),
            listener: "127.0.0.1:1812".parse().unwrap(),
            source: "127.0.0.1".parse().unwrap(),
            client_key: "radius_ip_1".into(),
            secret: Secret::new("s"),
            factor_style: FactorStyle::Appended,
            force_message_authenticator: false,
        }
    }

    fn accepted_after(seconds: u64, retransmissions: u32) -> Exchange {
        let mut steps = vec![TimedStep { step: Step::Sent, at: Duration::ZERO }];
        for attempt in 0..retransmissions {
            steps.push(TimedStep { step: Step::Retransmitted { attempt: attempt + 2 }, at: Duration::from_secs(5) });
        }
        let answer = Answer {
            code: ACCESS_ACCEPT,
            reply_message: None,
            state: None,
            class: vec![],
            session_timeout: None,
            attribute_types: vec![],
            message_authenticator: MessageAuthenticator::Absent,
        };
        Exchange { steps, ending: Ending::Answer(answer), answered_after: Some(Duration::from_secs(seconds)) }
    }

    #[test]
    fn a_late_answer_is_measured_against_the_clients_patience() {
        let client = ClientModel { name: "x".into(), timeout: Duration::from_secs(5), tries: 3 };
        let late = advice(&target(), &accepted_after(23, 2), &client);
        assert!(
            late[0].contains("after 23.0 s") && late[0].contains("gives up at 15.0 s") && late[0].contains("60 s"),
            "{late:?}"
        );
        let waited = advice(&target(), &accepted_after(12, 2), &client);
        assert!(waited[0].contains("retransmitted 2 time(s)"), "{waited:?}");
        assert!(waited.iter().any(|a| a.contains("Blast-RADIUS")));
        let quick = advice(&target(), &accepted_after(1, 0), &client);
        assert!(quick[0].contains("would have waited"), "{quick:?}");
    }
}
