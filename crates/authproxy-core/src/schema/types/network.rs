//! IP addresses, CIDR blocks and address ranges, as the proxy's `radius_ip_N` and `exempt_ou` parsers read them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Strict dotted-quad IPv4 as `inet_pton` reads it.
fn parse_ipv4_strict(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut n = 0;
    for part in s.split('.') {
        if n == 4 || part.is_empty() || part.len() > 3 {
            return None;
        }
        if !part.bytes().all(|b| b.is_ascii_digit()) || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        octets[n] = part.parse().ok()?;
        n += 1;
    }
    (n == 4).then(|| Ipv4Addr::from(octets))
}

pub(super) fn parse_single_ip(s: &str) -> Option<IpAddr> {
    if let Some(v4) = parse_ipv4_strict(s) {
        return Some(IpAddr::V4(v4));
    }
    if !s.contains(':') || s.contains('%') {
        return None;
    }
    s.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// A prefix length as Python's ipaddress reads it: ASCII digits only, ≤ `max`.
fn parse_prefix_len(s: &str, max: u32) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = s.trim_start_matches('0');
    if trimmed.len() > 3 {
        return None;
    }
    let n: u32 = if trimmed.is_empty() { 0 } else { trimmed.parse().ok()? };
    (n <= max).then_some(n)
}

/// Prefix length of an IPv4 netmask (`255.255.0.0`) or hostmask (`0.0.255.255`).
fn ipv4_mask_prefix(mask: Ipv4Addr) -> Option<u32> {
    let m = u32::from(mask);
    if m.leading_ones() + m.trailing_zeros() >= 32 {
        return Some(m.leading_ones());
    }
    let h = !m;
    if h.leading_ones() + h.trailing_zeros() >= 32 {
        return Some(h.leading_ones());
    }
    None
}

fn v4_bounds(addr: Ipv4Addr, prefix: u32) -> (IpAddr, IpAddr) {
    let a = u32::from(addr);
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    (IpAddr::V4(Ipv4Addr::from(a & mask)), IpAddr::V4(Ipv4Addr::from(a | !mask)))
}

fn v6_bounds(addr: Ipv6Addr, prefix: u32) -> (IpAddr, IpAddr) {
    let a = u128::from(addr);
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    (IpAddr::V6(Ipv6Addr::from(a & mask)), IpAddr::V6(Ipv6Addr::from(a | !mask)))
}

/// The inclusive first and last address of one IP/range item: a single IP,
/// `a.b.c.d/len`, `a.b.c.d/netmask`, `a.b.c.d/hostmask`, `ipv6/len` or an
/// ascending `ip1-ip2` of one family. Host bits in a CIDR are accepted.
#[must_use]
pub fn parse_ip_range(s: &str) -> Option<(IpAddr, IpAddr)> {
    if let Some((addr, net)) = s.split_once('/') {
        return match parse_single_ip(addr)? {
            IpAddr::V4(a) => {
                let prefix = match parse_prefix_len(net, 32) {
                    Some(p) => p,
                    None => ipv4_mask_prefix(parse_ipv4_strict(net)?)?,
                };
                Some(v4_bounds(a, prefix))
            }
            IpAddr::V6(a) => Some(v6_bounds(a, parse_prefix_len(net, 128)?)),
        };
    }
    if let Some((lo, hi)) = s.split_once('-') {
        let lo = parse_single_ip(lo)?;
        let hi = parse_single_ip(hi)?;
        let ordered = match (lo, hi) {
            (IpAddr::V4(a), IpAddr::V4(b)) => a <= b,
            (IpAddr::V6(a), IpAddr::V6(b)) => a <= b,
            _ => false,
        };
        return ordered.then_some((lo, hi));
    }
    parse_single_ip(s).map(|ip| (ip, ip))
}

/// Whether two inclusive address ranges share an address (never across families).
#[must_use]
pub fn ranges_overlap(a: (IpAddr, IpAddr), b: (IpAddr, IpAddr)) -> bool {
    match (a, b) {
        ((IpAddr::V4(a0), IpAddr::V4(a1)), (IpAddr::V4(b0), IpAddr::V4(b1))) => a0 <= b1 && b0 <= a1,
        ((IpAddr::V6(a0), IpAddr::V6(a1)), (IpAddr::V6(b0), IpAddr::V6(b1))) => a0 <= b1 && b0 <= a1,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;

    #[test]
    fn ip_addresses() {
        table(
            ValueType::SingleIp,
            &["192.0.2.10", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::5", "::ffff:10.0.0.1"],
            &[
                "01.2.3.4",
                "1.2.3",
                "1.2.3.4.5",
                "256.1.1.1",
                "10.0.0.0/8",
                "host.example",
                "fe80::1%eth0",
                "",
                " 1.2.3.4",
                "1.2.3.-4",
            ],
        );
        table(
            ValueType::IpRange,
            &[
                "10.0.0.1",
                "10.0.0.0/8",
                "10.0.0.5/8",
                "10.0.0.0/255.0.0.0",
                "10.0.0.0/0.255.255.255",
                "0.0.0.0/0",
                "10.0.0.1-10.0.0.9",
                "10.0.0.1-10.0.0.1",
                "2001:db8::/32",
                "::1-::2",
            ],
            &[
                "10.0.0.0/33",
                "10.0.0.0/255.0.255.0",
                "10.0.0.9-10.0.0.1",
                "10.0.0.1-::1",
                "10.0.0.1 - 10.0.0.9",
                "10.0.0.0 /8",
                "10.0.0.0/",
                "2001:db8::/129",
                "2001:db8::/ffff::",
                "10.0.0.1-10.0.0.2-10.0.0.3",
                "",
            ],
        );
        table(
            ValueType::IpList,
            &["", "10.1.0.0/16, 10.2.0.5", "10.0.0.1,,", " , 1.2.3.4 "],
            &["10.0.0.1, nope", "10.0.0.0/8;10.0.0.1"],
        );
    }

    #[test]
    fn ip_range_helpers() {
        let v4 = |s: &str| IpAddr::V4(s.parse().unwrap());
        assert_eq!(parse_ip_range("10.1.2.3/8"), Some((v4("10.0.0.0"), v4("10.255.255.255"))));
        assert_eq!(parse_ip_range("192.168.1.0/255.255.255.0"), Some((v4("192.168.1.0"), v4("192.168.1.255"))));
        assert_eq!(parse_ip_range("192.168.1.0/0.0.0.255"), Some((v4("192.168.1.0"), v4("192.168.1.255"))));
        assert_eq!(parse_ip_range("0.0.0.0/0"), Some((v4("0.0.0.0"), v4("255.255.255.255"))));
        assert_eq!(parse_ip_range("1.2.3.4"), Some((v4("1.2.3.4"), v4("1.2.3.4"))));
        let a = parse_ip_range("10.0.0.0/24").unwrap();
        let b = parse_ip_range("10.0.0.200-10.0.1.5").unwrap();
        let c = parse_ip_range("10.0.1.0/24").unwrap();
        let d = parse_ip_range("::/0").unwrap();
        assert!(ranges_overlap(a, b));
        assert!(ranges_overlap(b, c));
        assert!(!ranges_overlap(a, c));
        assert!(!ranges_overlap(a, d));
        assert!(ranges_overlap(d, parse_ip_range("::1").unwrap()));
    }
}
