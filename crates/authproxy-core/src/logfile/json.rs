//! The JSON-lines event logs: `authevents.log` (one object per authentication step, written with
//! `log_auth_events=true`) and `ssoevents.log` (SSO connectivity and LDAP queries). Times are UTC.
//! A line that is not a JSON object is kept as an unreadable event, never fatal.

use std::ops::Range;

use compact_str::CompactString;
use serde::Deserialize;

use super::line::Level;
use super::time::{self, Timestamp};

/// One line of a JSON event log, by offsets: its fields are read again when asked for, so the
/// index stays a fraction of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonEvent {
    /// The line, by byte offsets, without its line break.
    pub range: Range<u32>,
    /// `timestamp` (ISO, UTC), else Twisted's `log_time`; `None` for an unreadable line.
    pub time: Option<Timestamp>,
    /// From the status: `Error`/`failed` are errors, `Reject` a warning; an unreadable line is a
    /// warning.
    pub level: Level,
}

impl JsonEvent {
    /// The line's bytes in `bytes` (its file).
    #[must_use]
    pub fn line<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        &bytes[self.range.start as usize..self.range.end as usize]
    }

    /// What the line says; `None` when it is not a JSON object.
    #[must_use]
    pub fn fields(&self, bytes: &[u8]) -> Option<EventFields> {
        serde_json::from_slice(self.line(bytes)).ok()
    }
}

/// The fields the proxy writes (both files; absent ones are empty).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EventFields {
    /// The message.
    pub msg: CompactString,
    /// The user name.
    pub username: CompactString,
    /// `Primary authentication`, `Secondary authentication` or `Unknown` (authevents); for an
    /// LDAP query, `query_type` (ssoevents).
    #[serde(alias = "query_type")]
    pub auth_stage: CompactString,
    /// `Allow`, `Reject`, `Challenge`, `Error` (authevents); `succeeded`, `failed` (ssoevents).
    pub status: CompactString,
    /// The client's address.
    pub client_ip: CompactString,
    /// The config section that served the request.
    pub server_section: CompactString,
    /// The second factor used.
    pub factor: CompactString,
    /// The proxy's host name.
    pub hostname: CompactString,
    /// `connectivity` or `ldap_query` (ssoevents).
    pub event_type: CompactString,
    /// The directory server queried (ssoevents).
    pub server: CompactString,
    /// Why a query failed (ssoevents).
    pub reason: CompactString,
    /// The logged level's name (`log_level.name`).
    #[serde(deserialize_with = "level_name")]
    pub log_level: CompactString,
    timestamp: CompactString,
    log_time: Option<f64>,
}

fn level_name<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<CompactString, D::Error> {
    #[derive(Deserialize)]
    struct Named {
        #[serde(default)]
        name: CompactString,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Level {
        Named(Named),
        Text(CompactString),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Level::deserialize(deserializer)? {
        Level::Named(named) => named.name,
        Level::Text(text) => text,
        Level::Other(_) => CompactString::default(),
    })
}

/// Every line of a JSON-lines log, in file order (the first 4 GiB).
#[must_use]
pub fn parse_json_lines(bytes: &[u8]) -> Vec<JsonEvent> {
    let bytes = &bytes[..bytes.len().min(u32::MAX as usize)];
    let mut events = Vec::with_capacity(bytes.len() / 400);
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.iter().all(u8::is_ascii_whitespace) {
            // Offsets fit: at most 4 GiB are read.
            let range = start as u32..(start + line.len()) as u32;
            events.push(event(range, line));
        }
        start = end + 1;
    }
    events
}

fn event(range: Range<u32>, line: &[u8]) -> JsonEvent {
    let Ok(fields) = serde_json::from_slice::<EventFields>(line) else {
        return JsonEvent { range, time: None, level: Level::Warning };
    };
    let time = time::parse(fields.timestamp.as_bytes()).map(|(t, _)| t).or_else(|| {
        let seconds = fields.log_time.filter(|s| s.is_finite() && s.abs() < 1e12)?;
        // Whole microseconds: the conversion cannot overflow below 1e12 s.
        #[allow(clippy::cast_possible_truncation)]
        let utc_micros = (seconds * 1e6).round() as i64;
        Some(Timestamp { utc_micros, offset_minutes: 0 })
    });
    let level = match fields.status.to_ascii_lowercase().as_str() {
        "error" | "failed" => Level::Error,
        "reject" => Level::Warning,
        _ => Level::Info,
    };
    JsonEvent { range, time, level }
}

impl EventFields {
    /// When the event happened as written (`timestamp`).
    #[must_use]
    pub fn timestamp_text(&self) -> &str {
        &self.timestamp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_and_sso_events_are_read_in_utc_and_bad_lines_are_kept() {
        let log = concat!(
            r#"{"timestamp": "2023-01-11T13:25:24.393624Z", "msg": "Duo authentication returned 'deny': 'Login timed out.'", "username": "müller", "auth_stage": "Secondary authentication", "status": "Reject", "client_ip": "10.0.0.9", "server_section": "radius_server_auto", "server_section_ikey": "DIXXXXXXXXXXXXXXXXXX", "factor": "duo_push", "hostname": "proxy1", "log_level": {"name": "info", "__class_uuid__": "x"}, "log_time": 1673443524.393624}"#,
            "\r\n",
            "not json at all\n",
            "\n",
            r#"{"msg": "LDAP query failed", "event_type": "ldap_query", "query_type": "Primary authentication", "status": "failed", "server": "dc1", "port": 636, "reason": "invalid credentials", "log_time": 1673443525.5}"#,
        );
        let events = parse_json_lines(log.as_bytes());
        assert_eq!(events.len(), 3);
        let bytes = log.as_bytes();
        let first = events[0].fields(bytes).unwrap();
        assert_eq!(first.username, "müller");
        assert_eq!(first.status, "Reject");
        assert_eq!(first.log_level, "info");
        assert_eq!(events[0].time.unwrap().to_string(), "2023-01-11T13:25:24.393624Z");
        assert_eq!(&log.as_bytes()[events[1].range.start as usize..events[1].range.end as usize], b"not json at all");
        assert!(events[1].fields(bytes).is_none() && events[1].time.is_none());
        assert_eq!((events[0].level, events[1].level, events[2].level), (Level::Warning, Level::Warning, Level::Error));
        let sso = events[2].fields(bytes).unwrap();
        assert_eq!(
            (sso.auth_stage.as_str(), sso.status.as_str(), sso.reason.as_str()),
            ("Primary authentication", "failed", "invalid credentials")
        );
        assert_eq!(
            events[2].time.unwrap().to_string(),
            "2023-01-11T13:25:25.500000Z",
            "log_time when there is no timestamp"
        );
    }
}
