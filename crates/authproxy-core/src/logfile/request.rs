//! Lines into requests. A RADIUS request's lines carry the prefix
//! `(('10.0.0.1', 16769), alice, 92): …` (client address and port, user name as given, RADIUS id);
//! the lines around it (`Sending request from …`, `Received new request id …`, the primary
//! server's answer, the Duo API calls) are joined by what they name: the client address, the
//! user, the id of the request sent to the primary server. A directory sync is the LDAP lines
//! between its search and its factory's stop; each JSON event joins the RADIUS request it reports, or stands alone.

use std::net::IpAddr;

use compact_str::CompactString;
use rustc_hash::FxHashMap;

use super::files::{Entries, Family};
use super::index::{EntryId, LogIndex};
use super::time::Timestamp;

/// What kind of exchange a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// A RADIUS Access-Request from a client (VPN, firewall).
    Radius,
    /// A packet dropped before it became a request (unknown client, bad packet).
    Dropped,
    /// One LDAP client connection to an `ldap_server_auto` section (`[Request from h:p] …`).
    Ldap,
    /// A directory sync's LDAP search.
    DirectorySync,
    /// An authentication event from `authevents.log` with no RADIUS lines beside it.
    AuthEvent,
    /// An SSO event from `ssoevents.log`.
    SsoEvent,
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Access-Accept, Allow, succeeded.
    Accept,
    /// Access-Reject, Reject.
    Reject,
    /// Access-Challenge, Challenge.
    Challenge,
    /// Nothing was answered in time: Duo's push timed out, the primary server did not answer,
    /// or no response was logged while the log went on.
    Timeout,
    /// The proxy could not handle it (dropped packet, undecodable password, an error).
    Error,
    /// No answer yet (the log ends within a minute of it).
    Pending,
    /// Informational (a directory sync that ended without a failure).
    Done,
}

impl Outcome {
    /// Every outcome, in the order filters show them.
    pub const ALL: [Outcome; 7] = [
        Outcome::Accept,
        Outcome::Reject,
        Outcome::Challenge,
        Outcome::Timeout,
        Outcome::Error,
        Outcome::Pending,
        Outcome::Done,
    ];

    /// Its name as typed on the command line and shown.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Accept => "accept",
            Outcome::Reject => "reject",
            Outcome::Challenge => "challenge",
            Outcome::Timeout => "timeout",
            Outcome::Error => "error",
            Outcome::Pending => "pending",
            Outcome::Done => "done",
        }
    }

    /// The outcome named `name` (case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// A step of a request's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhaseKind {
    /// The client's packet arrived.
    Received,
    /// The client sent the same packet again ("Received duplicate request").
    Duplicate,
    /// The user's password went to the primary server (RADIUS or LDAP).
    PrimarySent,
    /// The primary server answered.
    PrimaryAnswer,
    /// Duo's preauth was asked.
    PreauthSent,
    /// Duo's preauth answered.
    PreauthResult,
    /// Duo's auth (push, passcode, phone) was asked.
    AuthSent,
    /// Duo's auth answered (allow or deny).
    DuoAnswer,
    /// The proxy chose its response code.
    Response,
    /// The response went to the client.
    ResponseSent,
}

impl PhaseKind {
    /// How the timeline names it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            PhaseKind::Received => "received",
            PhaseKind::Duplicate => "duplicate request",
            PhaseKind::PrimarySent => "primary auth sent",
            PhaseKind::PrimaryAnswer => "primary answer",
            PhaseKind::PreauthSent => "preauth sent",
            PhaseKind::PreauthResult => "preauth result",
            PhaseKind::AuthSent => "auth sent",
            PhaseKind::DuoAnswer => "Duo's answer",
            PhaseKind::Response => "response code",
            PhaseKind::ResponseSent => "response sent",
        }
    }
}

/// One step of a request, with when it happened and the entry that tells of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    /// Which step.
    pub kind: PhaseKind,
    /// When (UTC microseconds).
    pub utc_micros: i64,
    /// The entry.
    pub entry: EntryId,
}

