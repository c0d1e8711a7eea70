//! The exchange itself: the Access-Request sent as the modelled client sends it (again after
//! each of its timeouts, as a retransmission), an Access-Challenge answered with the factor and
//! its State, and every step timed. The tool keeps listening after the modelled client would
//! have given up, so the report can say when the proxy did answer.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ring::rand::SecureRandom;
use tokio::net::UdpSocket;
use zeroize::Zeroizing;

use super::radius::{self, Answer, RequestParts, ACCESS_CHALLENGE};
use super::target::{FactorStyle, RadiusTarget};

/// A RADIUS client's patience: how long it waits for each try, and how many tries it makes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClientModel {
    /// What it is (a device's defaults, or the client given).
    pub name: String,
    /// Its wait per try.
    pub timeout: Duration,
    /// Its tries (the first send included).
    pub tries: u32,
}

impl ClientModel {
    /// When it gives up.
    #[must_use]
    pub fn gives_up_after(&self) -> Duration {
        self.timeout.saturating_mul(self.tries.max(1))
    }

    /// Common clients' defaults, to compare with (the window offers them; each can be edited).
    /// Sources: Duo's RADIUS guides (60 s); FortiOS `config user radius` `timeout` 5 s under
    /// `remoteauthtimeout` 5 s; PAN-OS RADIUS server profile Timeout 3 s, Retries 3; OPNsense's
    /// fixed 10 s and 3 tries (opnsense/core#10270); Cisco ASA `aaa-server` host `timeout` 10 s;
    /// Cisco IOS and most switches `radius-server timeout` 5 s, `retransmit` 3.
    #[must_use]
    pub fn presets() -> Vec<ClientModel> {
        Self::PRESET_IDS.iter().filter_map(|id| Self::preset(id)).collect()
    }

    /// The short names of [`ClientModel::presets`], in the same order, for the command line.
    pub const PRESET_IDS: [&'static str; 6] = ["duo", "fortigate", "paloalto", "asa", "opnsense", "ios"];

    /// The preset with this short name.
    #[must_use]
    pub fn preset(id: &str) -> Option<ClientModel> {
        let model = |name: &str, seconds: u64, tries: u32| ClientModel {
            name: name.to_owned(),
            timeout: Duration::from_secs(seconds),
            tries,
        };
        Some(match id {
            "duo" => model("Duo's advice for push (60 s, 1 try)", 60, 1),
            "fortigate" => model("FortiGate defaults (5 s, gives up at 5 s)", 5, 1),
            "paloalto" => model("Palo Alto GlobalProtect defaults (3 s, 3 tries)", 3, 3),
            "asa" => model("Cisco ASA defaults (10 s)", 10, 1),
            "opnsense" => model("OPNsense (10 s, 3 tries, fixed)", 10, 3),
            "ios" => model("Cisco IOS and most switches (5 s, 4 tries)", 5, 4),
            _ => return None,
        })
    }
}

/// A step of the exchange.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    /// The Access-Request left.
    Sent,
    /// The modelled client's timeout passed: the same packet again.
    Retransmitted {
        /// Which try this is (2 for the first retransmission).
        attempt: u32,
    },
    /// The modelled client would give up here.
    ClientGaveUp,
    /// An Access-Challenge came.
    Challenged {
        /// Its Reply-Message.
        message: Option<String>,
    },
    /// The challenge was answered with the factor and the State.
    ChallengeAnswered,
    /// The final answer.
    Answered {
        /// Its code's name.
        code: String,
    },
    /// Nothing came while the tool listened.
    NoAnswer,
}

/// A step and when it happened, from the first send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimedStep {
    /// What.
    #[serde(flatten)]
    pub step: Step,
    /// When, from the first send.
    #[serde(serialize_with = "millis")]
    pub at: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// How the test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The last answer (accept, reject, or a challenge left unanswered).
    Answer(Answer),
    /// Nothing came while the tool listened.
    NoAnswer,
    /// The request could not be sent, or the answer was not a valid reply.
    Failed(String),
}

/// What happened.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Each step.
    pub steps: Vec<TimedStep>,
    /// How it ended.
    pub ending: Ending,
    /// When the final answer came, from the first send.
    pub answered_after: Option<Duration>,
}

/// What the user gives: name, password (zeroized after use) and an optional second factor.
pub struct Credentials {
    /// User-Name.
    pub user: String,
    /// The password; not asked for a `radius_server_duo_only` section.
    pub password: Zeroizing<String>,
    /// `push`, `phone`, `sms`, or a passcode.
    pub factor: Option<Zeroizing<String>>,
}

