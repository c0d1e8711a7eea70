//! Finding things in an index: requests and lines by user, client, section, outcome, level, time
//! and text; the noise folded away; and the summary admins ask for.

use std::collections::BTreeMap;
use std::net::IpAddr;

use regex::bytes::{Regex, RegexBuilder};
use rustc_hash::FxHashSet;

use super::files::Entries;
use super::index::{EntryId, EntryView, LogIndex};
use super::line::Level;
use super::request::{Outcome, Request, RequestKind};
use super::time::Timestamp;

/// What to look for; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The user name (case ignored; `DOMAIN\alice` and `alice@domain` match `alice`).
    pub user: Option<String>,
    /// The client's address, or a network (`10.0.0.0/24`).
    pub client: Option<ClientMatch>,
    /// The config section (case ignored).
    pub section: Option<String>,
    /// Only these outcomes.
    pub outcomes: Vec<Outcome>,
    /// Lines at least this serious.
    pub min_level: Option<Level>,
    /// From this moment (UTC microseconds, inclusive).
    pub since: Option<i64>,
    /// Until this moment (UTC microseconds, inclusive).
    pub until: Option<i64>,
    /// Text anywhere in a line (case ignored).
    pub text: Option<String>,
    /// Show the noise (directory-sync summaries, packet dumps, start-up config dumps, LDAP traces).
    pub show_noise: bool,
}

/// An address or a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientMatch {
    address: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for ClientMatch {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = text.trim().split_once('/').map_or((text.trim(), None), |(a, p)| (a, Some(p)));
        let address: IpAddr = address.parse().map_err(|_| format!("'{text}' is not an IP address or network"))?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("'{text}': the prefix length must be 0-{max}"))?,
        };
        Ok(Self { address, prefix })
    }
}

impl ClientMatch {
    /// Whether `address` is this address or in this network.
    #[must_use]
    pub fn contains(&self, address: IpAddr) -> bool {
        let bits = |a: IpAddr| -> (u128, u32) {
            match a {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
                IpAddr::V6(v6) => (u128::from(v6), 128),
            }
        };
        let ((want, width), (have, other)) = (bits(self.address), bits(address));
        if width != other {
            return false;
        }
        let shift = width - u32::from(self.prefix);
        shift >= 128 || (want >> shift) == (have >> shift)
    }
}

/// Whether two user names are the same person: case ignored, and a `DOMAIN\` or `@domain` part
/// ignored when only one side has it.
#[must_use]
pub fn same_user(wanted: &str, logged: &str) -> bool {
    if wanted.eq_ignore_ascii_case(logged) || wanted.to_lowercase() == logged.to_lowercase() {
        return true;
    }
    let bare = |name: &str| -> String {
        let name = name.rsplit_once('\\').map_or(name, |(_, n)| n);
        name.split_once('@').map_or(name, |(n, _)| n).to_lowercase()
    };
    bare(wanted) == bare(logged)
}

/// Whether an entry is routine chatter folded away by default.
#[must_use]
pub fn is_noise(entry: &EntryView<'_>) -> bool {
    let message = entry.message_bytes();
    const NOISE: [&[u8]; 9] = [
        b"Summary: drpc_",
        b"Returning list of configured directory syncs",
        b"Packet dump - ",
        b"b'",
        b"b\"",
        b"Starting factory ",
        b"Stopping factory ",
        b"C->S ",
        b"C<-S ",
    ];
    NOISE.iter().any(|start| message.starts_with(start))
        || (message.ends_with(b"Configuration:") && entry.bytes().contains(&b'\n'))
}