/// One request: its lines, its steps and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// What kind of exchange.
    pub kind: RequestKind,
    /// The client's address (the RADIUS client, or the end user's for an event).
    pub client: Option<IpAddr>,
    /// The client's source port.
    pub port: Option<u16>,
    /// The user name as the client sent it.
    pub user: Option<CompactString>,
    /// The RADIUS identifier (0-255), or none.
    pub radius_id: Option<u8>,
    /// The config section that served it (`radius_server_auto`).
    pub section: Option<CompactString>,
    /// When it began and when its last line was written.
    pub start: Option<Timestamp>,
    /// When its last line was written (UTC microseconds).
    pub end_micros: i64,
    /// Its entries, in time order.
    pub entries: Vec<EntryId>,
    /// Its steps, in time order.
    pub phases: Vec<Phase>,
    /// How many times the client sent it again.
    pub duplicates: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// Why, in the proxy's words (Duo's reason, the primary's reply, the drop reason).
    pub reason: Option<CompactString>,
    /// Duo's preauth result (`auth`, `allow`, `deny`, `enroll`).
    pub preauth: Option<CompactString>,
    /// The id of the request sent to the primary RADIUS server.
    outgoing_id: Option<u8>,
    response_sent: bool,
}

impl Request {
    fn new(kind: RequestKind, entry: EntryId, time: Option<Timestamp>) -> Self {
        Self {
            kind,
            client: None,
            port: None,
            user: None,
            radius_id: None,
            section: None,
            start: time,
            end_micros: time.map_or(i64::MIN, |t| t.utc_micros),
            entries: vec![entry],
            phases: Vec::new(),
            duplicates: 0,
            outcome: Outcome::Pending,
            reason: None,
            preauth: None,
            outgoing_id: None,
            response_sent: false,
        }
    }

    /// The heap bytes it takes.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<EntryId>() + self.phases.capacity() * std::mem::size_of::<Phase>()
    }

    /// How long from its first line to its last, in microseconds.
    #[must_use]
    pub fn duration_micros(&self) -> Option<i64> {
        self.start.map(|s| self.end_micros - s.utc_micros)
    }

    /// The first step of `kind`.
    #[must_use]
    pub fn phase(&self, kind: PhaseKind) -> Option<&Phase> {
        self.phases.iter().find(|p| p.kind == kind)
    }

    fn add(&mut self, entry: EntryId, time: Option<Timestamp>) {
        // An entry joins once (a routing line can be offered twice); entries come in order.
        if !self.entries.iter().rev().take(4).any(|e| *e == entry) {
            self.entries.push(entry);
        }
        if let Some(time) = time {
            self.start.get_or_insert(time);
            self.end_micros = self.end_micros.max(time.utc_micros);
        }
    }

    fn mark(&mut self, kind: PhaseKind, entry: EntryId, time: Option<Timestamp>) {
        self.add(entry, time);
        if let Some(time) = time {
            self.phases.push(Phase { kind, utc_micros: time.utc_micros, entry });
        }
    }
}

/// One reading of a correlation prefix: address, port, user name, RADIUS id, the message after it.
pub(crate) type Prefix<'a> = (IpAddr, u16, Option<&'a str>, u8, &'a str);

/// Every reading of `(('10.0.0.1', 16769), alice, 92): rest`, shortest user name first. The user
/// name is written as the client sent it and may itself hold `, 7): `, so each `, <id>): ` is a
/// candidate; the form without a user (`(('10.0.0.1', 16769), 92): …`) is read too.
pub(crate) fn correlation_prefixes(message: &str) -> Vec<Prefix<'_>> {
    let mut found = Vec::new();
    let Some(rest) = message.strip_prefix("((") else { return found };
    let Some((address, port, after_source)) = source_tuple(rest) else { return found };
    let Some(after) = after_source.strip_prefix(", ") else { return found };
    let mut search_from = 0;
    while let Some(at) = after[search_from..].find("): ") {
        let close = search_from + at;
        let head = &after[..close];
        let (user, id) = match head.rfind(", ") {
            Some(comma) => (Some(&head[..comma]), &head[comma + 2..]),
            None => (None, head),
        };
        if let Ok(id) = id.parse::<u8>() {
            found.push((address, port, user.filter(|u| *u != "None"), id, &after[close + 3..]));
        }
        search_from = close + 3;
    }
    found
}

