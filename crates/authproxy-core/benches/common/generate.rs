//! A realistic, deterministic 10,000-line `authproxy.cfg` shared by the benches.

use std::fmt::Write as _;

/// Number of lines in the generated file.
pub const LINES: usize = 10_000;

/// A small deterministic generator (xorshift64*), so every run benchmarks the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| char::from(alphabet[usize::try_from(self.below(alphabet.len() as u64)).unwrap()])).collect()
    }
}

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Appends `line` and its line break, counting lines.
struct Out {
    text: String,
    lines: usize,
}

impl Out {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        self.lines += 1;
    }

    fn kv(&mut self, key: &str, value: impl std::fmt::Display) {
        writeln!(self.text, "{key}={value}").unwrap();
        self.lines += 1;
    }
}

fn duo_keys(out: &mut Out, rng: &mut Rng) {
    out.kv("ikey", format!("DI{}", rng.string(UPPER_ALNUM, 18)));
    out.kv("skey", rng.string(ALNUM, 40));
    out.kv("api_host", "api-3f8a1c2d.duosecurity.com");
}

/// One site: an `[ad_clientN]`, a RADIUS listener using it, an LDAP listener
/// using it and a `[radius_clientN]`, with comments and blank lines between.
fn site(out: &mut Out, rng: &mut Rng, n: usize) {
    let domain = format!("DC=site{n},DC=example,DC=com");
    out.line(&format!("; ---- site {n}: directory, VPN (RADIUS) and LDAP listeners ----"));
    out.line("");

    out.line(&format!("[ad_client{n}]"));
    out.kv("host", format!("dc01.site{n}.example.com"));
    out.kv("host_2", format!("dc02.site{n}.example.com"));
    out.kv("service_account_username", format!("svc-duo-{n}"));
    out.kv("service_account_password", rng.string(ALNUM, 16));
    out.kv("search_dn", &domain);
    match n % 3 {
        0 => {
            out.kv("transport", "ldaps");
            out.kv("ssl_ca_certs_file", format!("site{n}-ca.pem"));
        }
        1 => {
            out.kv("transport", "starttls");
            out.kv("ssl_ca_certs_file", "corp-ca.pem");
        }
        _ => {
            out.kv("transport", "clear");
            out.kv("auth_type", "ntlm2");
        }
    }
    if n.is_multiple_of(4) {
        out.kv("security_group_dn", format!("CN=VPN Users,OU=Groups,{domain}"));
    }
    out.line("");

    let radius_kind = if n.is_multiple_of(2) { "radius_server_auto" } else { "radius_server_challenge" };
    out.line(&format!("; RADIUS listener for the site {n} VPN concentrators"));
    out.line(&format!("[{radius_kind}{n}]"));
    duo_keys(out, rng);
    out.kv("client", format!("ad_client{n}"));
    out.kv("port", 10_000 + n);
    out.kv("failmode", if n.is_multiple_of(5) { "secure" } else { "safe" });
    let peers = 1 + n % 4;
    for k in 1..=peers {
        out.kv(&format!("radius_ip_{k}"), format!("10.{}.{}.{}", n / 250, n % 250, 10 + k));
        out.kv(&format!("radius_secret_{k}"), rng.string(ALNUM, 24));
    }
    if radius_kind == "radius_server_challenge" {
        out.kv("prompt_format", "short");
    }
    out.line("");

    out.line(&format!("[ldap_server_auto{n}]"));
    duo_keys(out, rng);
    out.kv("client", format!("ad_client{n}"));
    out.kv("port", 30_000 + n);
    out.kv("failmode", "safe");
    out.line("");

    if n % 2 == 1 {
        out.line("; NPS fallback");
        out.line(&format!("[radius_client{n}]"));
        out.kv("host", format!("10.{}.{}.5", n / 250, n % 250));
        out.kv("secret", rng.string(ALNUM, 20));
        out.kv("port", 1812);
        out.line("");
    }
}

/// Builds a realistic `authproxy.cfg` of exactly [`LINES`] lines.
pub fn generate() -> String {
    let mut out = Out { text: String::with_capacity(LINES * 40), lines: 0 };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    out.line("; Duo Authentication Proxy configuration (generated for benchmarking)");
    out.line("; Every site has its own directory, RADIUS and LDAP listeners.");
    out.line("");
    out.line("[main]");
    out.kv("log_auth_events", "true");
    out.kv("log_max_files", 10);
    out.kv("log_max_size", 20_971_520);
    out.kv("interface", "0.0.0.0");
    out.line("");

    // Leave room for the largest site plus the trailing comment lines.
    let mut n = 2;
    while out.lines < LINES - 60 {
        site(&mut out, &mut rng, n);
        n += 1;
    }
    while out.lines < LINES {
        out.line("; end of generated configuration");
    }
    assert_eq!(out.lines, LINES);
    assert_eq!(out.text.lines().count(), LINES);
    out.text
}