/// The text search compiled once: every file searched whole (files in parallel), matches
/// mapped to entries. The needle is also looked for as Windows-1252 bytes and as a JSON string
/// writes it (`\u00fc`), and an entry counts only when its text as shown (secrets masked) still
/// holds it, so a search cannot confirm a guessed secret. An ASCII needle is matched without
/// Unicode case folding, which lets the regex engine's literal prefilter run at memory speed.
fn text_matches(index: &LogIndex, text: &str) -> FxHashSet<EntryId> {
    let mut forms = vec![regex::escape(text)];
    let mut shown_forms = vec![text.to_lowercase()];
    if !text.is_ascii() {
        let (ansi, _, lossy) = encoding_rs::WINDOWS_1252.encode(text);
        if !lossy {
            // Raw bytes, not code points: `(?-u:\xfc)` is the byte 0xFC.
            let bytes: String = ansi.iter().map(|b| format!("\\x{b:02x}")).collect();
            forms.push(format!("(?-u:{bytes})"));
        }
        let json = serde_json::to_string(text).unwrap_or_default();
        let escaped: String = json.trim_matches('"').encode_utf16().fold(String::new(), |mut out, unit| {
            if unit < 0x80 {
                out.push(char::from(unit as u8));
            } else {
                out.push_str(&format!("\\u{unit:04x}"));
            }
            out
        });
        forms.push(regex::escape(&escaped));
        shown_forms.push(escaped.to_lowercase());
    }
    let pattern = format!("(?:{})", forms.join("|"));
    let Ok(regex) = RegexBuilder::new(&pattern).case_insensitive(true).unicode(!text.is_ascii()).build() else {
        return FxHashSet::default();
    };
    let per_file: Vec<Vec<EntryId>> = std::thread::scope(|scope| {
        let handles: Vec<_> = index
            .files
            .iter()
            .enumerate()
            .map(|(file_index, file)| {
                let regex = &regex;
                scope.spawn(move || {
                    let starts: Vec<usize> = match &file.entries {
                        Entries::Text(entries) => entries.iter().map(|e| e.range().start).collect(),
                        Entries::Json(events) => events.iter().map(|e| e.range.start as usize).collect(),
                    };
                    let mut found = Vec::new();
                    search_file(regex, &file.bytes, &starts, |entry| {
                        found.push(EntryId { file: file_index as u32, entry: entry as u32 });
                    });
                    found
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    per_file
        .into_iter()
        .flatten()
        .filter(|&id| {
            let shown = super::display_text(index.entry(id).bytes()).to_lowercase();
            shown_forms.iter().any(|form| shown.contains(form.as_str()))
        })
        .collect()
}

fn search_file(regex: &Regex, bytes: &[u8], starts: &[usize], mut hit: impl FnMut(usize)) {
    let mut last = usize::MAX;
    for m in regex.find_iter(bytes) {
        let entry = starts.partition_point(|&s| s <= m.start()).saturating_sub(1);
        if entry != last && !starts.is_empty() {
            hit(entry);
            last = entry;
        }
    }
}

/// What a query matched.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// Requests, by position in [`LogIndex::requests`], in time order.
    pub requests: Vec<u32>,
    /// Lines, in time order.
    pub lines: Vec<EntryId>,
    /// Lines that matched but were folded as noise.
    pub folded: usize,
}

impl Query {
    /// Whether the query says anything about requests (user, client, section or outcome).
    #[must_use]
    pub fn is_about_requests(&self) -> bool {
        self.user.is_some() || self.client.is_some() || self.section.is_some() || !self.outcomes.is_empty()
    }

    fn in_time(&self, micros: Option<i64>) -> bool {
        match micros {
            None => self.since.is_none() && self.until.is_none(),
            Some(t) => self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u),
        }
    }

    fn request_matches(&self, request: &Request, hits: Option<&FxHashSet<EntryId>>) -> bool {
        let start = request.start.map(|s| s.utc_micros);
        // A request counts when any of it falls in the time range.
        let in_time = match start {
            None => self.since.is_none() && self.until.is_none(),
            Some(s) => {
                self.since.is_none_or(|since| request.end_micros >= since) && self.until.is_none_or(|until| s <= until)
            }
        };
        in_time
            && self.user.as_deref().is_none_or(|u| request.user.as_deref().is_some_and(|l| same_user(u, l)))
            && self.client.is_none_or(|c| request.client.is_some_and(|a| c.contains(a)))
            && self
                .section
                .as_deref()
                .is_none_or(|s| request.section.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(s)))
            && (self.outcomes.is_empty() || self.outcomes.contains(&request.outcome))
            && hits.is_none_or(|hits| request.entries.iter().any(|e| hits.contains(e)))
    }

    /// Runs the query over `index`.
    #[must_use]
    pub fn run(&self, index: &LogIndex) -> Matches {
        let hits = self.text.as_deref().filter(|t| !t.is_empty()).map(|t| text_matches(index, t));
        let requests: Vec<u32> = index
            .requests
            .iter()
            .enumerate()
            .filter(|(_, r)| self.request_matches(r, hits.as_ref()))
            .map(|(i, _)| i as u32)
            .collect();
        let mut folded = 0;
        let mut lines = Vec::new();
        if self.is_about_requests() {
            // The requests' own lines, each request's already in time order.
            let mut wanted: Vec<(i64, EntryId)> = requests
                .iter()
                .flat_map(|&r| index.requests[r as usize].entries.iter())
                .map(|&id| (index.entry(id).time().map_or(i64::MIN, |t| t.utc_micros), id))
                .collect();
            wanted.sort_unstable();
            wanted.dedup();
            for (_, id) in wanted {
                if self.line_matches(index, id, hits.as_ref(), &mut folded) {
                    lines.push(id);
                }
            }
        } else {
            for &id in &index.order {
                if self.line_matches(index, id, hits.as_ref(), &mut folded) {
                    lines.push(id);
                }
            }
        }
        Matches { requests, lines, folded }
    }

    fn line_matches(
        &self,
        index: &LogIndex,
        id: EntryId,
        hits: Option<&FxHashSet<EntryId>>,
        folded: &mut usize,
    ) -> bool {
        if hits.is_some_and(|h| !h.contains(&id)) {
            return false;
        }
        let entry = index.entry(id);
        if !self.in_time(entry.time().map(|t| t.utc_micros)) || self.min_level.is_some_and(|l| entry.level() < l) {
            return false;
        }
        if !self.show_noise && is_noise(&entry) {
            *folded += 1;
            return false;
        }
        true
    }
}

/// Counts of one minute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MinuteCounts {
    /// Accepted.
    pub accepts: u32,
    /// Rejected.
    pub rejects: u32,
    /// Timed out.
    pub timeouts: u32,
    /// Errors.
    pub errors: u32,
}

/// The answers admins ask for first.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Each section's last accepted login: section, when, who.
    pub last_success: BTreeMap<String, (Timestamp, String)>,
    /// Outcomes per minute (key: UTC minutes since 1970).
    pub per_minute: BTreeMap<i64, MinuteCounts>,
    /// How many requests of each outcome.
    pub outcomes: BTreeMap<&'static str, usize>,
    /// How many client retransmissions.
    pub duplicates: u64,
}

impl Summary {
    /// The summary of `requests` (positions in `index.requests`).
    #[must_use]
    pub fn of(index: &LogIndex, requests: &[u32]) -> Self {
        let mut summary = Self::default();
        for &position in requests {
            let request = &index.requests[position as usize];
            *summary.outcomes.entry(request.outcome.name()).or_default() += 1;
            summary.duplicates += u64::from(request.duplicates);
            let Some(start) = request.start else { continue };
            if !matches!(
                request.kind,
                RequestKind::Radius | RequestKind::Ldap | RequestKind::AuthEvent | RequestKind::Dropped
            ) {
                continue;
            }
            let counts = summary.per_minute.entry(start.utc_micros.div_euclid(60_000_000)).or_default();
            match request.outcome {
                Outcome::Accept => counts.accepts += 1,
                Outcome::Reject => counts.rejects += 1,
                Outcome::Timeout => counts.timeouts += 1,
                Outcome::Error => counts.errors += 1,
                _ => {}
            }
            if request.outcome == Outcome::Accept {
                let section = request.section.as_deref().unwrap_or("(unknown section)").to_owned();
                let user = request.user.as_deref().unwrap_or("").to_owned();
                let newer = summary.last_success.get(&section).is_none_or(|(t, _)| *t <= start);
                if newer {
                    summary.last_success.insert(section, (start, user));
                }
            }
        }
        summary
    }
}

/// What a typed time is read against: the log's own offset (for times written without one),
/// the day of its last entry (for a bare `09:14`), and now (for `2h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeContext {
    /// The log's offset from UTC, in minutes.
    pub offset_minutes: i16,
    /// Now, UTC microseconds.
    pub now_micros: i64,
    /// The log's last moment, UTC microseconds.
    pub last_micros: i64,
}