/// The first reading of a correlation prefix (see [`correlation_prefixes`]).
#[cfg(test)]
pub(crate) fn correlation_prefix(message: &str) -> Option<Prefix<'_>> {
    correlation_prefixes(message).into_iter().next()
}

/// The messages the proxy writes after a request's prefix.
const PREFIXED_MESSAGES: [&str; 14] = [
    "Received duplicate request",
    "login attempt for username",
    "Primary credentials rejected",
    "Error performing primary authentication",
    "Cannot decode password",
    "Got preauth result for",
    "Duo authentication returned",
    "Returning response code",
    "Sending response",
    "Failmode ",
    "Primary Only Mode",
    "Missing or improperly",
    "No username provided",
    "User has no Duo factors",
];

/// `'10.0.0.1', 16769)…` → (address, port, rest after `)`).
fn source_tuple(text: &str) -> Option<(IpAddr, u16, &str)> {
    let text = text.strip_prefix('\'')?;
    let quote = text.find('\'')?;
    let address = text[..quote].parse().ok()?;
    let rest = text[quote + 1..].strip_prefix(", ")?;
    let close = rest.find(')')?;
    let port = rest[..close].trim().parse().ok()?;
    Some((address, port, &rest[close + 1..]))
}

/// `… ('10.0.0.1', 16769)` anywhere in `text`.
fn find_source_tuple(text: &str) -> Option<(IpAddr, u16)> {
    let open = text.find("('")?;
    source_tuple(&text[open + 1..]).map(|(a, p, _)| (a, p))
}

/// The text between the first pair of `quote`s after `after`.
fn quoted_after<'a>(text: &'a str, after: &str) -> Option<&'a str> {
    let rest = &text[text.find(after)? + after.len()..];
    let quote = rest.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}

/// A URL-encoded form value (`user=al%C3%AFce`).
fn form_value(form: &str, key: &str) -> Option<String> {
    let value = form.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))?;
    let bytes = value.as_bytes();
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'+', ..) => out.push(b' '),
            (b'%', Some(high), Some(low)) => {
                // Two hex digits make one byte.
                out.push((high * 16 + low) as u8);
                i += 2;
            }
            (byte, ..) => out.push(byte),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Every request the index's entries tell of, in the order they began.
#[must_use]
pub fn group(index: &LogIndex) -> Vec<Request> {
    let mut grouper = Grouper::default();
    for &id in &index.order {
        let file = &index.files[id.file as usize];
        match (&file.entries, file.name.family) {
            (Entries::Text(entries), Family::Proxy) => {
                let entry = &entries[id.entry as usize];
                let message = super::text_of(&file.bytes[entry.message_range(&file.bytes)]);
                grouper.text_line(id, entry.time(), &message);
            }
            (Entries::Json(events), family) => {
                let event = &events[id.entry as usize];
                if let Some(fields) = event.fields(&file.bytes) {
                    grouper.json_event(id, event.time, &fields, family);
                }
            }
            _ => {}
        }
    }
    grouper.finish(index)
}

#[derive(Default)]
struct Grouper {
    requests: Vec<Request>,
    /// Open RADIUS requests by (client, port, id).
    open: FxHashMap<(IpAddr, u16, u8), usize>,
    /// "Sending request from <client> to <section>", waiting for its request.
    routed: FxHashMap<IpAddr, (CompactString, EntryId)>,
    /// Requests sent to the primary RADIUS server, by their outgoing id.
    outgoing: FxHashMap<u8, usize>,
    /// The request each user's latest line belonged to.
    by_user: FxHashMap<CompactString, usize>,
    /// The request the previous request line belonged to.
    last: Option<usize>,
    /// The directory sync whose LDAP lines are being written.
    current_sync: Option<usize>,
    /// LDAP client connections by peer address and port.
    ldap: FxHashMap<(IpAddr, u16), usize>,
    /// The request whose user an AD bind was sent for.
    ad_pending: Option<usize>,
}

