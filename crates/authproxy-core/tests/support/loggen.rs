//! Writes proxy logs in the real grammar (Duo 5.x `authproxy.log` and `authevents.log`) for the
//! log explorer's tests and benches: requests that accept, reject, time out and get retransmitted;
//! non-ASCII user names; CRLF; rotation; invalid bytes; directory-sync noise; start-up dumps.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// How one generated request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Story {
    /// AD accepts, Duo push approved: Access-Accept.
    Accept,
    /// AD says wrong password (data 52e): Access-Reject, Duo not asked.
    WrongPassword,
    /// The push is not answered; the client retransmits twice; Duo says "Login timed out".
    PushTimeout,
    /// The client's shared secret differs.
    SecretMismatch,
    /// The client is not in any radius_ip_N.
    UnknownClient,
    /// Duo rejects the integration key (40102); failmode secure denies.
    InvalidIkey,
    /// The service account's bind fails (data 52e).
    ServiceAccountPassword,
}

/// A log being written.
pub struct LogGen {
    /// Local time of the next line, microseconds since 1970 (in the writer's zone).
    local_micros: i64,
    offset_minutes: i16,
    /// Whole seconds (5.0.0) or microseconds (later builds).
    micros: bool,
    crlf: bool,
    seed: u64,
    /// `authproxy.log`.
    pub text: Vec<u8>,
    /// `authevents.log`.
    pub events: Vec<u8>,
}