impl TimeContext {
    /// The context of `index` at this moment.
    #[must_use]
    pub fn of(index: &LogIndex) -> Self {
        let now_micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
        let last = index.entries().rev().find_map(|e| e.time());
        // JSON logs are in UTC: the zone is the text logs'.
        let local = index.entries().rev().filter(|e| !e.file.name.family.is_json()).find_map(|e| e.time());
        Self {
            offset_minutes: local.map_or(0, |t| t.offset_minutes),
            now_micros,
            last_micros: last.map_or(now_micros, |t| t.utc_micros),
        }
    }
}

/// A time given by an administrator: `2023-01-11T09:14:00-0500`, `2023-01-11 09:14`,
/// `2023-01-11`, `09:14` (on the log's last day), all in the log's zone when written without an
/// offset; or a span back from now (`90s`, `30m`, `2h`, `7d`).
///
/// # Errors
/// The text is none of these.
pub fn parse_time(text: &str, context: &TimeContext) -> Result<i64, String> {
    let text = text.trim();
    let span = |unit: char, seconds: i64| -> Option<i64> {
        let number: i64 = text.strip_suffix(unit)?.parse().ok().filter(|n| *n >= 0)?;
        context.now_micros.checked_sub(number.checked_mul(seconds)?.checked_mul(1_000_000)?)
    };
    if let Some(back) = span('s', 1).or_else(|| span('m', 60)).or_else(|| span('h', 3600)).or_else(|| span('d', 86_400))
    {
        return Ok(back);
    }
    let offset = context.offset_minutes;
    let mut full = text.replacen(' ', "T", 1);
    if matches!(full.len(), 5 | 8) && full.as_bytes().get(2) == Some(&b':') {
        let local_last =
            Timestamp { utc_micros: context.last_micros + i64::from(offset) * 60_000_000, offset_minutes: 0 };
        let day = local_last.to_string();
        full = format!("{}T{full}", &day[..10]);
    }
    if full.len() == 10 {
        full.push_str("T00:00:00");
    } else if full.len() == 16 {
        full.push_str(":00");
    }
    if let Some((time, _)) = super::time::parse(full.as_bytes()) {
        return Ok(time.utc_micros);
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let local = format!("{full}{sign}{:02}{:02}", offset.unsigned_abs() / 60, offset.unsigned_abs() % 60);
    super::time::parse(local.as_bytes()).map(|(t, _)| t.utc_micros).ok_or_else(|| {
        format!(
            "'{text}' is not a time: write 09:14, 2023-01-11T09:14, 2023-01-11 09:14:00-0500, 2023-01-11, \
             or a span back such as 30m, 2h, 7d"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_match_with_or_without_their_domain() {
        assert!(same_user("alice", "ALICE"));
        assert!(same_user("alice", "EXAMPLE\\alice"));
        assert!(same_user("alice@example.com", "alice"));
        assert!(same_user("Müller", "müller"));
        assert!(!same_user("alice", "alice2"));
    }

    #[test]
    fn clients_match_addresses_and_networks() {
        let net: ClientMatch = "10.0.0.0/24".parse().unwrap();
        assert!(net.contains("10.0.0.9".parse().unwrap()));
        assert!(!net.contains("10.0.1.9".parse().unwrap()));
        assert!(!net.contains("::1".parse().unwrap()));
        let one: ClientMatch = "10.0.0.9".parse().unwrap();
        assert!(one.contains("10.0.0.9".parse().unwrap()) && !one.contains("10.0.0.8".parse().unwrap()));
        let all: ClientMatch = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("192.168.1.1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<ClientMatch>().is_err());
        assert!("host".parse::<ClientMatch>().is_err());
    }

    #[test]
    fn times_are_read_in_every_form_an_admin_types() {
        let context =
            TimeContext { offset_minutes: -300, now_micros: 1_000_000_000_000, last_micros: 1_673_478_000_000_000 };
        let at = |t: &str| parse_time(t, &context).map(|m| Timestamp { utc_micros: m, offset_minutes: 0 }.to_string());
        assert_eq!(at("2023-01-11T09:14").unwrap(), "2023-01-11T14:14:00Z");
        assert_eq!(at("2023-01-11 09:14:30").unwrap(), "2023-01-11T14:14:30Z");
        assert_eq!(at("2023-01-11").unwrap(), "2023-01-11T05:00:00Z");
        assert_eq!(at("2023-01-11T09:14:00Z").unwrap(), "2023-01-11T09:14:00Z");
        // The log's last entry is 2023-01-11T23:00:00Z, 18:00 in the log's zone.
        assert_eq!(at("09:14").unwrap(), "2023-01-11T14:14:00Z", "a bare time is on the log's last day");
        assert_eq!(at("09:14:30").unwrap(), "2023-01-11T14:14:30Z");
        assert_eq!(
            at("2h").unwrap(),
            Timestamp { utc_micros: 1_000_000_000_000 - 7_200_000_000, offset_minutes: 0 }.to_string()
        );
        assert!(at("yesterday").unwrap_err().contains("not a time"));
        assert!(at("99999999999999999d").is_err());
        assert!(at("-9223372036854s").is_err(), "no overflow, no span forward");
    }
}