impl Grouper {
    /// The reading of a prefix that names a request being handled, else one followed by a
    /// message the proxy writes there, else the first.
    fn choose<'a>(&self, readings: Vec<Prefix<'a>>) -> Option<Prefix<'a>> {
        let open = readings.iter().position(|&(a, p, _, i, _)| self.open.contains_key(&(a, p, i)));
        let known = || readings.iter().position(|r| PREFIXED_MESSAGES.iter().any(|m| r.4.starts_with(m)));
        let chosen = open.or_else(known).unwrap_or(0);
        readings.into_iter().nth(chosen)
    }

    fn text_line(&mut self, id: EntryId, time: Option<Timestamp>, message: &str) {
        let readings = if message.starts_with("((") { correlation_prefixes(message) } else { Vec::new() };
        let sync_line = self.current_sync.is_some()
            && (message.starts_with("C->S ")
                || message.starts_with("C<-S ")
                || message.contains("LdapSyncClientFactory"));
        if let Some((address, port, user, radius_id, rest)) = self.choose(readings) {
            self.prefixed(id, time, (address, port, radius_id), user, rest);
        } else if sync_line {
            self.sync_line(id, time, message);
        } else if let Some(rest) = message.strip_prefix("Sending request from ") {
            if let Some((host, section)) = rest.split_once(" to ") {
                if let Ok(address) = host.trim().parse() {
                    self.routed.insert(address, (CompactString::from(section.trim()), id));
                }
            }
        } else if let Some(rest) = message.strip_prefix("Received new request id ") {
            let (number, source) = rest.split_once(" from ").unwrap_or((rest, ""));
            if let (Ok(radius_id), Some((address, port))) = (number.trim().parse::<u8>(), find_source_tuple(source)) {
                let request = self.begin(id, time, (address, port, radius_id));
                self.requests[request].mark(PhaseKind::Received, id, time);
            }
        } else if let Some(rest) = message.strip_prefix("[Request from ") {
            self.ldap_line(id, time, rest);
        } else if message.starts_with("Sending AD authentication request for ") {
            let user = quoted_after(message, "Sending AD authentication request for ");
            self.ad_pending = user.and_then(|u| self.by_user.get(u).copied()).or(self.last);
            if let Some(request) = self.ad_pending {
                self.requests[request].add(id, time);
            }
        } else if AD_ANSWERS.iter().any(|start| message.starts_with(start)) {
            if let Some(request) = self.ad_pending.or(self.last).filter(|&r| !self.requests[r].response_sent) {
                self.requests[request].add(id, time);
            }
        } else if let Some(rest) = message.strip_prefix("dropping packet from ") {
            self.dropped(id, time, rest);
        } else if let Some(rest) = message.strip_prefix("Sending request for user ") {
            // `'alice' to ('10.0.0.200', 1812) with id 178`
            let user = quoted_after(message, "Sending request for user ");
            let outgoing = rest.rsplit_once(" with id ").and_then(|(_, n)| n.trim().parse::<u8>().ok());
            if let Some(request) = user.and_then(|u| self.by_user.get(u).copied()) {
                self.requests[request].outgoing_id = outgoing;
                if let Some(outgoing) = outgoing {
                    self.outgoing.insert(outgoing, request);
                }
                self.requests[request].add(id, time);
            }
        } else if let Some(rest) = message.strip_prefix("Got response for id ") {
            // `178 from ('10.0.0.200', 1812); code 2`
            let outgoing = rest.split(' ').next().and_then(|n| n.parse::<u8>().ok());
            if let Some(request) = outgoing.and_then(|o| self.outgoing.get(&o).copied()) {
                self.requests[request].mark(PhaseKind::PrimaryAnswer, id, time);
            }
        } else if let Some(rest) = message.strip_prefix("Request timeout for (outgoing) id ") {
            let outgoing = rest.split(' ').next().and_then(|n| n.parse::<u8>().ok());
            if let Some(request) = outgoing.and_then(|o| self.outgoing.get(&o).copied()) {
                self.requests[request].add(id, time);
            }
        } else if let Some(rest) = message.strip_prefix("http POST to ") {
            self.duo_call(id, time, rest);
        } else if message.starts_with("Performing LDAP search for directory sync: ") {
            self.sync_started(id, time, message);
        } else if let Some(last) = self.last.filter(|&r| {
            let request = &self.requests[r];
            !request.response_sent && time.is_none_or(|t| t.utc_micros - request.end_micros <= 1_000_000)
        }) {
            // Lines about the request being handled, without its prefix.
            if message.starts_with("Invalid single ip")
                || message.starts_with("Duo preauth call failed")
                || message.starts_with("Duo auth call failed")
                || message.starts_with("User IP not provided")
                || message.starts_with("Allow concat")
                || message.to_ascii_lowercase().contains("preauth failure")
            {
                self.requests[last].add(id, time);
            }
        }
    }

    fn ldap_line(&mut self, id: EntryId, time: Option<Timestamp>, rest: &str) {
        // `10.0.0.7:50123] Primary bind exempted from 2FA`
        let Some((peer, message)) = rest.split_once("] ") else { return };
        let Some((host, port)) = peer.rsplit_once(':') else { return };
        let (Ok(address), Ok(port)) = (host.trim_matches(['[', ']']).parse::<IpAddr>(), port.parse::<u16>()) else {
            return;
        };
        // A client port seen again after five quiet minutes is a new connection.
        let idle = |r: &Request| time.is_some_and(|t| t.utc_micros - r.end_micros > 300_000_000);
        let request = match self.ldap.get(&(address, port)) {
            Some(&known) if !idle(&self.requests[known]) => known,
            _ => {
                let mut request = Request::new(RequestKind::Ldap, id, time);
                request.client = Some(address);
                request.port = Some(port);
                self.requests.push(request);
                self.ldap.insert((address, port), self.requests.len() - 1);
                self.requests.len() - 1
            }
        };
        self.last = Some(request);
        let r = &mut self.requests[request];
        if let Some(rest) = message.strip_prefix("Got preauth result for ") {
            r.mark(PhaseKind::PreauthResult, id, time);
            if let Some((user, result)) = rest.rsplit_once(": ") {
                r.user.get_or_insert_with(|| clean(user));
                r.preauth = Some(clean(result.trim_matches(['\'', '"'])));
                self.by_user.insert(CompactString::from(user), request);
            }
        } else if let Some(answer) = message.strip_prefix("Duo authentication returned ") {
            r.mark(PhaseKind::DuoAnswer, id, time);
            let allowed = answer.starts_with("'allow'");
            r.outcome = if allowed { Outcome::Accept } else { Outcome::Reject };
            if let Some((_, reason)) = answer.split_once(": ") {
                r.reason = Some(clean(reason.trim().trim_matches(['\'', '"'])));
            }
        } else if message.starts_with("Primary bind exempted from 2FA") {
            r.add(id, time);
            r.outcome = Outcome::Accept;
        } else if message.starts_with("Attempt to bindRequest multiple times") {
            r.add(id, time);
            r.outcome = Outcome::Error;
            r.reason = Some(CompactString::from("a second bind on the same LDAP connection"));
        } else {
            r.add(id, time);
        }
    }

    fn sync_line(&mut self, id: EntryId, time: Option<Timestamp>, message: &str) {
        let Some(sync) = self.current_sync else { return };
        let request = &mut self.requests[sync];
        request.add(id, time);
        let failed = message.find("resultCode=").and_then(|at| {
            let digits: String = message[at + "resultCode=".len()..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        });
        if failed.is_some_and(|code| code != 0) {
            request.outcome = Outcome::Error;
            request.reason.get_or_insert_with(|| clean(&ldap_error(message)));
        }
        if message.starts_with("Stopping factory") {
            self.current_sync = None;
        }
    }

    fn begin(&mut self, id: EntryId, time: Option<Timestamp>, key: (IpAddr, u16, u8)) -> usize {
        let index = self.requests.len();
        let mut request = Request::new(RequestKind::Radius, id, time);
        request.client = Some(key.0);
        request.port = Some(key.1);
        request.radius_id = Some(key.2);
        if let Some((section, routed)) = self.routed.remove(&key.0) {
            request.section = Some(section);
            request.entries.insert(0, routed);
        }
        self.requests.push(request);
        self.open.insert(key, index);
        self.last = Some(index);
        index
    }

    fn prefixed(
        &mut self,
        id: EntryId,
        time: Option<Timestamp>,
        key: (IpAddr, u16, u8),
        user: Option<&str>,
        rest: &str,
    ) {
        let duplicate = rest.starts_with("Received duplicate request");
        // The proxy forgets a request 30 s after answering it; the same client, port and id
        // later is another request.
        let forgotten = |r: &Request| r.response_sent && time.is_some_and(|t| t.utc_micros - r.end_micros > 35_000_000);
        let request = match self.open.get(&key) {
            Some(&request) if !forgotten(&self.requests[request]) => request,
            _ => self.begin(id, time, key),
        };
        if duplicate {
            // The routing line before a retransmission belongs to it.
            if let Some((_, routed)) = self.routed.remove(&key.0) {
                self.requests[request].add(routed, None);
            }
        }
        self.last = Some(request);
        let r = &mut self.requests[request];
        if let Some(user) = user {
            if r.user.is_none() {
                r.user = Some(clean(user));
            }
            self.by_user.insert(CompactString::from(user), request);
        }
        let r = &mut self.requests[request];
        if duplicate {
            r.duplicates += 1;
            r.mark(PhaseKind::Duplicate, id, time);
        } else if rest.starts_with("login attempt for username") {
            r.mark(PhaseKind::PrimarySent, id, time);
        } else if let Some(reason) = rest.strip_prefix("Primary credentials rejected") {
            r.mark(PhaseKind::PrimaryAnswer, id, time);
            r.reason = Some(clean(reason.trim_start_matches([' ', '-']).trim()));
            self.ad_pending = None;
        } else if let Some(error) = rest.strip_prefix("Error performing primary authentication: ") {
            r.mark(PhaseKind::PrimaryAnswer, id, time);
            r.reason = Some(clean(error.trim()));
            r.outcome =
                if error.to_ascii_lowercase().contains("timed out") { Outcome::Timeout } else { Outcome::Error };
        } else if rest.starts_with("Cannot decode password") {
            r.add(id, time);
            r.reason = Some(CompactString::from("Cannot decode password (shared secret mismatch)"));
            r.outcome = Outcome::Error;
        } else if rest.starts_with("Got preauth result for: ") {
            r.mark(PhaseKind::PreauthResult, id, time);
            r.preauth = quoted_after(rest, "Got preauth result for: ").map(clean);
            self.ad_pending = None;
        } else if let Some(answer) = rest.strip_prefix("Duo authentication returned ") {
            r.mark(PhaseKind::DuoAnswer, id, time);
            let reason = answer.split_once(": ").map_or(answer, |(_, reason)| reason);
            r.reason = Some(clean(reason.trim().trim_matches(['\'', '"'])));
        } else if let Some(code) = rest.strip_prefix("Returning response code ") {
            r.mark(PhaseKind::Response, id, time);
            let number = code.split(':').next().and_then(|n| n.trim().parse::<u32>().ok());
            let timed_out = r.reason.as_deref().is_some_and(|w| w.to_ascii_lowercase().contains("timed out"));
            if r.outcome != Outcome::Error {
                r.outcome = match number {
                    Some(2) => Outcome::Accept,
                    Some(3) if timed_out => Outcome::Timeout,
                    Some(3) => Outcome::Reject,
                    Some(11) => Outcome::Challenge,
                    _ => Outcome::Error,
                };
            }
        } else if rest.starts_with("Sending response") {
            if r.response_sent {
                r.add(id, time);
            } else {
                r.mark(PhaseKind::ResponseSent, id, time);
            }
            r.response_sent = true;
        } else {
            r.add(id, time);
        }
    }

    fn dropped(&mut self, id: EntryId, time: Option<Timestamp>, rest: &str) {
        // `10.0.0.5:51234 - Unknown Client: 10.0.0.5`
        let (source, reason) = rest.split_once(" - ").unwrap_or((rest, ""));
        let mut request = Request::new(RequestKind::Dropped, id, time);
        if let Some((host, port)) = source.rsplit_once(':') {
            request.client = host.trim_matches(['[', ']']).parse().ok();
            request.port = port.parse().ok();
        }
        if let Some(client) = request.client {
            if let Some((section, routed)) = self.routed.remove(&client) {
                request.section = Some(section);
                request.entries.insert(0, routed);
            }
        }
        request.outcome = Outcome::Error;
        request.reason = Some(clean(reason.trim()));
        self.requests.push(request);
    }

    fn duo_call(&mut self, id: EntryId, time: Option<Timestamp>, rest: &str) {
        // `https://api-x.duosecurity.com:443/rest/v1/preauth: failmode=safe&ipaddr=…&user=alice`
        let (url, form) = rest.split_once(": ").unwrap_or((rest, ""));
        let phase = if url.ends_with("/preauth") {
            PhaseKind::PreauthSent
        } else if url.ends_with("/auth") {
            PhaseKind::AuthSent
        } else {
            return;
        };
        // The user the call names; the proxy may have normalised it (a domain dropped), so the
        // request handled last counts when its user is the same person.
        let user = form_value(form, "user");
        let request = user.as_deref().and_then(|u| self.by_user.get(u).copied()).or_else(|| {
            self.last.filter(|&r| match (&user, &self.requests[r].user) {
                (Some(named), Some(theirs)) => super::filter::same_user(named, theirs),
                _ => true,
            })
        });
        if let Some(request) = request.filter(|&r| !self.requests[r].response_sent) {
            self.requests[request].mark(phase, id, time);
        }
    }

    fn sync_started(&mut self, id: EntryId, time: Option<Timestamp>, message: &str) {
        let index = self.requests.len();
        let mut request = Request::new(RequestKind::DirectorySync, id, time);
        request.outcome = Outcome::Done;
        request.section = message
            .split_whitespace()
            .find_map(|w| w.strip_prefix("host="))
            .map(|h| CompactString::from(format!("directory sync via {h}")));
        self.requests.push(request);
        self.current_sync = Some(index);
    }

    fn json_event(&mut self, id: EntryId, time: Option<Timestamp>, fields: &super::json::EventFields, family: Family) {
        let outcome = match fields.status.to_ascii_lowercase().as_str() {
            "allow" | "succeeded" => Outcome::Accept,
            "reject" => Outcome::Reject,
            "challenge" => Outcome::Challenge,
            "error" | "failed" => Outcome::Error,
            _ => Outcome::Done,
        };
        if family == Family::AuthEvents {
            // The RADIUS request this event reports: same user, and it was being handled then.
            let joined = self.by_user.get(fields.username.as_str()).copied().filter(|&r| {
                let request = &self.requests[r];
                let near = time.is_none_or(|t| {
                    request.start.is_some_and(|s| t.utc_micros >= s.utc_micros - 2_000_000)
                        && t.utc_micros <= request.end_micros + 2_000_000
                });
                near && (fields.server_section.is_empty()
                    || request.section.as_deref().is_none_or(|s| s == fields.server_section.as_str()))
            });
            if let Some(request) = joined {
                self.requests[request].add(id, time);
                return;
            }
        }
        let kind = if family == Family::AuthEvents { RequestKind::AuthEvent } else { RequestKind::SsoEvent };
        let mut request = Request::new(kind, id, time);
        request.outcome = outcome;
        request.client = fields.client_ip.parse().ok();
        request.user = (!fields.username.is_empty()).then(|| clean(&fields.username));
        request.section = (!fields.server_section.is_empty()).then(|| clean(&fields.server_section));
        let reason = if fields.reason.is_empty() { &fields.msg } else { &fields.reason };
        request.reason = (!reason.is_empty()).then(|| clean(reason));
        self.requests.push(request);
    }

    fn finish(mut self, index: &LogIndex) -> Vec<Request> {
        let log_end = index.entries().rev().find_map(|e| e.time()).map_or(i64::MIN, |t| t.utc_micros);
        for request in &mut self.requests {
            let started = request.start.map_or(i64::MIN, |s| s.utc_micros);
            let long_ago = log_end.saturating_sub(started) > 60_000_000;
            match (request.kind, request.outcome) {
                (RequestKind::Radius, Outcome::Pending) if long_ago => {
                    request.outcome = Outcome::Timeout;
                    request.reason.get_or_insert_with(|| CompactString::from("no response was logged"));
                }
                // A connection that bound without two-factor, or closed before it.
                (RequestKind::Ldap, Outcome::Pending) if long_ago => request.outcome = Outcome::Done,
                _ => {}
            }
        }
        self.requests.sort_by_key(|r| r.start.map_or(i64::MIN, |s| s.utc_micros));
        self.requests
    }
}