/// Sends the test login to `target` as `client` would, listening at most `listen` in all.
pub async fn run(target: &RadiusTarget, credentials: &Credentials, client: &ClientModel, listen: Duration) -> Exchange {
    let mut steps = Vec::new();
    let failed =
        |steps: Vec<TimedStep>, why: String| Exchange { steps, ending: Ending::Failed(why), answered_after: None };
    let bind = SocketAddr::new(target.source, 0);
    let socket = match UdpSocket::bind(bind).await {
        Ok(s) => s,
        Err(e) => {
            return failed(
                steps,
                format!("cannot send from {}: {e} (is it an address of this machine?)", target.source),
            )
        }
    };
    if let Err(e) = socket.connect(target.listener).await {
        return failed(steps, format!("cannot reach {}: {e}", target.listener));
    }
    // The timeline starts at the first send, not at the socket's setup.
    let started = Instant::now();
    let field = match target.factor_style {
        FactorStyle::Appended => match &credentials.factor {
            Some(factor) => Zeroizing::new(format!("{},{}", credentials.password.as_str(), factor.as_str())),
            None => credentials.password.clone(),
        },
        FactorStyle::FactorOnly => credentials.factor.clone().unwrap_or_else(|| Zeroizing::new("push".to_owned())),
        FactorStyle::Challenge => credentials.password.clone(),
    };
    let mut state: Option<Vec<u8>> = None;
    let mut password = field;
    let mut answered_challenge = false;
    loop {
        let Some((id, authenticator)) = random_request() else {
            return failed(steps, "no random numbers are available on this machine".into());
        };
        let parts = RequestParts {
            id,
            authenticator,
            user: &credentials.user,
            password: &password,
            nas_ip: Some(target.source),
            state: state.as_deref(),
        };
        let packet = match radius::access_request(&parts, target.secret.expose().as_bytes()) {
            Ok(p) => p,
            Err(why) => return failed(steps, why),
        };
        let answer =
            exchange_once(&socket, &packet, id, &authenticator, target, client, listen, started, &mut steps).await;
        match answer {
            Err(why) => return failed(steps, why),
            Ok(None) => {
                steps.push(TimedStep { step: Step::NoAnswer, at: started.elapsed() });
                return Exchange { steps, ending: Ending::NoAnswer, answered_after: None };
            }
            Ok(Some(answer)) => {
                let at = started.elapsed();
                let challenge_answerable = answer.code == ACCESS_CHALLENGE && !answered_challenge;
                if let (true, Some(factor)) = (challenge_answerable, credentials.factor.as_ref()) {
                    steps.push(TimedStep { step: Step::Challenged { message: answer.reply_message.clone() }, at });
                    steps.push(TimedStep { step: Step::ChallengeAnswered, at: started.elapsed() });
                    state = answer.state.clone();
                    password = factor.clone();
                    answered_challenge = true;
                    continue;
                }
                let step = if answer.code == ACCESS_CHALLENGE {
                    Step::Challenged { message: answer.reply_message.clone() }
                } else {
                    Step::Answered { code: radius::code_name(answer.code).to_owned() }
                };
                steps.push(TimedStep { step, at });
                return Exchange { steps, ending: Ending::Answer(answer), answered_after: Some(at) };
            }
        }
    }
}

/// [`run`] on a runtime of its own, for callers without one (the command line, the window's
/// helper thread).
pub fn run_blocking(
    target: &RadiusTarget,
    credentials: &Credentials,
    client: &ClientModel,
    listen: Duration,
) -> Exchange {
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(run(target, credentials, client, listen)),
        Err(e) => Exchange {
            steps: Vec::new(),
            ending: Ending::Failed(format!("cannot start the network runtime: {e}")),
            answered_after: None,
        },
    }
}

fn random_request() -> Option<(u8, [u8; 16])> {
    let rng = ring::rand::SystemRandom::new();
    let mut id = [0u8; 1];
    let mut authenticator = [0u8; 16];
    rng.fill(&mut id).and_then(|()| rng.fill(&mut authenticator)).ok()?;
    Some((id[0], authenticator))
}

/// One request: sent, sent again at each of the client's timeouts, answered or not.
#[allow(clippy::too_many_arguments)]
async fn exchange_once(
    socket: &UdpSocket,
    packet: &[u8],
    id: u8,
    authenticator: &[u8; 16],
    target: &RadiusTarget,
    client: &ClientModel,
    listen: Duration,
    started: Instant,
    steps: &mut Vec<TimedStep>,
) -> Result<Option<Answer>, String> {
    let sent_at = Instant::now();
    socket.send(packet).await.map_err(|e| format!("cannot send to {}: {e}", target.listener))?;
    steps.push(TimedStep { step: Step::Sent, at: started.elapsed() });
    let mut attempt = 1;
    let mut gave_up_noted = false;
    let mut buffer = [0u8; 4096];
    loop {
        let next_try = client.timeout.saturating_mul(attempt);
        let deadline = if attempt < client.tries { next_try } else { client.gives_up_after() };
        let until = if gave_up_noted { listen } else { deadline.min(listen) };
        let wait = until.saturating_sub(sent_at.elapsed());
        match tokio::time::timeout(wait, socket.recv(&mut buffer)).await {
            Ok(Ok(n)) => {
                return radius::read_answer(&buffer[..n], id, authenticator, target.secret.expose().as_bytes())
                    .map(Some)
                    .map_err(|why| format!("the answer is not valid: {why}"));
            }
            Ok(Err(e)) => {
                return Err(format!(
                    "nothing listens on {} ({e}): is the proxy running, with [{}] on this port?",
                    target.listener, target.section
                ))
            }
            Err(_) if sent_at.elapsed() >= listen => return Ok(None),
            Err(_) if attempt < client.tries => {
                attempt += 1;
                socket.send(packet).await.map_err(|e| format!("cannot send to {}: {e}", target.listener))?;
                steps.push(TimedStep { step: Step::Retransmitted { attempt }, at: started.elapsed() });
            }
            Err(_) => {
                if !gave_up_noted {
                    steps.push(TimedStep { step: Step::ClientGaveUp, at: started.elapsed() });
                    gave_up_noted = true;
                }
            }
        }
    }
}