impl LogGen {
    /// A log starting at 2023-01-11T08:00:00 in UTC-5.
    pub fn new(seed: u64) -> Self {
        Self {
            local_micros: 1_673_424_000_000_000,
            offset_minutes: -300,
            micros: true,
            crlf: false,
            seed,
            text: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The next line at this moment (UTC microseconds), written in the zone `offset_minutes`.
    pub fn at(mut self, utc_micros: i64, offset_minutes: i16) -> Self {
        self.local_micros = utc_micros + i64::from(offset_minutes) * 60_000_000;
        self.offset_minutes = offset_minutes;
        self
    }

    /// Whole-second timestamps, as 5.0.0 writes them.
    pub fn whole_seconds(mut self) -> Self {
        self.micros = false;
        self
    }

    /// Lines end in CRLF.
    pub fn crlf(mut self) -> Self {
        self.crlf = true;
        self
    }

    fn next(&mut self) -> u64 {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        self.seed
    }

    /// Moves the clock on.
    pub fn wait_ms(&mut self, ms: i64) {
        self.local_micros += ms * 1000;
    }

    fn stamp(&self) -> String {
        let seconds = self.local_micros.div_euclid(1_000_000);
        let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (y, m, d) = civil(days);
        let mut out = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", in_day / 3600, in_day % 3600 / 60, in_day % 60);
        if self.micros {
            let _ = write!(out, ".{:06}", self.local_micros.rem_euclid(1_000_000));
        }
        let off = self.offset_minutes;
        let _ = write!(
            out,
            "{}{:02}{:02}",
            if off < 0 { '-' } else { '+' },
            off.unsigned_abs() / 60,
            off.unsigned_abs() % 60
        );
        out
    }

    fn utc_stamp(&self) -> String {
        let utc = self.local_micros - i64::from(self.offset_minutes) * 60_000_000;
        let seconds = utc.div_euclid(1_000_000);
        let (days, in_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (y, m, d) = civil(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
            in_day / 3600,
            in_day % 3600 / 60,
            in_day % 60,
            utc.rem_euclid(1_000_000)
        )
    }

    /// One entry: `<time> [<system>] <message>`; a message with line breaks gets TAB continuation lines.
    pub fn line(&mut self, system: &str, message: &str) {
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let body = message.replace('\n', &format!("{eol}\t"));
        let line = format!("{} [{system}] {body}{eol}", self.stamp());
        self.text.extend_from_slice(line.as_bytes());
    }

    pub(crate) fn info(&mut self, message: &str) {
        self.line("duoauthproxy.lib.log#info", message);
    }

    /// One `#info` entry.
    pub fn info_line(&mut self, message: &str) {
        self.info(message);
    }

    /// Raw bytes as a line (invalid UTF-8 and all).
    pub fn raw(&mut self, bytes: &[u8]) {
        let mut line = self.stamp().into_bytes();
        line.extend_from_slice(b" [duoauthproxy.lib.log#info] ");
        line.extend_from_slice(bytes);
        line.extend_from_slice(if self.crlf { b"\r\n" } else { b"\n" });
        self.text.extend_from_slice(&line);
    }

    fn event(&mut self, user: &str, stage: &str, status: &str, msg: &str, client: &str, section: &str) {
        let object = serde_json::json!({
            "timestamp": self.utc_stamp(), "msg": msg, "username": user, "auth_stage": stage, "status": status,
            "client_ip": client, "server_section": section, "server_section_ikey": "DIXXXXXXXXXXXXXXXXXX",
            "factor": "duo_push", "hostname": "proxy1",
            "log_namespace": "duoauthproxy.lib.log", "log_level": {"name": "info", "__class_uuid__": "10bd"},
            "log_time": 0.0, "log_format": null, "log_source": null, "log_logger": {"unpersistable": true},
        });
        self.events.extend_from_slice(object.to_string().as_bytes());
        self.events.push(b'\n');
    }

    /// The start-up burst: config dumps (continuation lines) and the banner.
    pub fn startup(&mut self, version: &str) {
        self.info(&format!("Duo Security Authentication Proxy {version} - Init Complete"));
        self.info("Main Configuration:\n{'debug': 'true', 'log_max_files': '6'}");
        self.info("RADIUS Automatic Factor Server Module Configuration:\n{'api_host': 'api-xxxxxxxx.duosecurity.com',\n 'ikey': 'DIXXXXXXXXXXXXXXXXXX',\n 'radius_ip_1': '10.0.0.1',\n 'radius_secret_1': '*****',\n 'skey': '*****[40]'}");
        self.line("-", "RadiusAutoServer starting on 1812");
    }

    /// Directory-sync chatter: the seven lines written every 40 s.
    pub fn sync_chatter(&mut self) {
        let call = format!("{:032x}", u128::from(self.next()) << 64 | u128::from(self.next()));
        self.info(&format!("Summary: drpc_timing. Extra data: {{'data_length': 138, 'parse_duration': 0, 'decompress_duration': None, 'call_id': '{call}'}}"));
        self.info("Returning list of configured directory syncs. ['DIXXXXXXXXXXXXXXXXXX']");
        self.info("Summary: drpc_jsonify_metrics. Extra data: {'json_parse_time': 0.0, 'length': 173}");
        self.info(&format!(
            "Summary: drpc_msg_metrics. Extra data: {{'msg_time': 0.0, 'data_length': 174, 'msg_id': '{call}'}}"
        ));
        self.info(&format!("Summary: drpc_timing. Extra data: {{'data_length': 82, 'parse_duration': 0, 'decompress_duration': None, 'call_id': '{call}'}}"));
        self.info("Summary: drpc_jsonify_metrics. Extra data: {'json_parse_time': 0.0, 'length': 117}");
        self.info(&format!(
            "Summary: drpc_msg_metrics. Extra data: {{'msg_time': 0.0, 'data_length': 118, 'msg_id': '{call}'}}"
        ));
    }

    /// One RADIUS request from `client:port` with RADIUS id `id`, told as `story`.
    pub fn request(&mut self, story: Story, user: &str, client: &str, port: u16, id: u8) {
        let section = "radius_server_auto";
        let prefix = format!("(('{client}', {port}), {user}, {id})");
        let api = "https://api-xxxxxxxx.duosecurity.com:443/rest/v1";
        if story == Story::UnknownClient {
            self.info(&format!("dropping packet from {client}:{port} - Unknown Client: {client}"));
            return;
        }
        self.info(&format!("Sending request from {client} to {section}"));
        self.info(&format!("Received new request id {id} from ('{client}', {port})"));
        if story == Story::SecretMismatch {
            self.info(&format!("{prefix}: Cannot decode password using the configured radius_secret. Please ensure the client and Authentication Proxy use the same shared secret."));
            self.event(user, "Unknown", "Error", "Cannot decode password", client, section);
            self.info(&format!("{prefix}: Returning response code 3: AccessReject"));
            self.info(&format!("{prefix}: Sending response"));
            return;
        }
        self.info(&format!("{prefix}: login attempt for username '{user}'"));
        self.info(&format!("Sending AD authentication request for '{user}' to '10.0.0.200'"));
        self.wait_ms(15);
        match story {
            Story::WrongPassword => {
                self.info("LDAP Authentication Failed: 'invalidCredentials: 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563\\x00'");
                self.info(&format!("{prefix}: Primary credentials rejected - User Authentication Failed"));
                self.event(user, "Primary authentication", "Reject", "User Authentication Failed", client, section);
                self.info(&format!("{prefix}: Returning response code 3: AccessReject"));
                self.info(&format!("{prefix}: Sending response"));
                return;
            }
            Story::ServiceAccountPassword => {
                self.info("Initial LDAP bind to AD failed: 'invalidCredentials: 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563\\x00'");
                self.info("Error sending AD auth request to '10.0.0.200'. Trying next fallback host...");
                self.info("No remaining AD fallback hosts; returning authentication failure...");
                self.info(&format!(
                    "{prefix}: Primary credentials rejected - Failed to communicate with any Active Directory server"
                ));
                self.info(&format!("{prefix}: Returning response code 3: AccessReject"));
                self.info(&format!("{prefix}: Sending response"));
                return;
            }
            _ => {}
        }
        self.event(user, "Primary authentication", "Allow", "Primary authentication successful - ", client, section);
        let form_user = user
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
            .collect::<String>();
        self.info(&format!("http POST to {api}/preauth: failmode=secure&ipaddr=10.0.0.99&user={form_user}"));
        self.wait_ms(400);
        if story == Story::InvalidIkey {
            self.line(
                "duoauthproxy.lib.log#critical",
                "Duo preauth call failed\nTraceback (most recent call last):\n  File \"duoauthproxy/lib/duo_async.py\", line 200, in call\nduoauthproxy.lib.duo_async.DuoAPIFailClosedError: 40102: Invalid integration key in request credentials",
            );
            self.info(&format!("{prefix}: Failmode Secure - Denied Duo login on preauth failure"));
            self.event(
                user,
                "Secondary authentication",
                "Reject",
                "Failmode Secure - Denied Duo login on preauth failure",
                client,
                section,
            );
            self.info(&format!("{prefix}: Returning response code 3: AccessReject"));
            self.info(&format!("{prefix}: Sending response"));
            return;
        }
        self.info(&format!("{prefix}: Got preauth result for: 'auth'"));
        self.info(&format!("http POST to {api}/auth: auto=xxxxxxxx&factor=auto&ipaddr=10.0.0.99&user={form_user}"));
        if story == Story::PushTimeout {
            for _ in 0..2 {
                self.wait_ms(5_000);
                self.info(&format!("Sending request from {client} to {section}"));
                self.info(&format!("{prefix}: Received duplicate request"));
            }
            self.wait_ms(50_000);
            self.info(&format!("{prefix}: Duo authentication returned 'deny': 'Login timed out.'"));
            self.event(user, "Secondary authentication", "Reject", "Login timed out.", client, section);
            self.info(&format!("{prefix}: Returning response code 3: AccessReject"));
            self.info(&format!("{prefix}: Sending response"));
            return;
        }
        let approve = 2_500 + (self.next() % 4000) as i64;
        self.wait_ms(approve);
        self.info(&format!("{prefix}: Duo authentication returned 'allow': 'Success. Logging you in...'"));
        self.event(user, "Secondary authentication", "Allow", "Success. Logging you in...", client, section);
        self.info(&format!("{prefix}: Returning response code 2: AccessAccept"));
        self.info(&format!("{prefix}: Sending response"));
    }

    /// A realistic day: mostly directory-sync chatter, requests of every story now and then.
    pub fn mixed(mut self, bytes: usize) -> Self {
        let users = ["alice", "bob", "müller", "jürgen.ß", "EXAMPLE\\carol", "dave@example.com"];
        let stories = [
            Story::Accept,
            Story::Accept,
            Story::Accept,
            Story::WrongPassword,
            Story::PushTimeout,
            Story::SecretMismatch,
            Story::UnknownClient,
        ];
        self.startup("6.4.2");
        let mut n: u64 = 0;
        while self.text.len() < bytes {
            n += 1;
            self.sync_chatter();
            self.wait_ms(40_000);
            if n.is_multiple_of(3) {
                let pick = self.next();
                let story = stories[(pick % stories.len() as u64) as usize];
                let user = users[(pick / 7 % users.len() as u64) as usize];
                let port = 40_000 + (pick % 20_000) as u16;
                let client = if story == Story::UnknownClient { "10.0.0.9" } else { "10.0.0.1" };
                self.request(story, user, client, port, (n % 256) as u8);
            }
            if n.is_multiple_of(100) {
                self.raw(b"Bind failed for M\xfcller \xff\xfe");
            }
        }
        self
    }

    /// Writes `authproxy.log` rotated every `max_size` bytes (`.1` newest), and `authevents.log`.
    pub fn write(&self, dir: &Path, max_size: usize) -> std::io::Result<()> {
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut rest = self.text.as_slice();
        while rest.len() > max_size {
            // Rotation happens between lines.
            let cut = rest[..max_size].iter().rposition(|&b| b == b'\n').map_or(max_size, |i| i + 1);
            let (head, tail) = rest.split_at(cut);
            chunks.push(head);
            rest = tail;
        }
        chunks.push(rest);
        let count = chunks.len();
        for (i, chunk) in chunks.iter().enumerate() {
            let rotation = count - 1 - i;
            let name = if rotation == 0 { "authproxy.log".to_owned() } else { format!("authproxy.log.{rotation}") };
            std::fs::write(dir.join(name), chunk)?;
        }
        if !self.events.is_empty() {
            std::fs::write(dir.join("authevents.log"), &self.events)?;
        }
        Ok(())
    }
}

fn civil(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