/// Log text kept in a request (a user name, a reason): control characters as `?` (they would
/// drive a terminal) and secret values masked, as every shown line is.
fn clean(text: &str) -> CompactString {
    let visible: String = text.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    CompactString::from(crate::service::logs::mask_secrets(&visible))
}

/// Lines the AD client writes about the bind it was sent, without the request's prefix.
const AD_ANSWERS: [&str; 9] = [
    "LDAP Authentication Failed",
    "Initial LDAP bind to AD failed",
    "Error sending AD auth request",
    "No remaining AD fallback hosts",
    "Could not find user with username",
    "Found too many users with username",
    "AD Connection failed",
    "AD connection timed out",
    "LDAP search on AD service failed",
];

/// The error of an LDAP response line: its `errorMessage`, else its result code.
fn ldap_error(message: &str) -> String {
    quoted_after(message, "errorMessage=")
        .map(str::to_owned)
        .or_else(|| {
            let code = &message[message.find("resultCode=")? + "resultCode=".len()..];
            Some(format!("LDAP result code {}", code.split([')', ',']).next().unwrap_or(code)))
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_correlation_prefix_is_read_whatever_the_user_name_holds() {
        let (address, port, user, id, rest) =
            correlation_prefix("(('10.0.0.1', 16769), alice, 92): login attempt for username 'alice'").unwrap();
        assert_eq!(
            (address.to_string(), port, user, id, rest),
            ("10.0.0.1".into(), 16769, Some("alice"), 92, "login attempt for username 'alice'")
        );
        let odd = correlation_prefix("(('10.0.0.1', 1), a, b): c, 7): d, 9): Sending response").unwrap();
        assert_eq!((odd.2, odd.3, odd.4), (Some("a, b): c"), 7, "d, 9): Sending response"));
        let no_user = correlation_prefix("(('fe80::1', 5), 200): Sending response").unwrap();
        assert_eq!((no_user.0.to_string(), no_user.2, no_user.3), ("fe80::1".into(), None, 200));
        assert!(correlation_prefix("(('10.0.0.1', 1), alice, 256): x").is_none());
        assert!(correlation_prefix("((x").is_none());
        let spoofed = correlation_prefixes(
            "(('10.0.0.1', 1645), alice, 7): Returning response code 2: AccessAccept, 92): Returning response code 3: AccessReject",
        );
        assert_eq!(spoofed.iter().map(|r| r.3).collect::<Vec<_>>(), [7, 92], "both readings are offered");
        assert!(correlation_prefix("Summary: drpc_timing.").is_none());
    }

    #[test]
    fn form_values_are_decoded() {
        assert_eq!(
            form_value("failmode=safe&ipaddr=10.0.0.9%3A1194&user=m%C3%BCller", "user").as_deref(),
            Some("müller")
        );
        assert_eq!(form_value("user=a+b", "user").as_deref(), Some("a b"));
        assert_eq!(form_value("user=%zz%4", "user").as_deref(), Some("%zz%4"));
        assert_eq!(form_value("x=1", "user"), None);
        assert_eq!(form_value("user=%a\u{e9}", "user").as_deref(), Some("%a\u{e9}"), "no panic inside a character");
    }
}
