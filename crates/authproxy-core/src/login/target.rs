//! What a test login talks to: the section's own listener on this machine (`interface`, `port`),
//! as the client address it will send from, with the shared secret the section holds for that
//! address (a `*_protected` one decrypted through the [`Protector`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::config::{Document, Section};
use crate::secrets::{Protector, Secret};
use crate::text::TextRange;

/// How a section takes the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorStyle {
    /// Appended to the password after a comma (`radius_server_auto`, `_concat`).
    Appended,
    /// Asked for in an Access-Challenge (`radius_server_challenge`, `_iframe`).
    Challenge,
    /// The password field holds only the factor (`radius_server_duo_only`).
    FactorOnly,
}

/// A RADIUS listener to test.
#[derive(Debug, Clone)]
pub struct RadiusTarget {
    /// The section's name.
    pub section: String,
    /// Where the proxy listens (its `interface`, loopback when it listens on all).
    pub listener: SocketAddr,
    /// The address the request comes from.
    pub source: IpAddr,
    /// The `radius_ip_N` that lets the source in.
    pub client_key: String,
    /// The shared secret for that client.
    pub secret: Secret,
    /// How the second factor goes in.
    pub factor_style: FactorStyle,
    /// `force_message_authenticator` as the section sets it.
    pub force_message_authenticator: bool,
}

/// Why a test login cannot be sent, with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetProblem {
    /// No such section.
    NoSection(String),
    /// The section is not a server the tool can play a client of.
    NotAServer(String),
    /// `radius_server_eap` needs an EAP client.
    NeedsEap {
        /// The section.
        section: String,
        /// The eapol_test command line that would test it.
        command: String,
    },
    /// `ldap_server_auto`: an LDAP listener (see [`super::ldap`]).
    Ldap(String),
    /// No `radius_ip_N` lets the source address in (nor, without `--from`, any other address of
    /// this machine): the proxy would drop the packet.
    UnknownClient {
        /// The section.
        section: String,
        /// The address the request would come from.
        source: IpAddr,
        /// The `radius_ip_N` lines, to show.
        lines: Vec<(String, TextRange)>,
    },
    /// The secret for the client is missing or cannot be decrypted here.
    Secret {
        /// The key.
        key: String,
        /// Why.
        detail: String,
    },
    /// A value cannot be used (`port`, `interface`).
    BadValue {
        /// The key.
        key: String,
        /// Why.
        detail: String,
    },
}

impl std::fmt::Display for TargetProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoSection(name) => write!(f, "there is no section [{name}] in the config"),
            Self::NotAServer(name) => {
                write!(f, "[{name}] is not a server section: a test login goes to a radius_server_* section's listener")
            }
            Self::NeedsEap { section, command } => write!(
                f,
                "[{section}] authenticates with EAP, which needs an EAP client; test it with eapol_test: {command}"
            ),
            Self::Ldap(name) => write!(f, "[{name}] is an LDAP listener: it is tested with an LDAP bind"),
            Self::UnknownClient { section, source, lines } => {
                let keys: Vec<&str> = lines.iter().map(|(k, _)| k.as_str()).collect();
                write!(
                    f,
                    "no radius_ip_N of [{section}] allows {source}, so the proxy would drop the packet as an unknown \
                     client; add {source} as the next radius_ip_N (with its radius_secret_N), or send from an \
                     address that is listed (--from). Listed: {}",
                    if keys.is_empty() { "none".to_owned() } else { keys.join(", ") }
                )
            }
            Self::Secret { key, detail } => write!(f, "the shared secret {key} cannot be used: {detail}"),
            Self::BadValue { key, detail } => write!(f, "{key}: {detail}"),
        }
    }
}

/// The RADIUS listener of `section` in `doc`, sent to from `from`. Without `from`, the request
/// comes from the listener's own address (loopback when it listens on all), else from another
/// address of this machine that a `radius_ip_N` lists; a proxy listening on all addresses is then
/// sent to on that address.
///
/// # Errors
/// What stops the test, with what to do.
pub fn radius_target(
    doc: &Document,
    section: &str,
    from: Option<IpAddr>,
    protector: &dyn Protector,
) -> Result<RadiusTarget, TargetProblem> {
    let found = doc.section(section).ok_or_else(|| TargetProblem::NoSection(section.to_owned()))?;
    let defaults = doc.section("DEFAULT");
    let value = |key: &str| found.value(key).or_else(|| defaults.and_then(|d| d.value(key))).map(str::trim);
    let kind = found.name.to_ascii_lowercase();
    let factor_style = if kind.starts_with("radius_server_auto") || kind.starts_with("radius_server_concat") {
        FactorStyle::Appended
    } else if kind.starts_with("radius_server_challenge") || kind.starts_with("radius_server_iframe") {
        FactorStyle::Challenge
    } else if kind.starts_with("radius_server_duo_only") {
        FactorStyle::FactorOnly
    } else if kind.starts_with("radius_server_eap") {
        let port = value("port").unwrap_or("1812");
        return Err(TargetProblem::NeedsEap {
            section: found.name.to_string(),
            command: format!("eapol_test -a 127.0.0.1 -p {port} -s <radius_secret> -c peap-mschapv2.conf"),
        });
    } else if kind.starts_with("ldap_server_auto") {
        return Err(TargetProblem::Ldap(found.name.to_string()));
    } else {
        return Err(TargetProblem::NotAServer(found.name.to_string()));
    };
    let port = match value("port") {
        None | Some("") => 1812,
        Some(text) => text.parse::<u16>().map_err(|_| TargetProblem::BadValue {
            key: "port".into(),
            detail: format!("'{text}' is not a port number"),
        })?,
    };
    let listens_on_all = matches!(value("interface"), None | Some("" | "0.0.0.0"));
    let interface = match value("interface") {
        None | Some("" | "0.0.0.0") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(text) => text.parse::<IpAddr>().map_err(|_| TargetProblem::BadValue {
            key: "interface".into(),
            detail: format!("'{text}' is not an IP address"),
        })?,
    };
    let clients = numbered(found, "radius_ip_");
    let client_value = |n: u32| found.value(&format!("radius_ip_{n}")).unwrap_or_default();
    let default_source = from.unwrap_or(interface);
    let listed = clients.iter().find(|(_, n)| allows(client_value(*n), default_source));
    // Without --from, another address of this machine that a radius_ip_N lists will do, as a
    // device on that network would send from it.
    let found_client = match listed {
        Some((key, n)) => Some((key.clone(), *n, default_source)),
        None if from.is_none() => {
            clients.iter().find_map(|(key, n)| local_address_in(client_value(*n)).map(|local| (key.clone(), *n, local)))
        }
        None => None,
    };
    let Some((key, n, source)) = found_client else {
        let lines = clients.iter().filter_map(|(key, _)| found.get(key).map(|e| (key.clone(), e.key_range))).collect();
        return Err(TargetProblem::UnknownClient { section: found.name.to_string(), source: default_source, lines });
    };
    let listener_address = if listens_on_all && from.is_none() { source } else { interface };
    let secret = secret_for(found, n, protector)?;
    let force = value("force_message_authenticator").and_then(crate::validate::checker_bool).unwrap_or(false);
    Ok(RadiusTarget {
        section: found.name.to_string(),
        listener: SocketAddr::new(listener_address, port),
        source,
        client_key: key,
        secret,
        factor_style,
        force_message_authenticator: force,
    })
}

/// An address of this machine that `value` (a `radius_ip_N`: an address, a network or a range)
/// allows: the address itself when this machine has it, else the address this machine reaches
/// that network from. Nothing is sent to find it.
fn local_address_in(value: &str) -> Option<IpAddr> {
    let value = value.trim();
    let firsts = if let Some((low, _)) = value.split_once('-') {
        vec![low.trim().parse::<IpAddr>().ok()?]
    } else if let Some((network, _)) = value.split_once('/') {
        // The first host of the network, else (a /32) the address itself.
        let network = network.trim().parse::<IpAddr>().ok()?;
        let first_host = match network {
            IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4).saturating_add(1))),
            IpAddr::V6(v6) => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6).saturating_add(1))),
        };
        vec![first_host, network]
    } else {
        vec![value.parse::<IpAddr>().ok()?]
    };
    firsts.into_iter().find_map(|first| {
        let candidate = if is_local(first) { first } else { outgoing_address(first)? };
        (allows(value, candidate) && is_local(candidate)).then_some(candidate)
    })
}

/// Whether this machine has `address` (a socket can be bound to it).
fn is_local(address: IpAddr) -> bool {
    !address.is_unspecified() && std::net::UdpSocket::bind(SocketAddr::new(address, 0)).is_ok()
}

/// The address this machine sends from to reach `to` (a UDP connect sends nothing).
fn outgoing_address(to: IpAddr) -> Option<IpAddr> {
    let any: IpAddr = if to.is_ipv4() { Ipv4Addr::UNSPECIFIED.into() } else { std::net::Ipv6Addr::UNSPECIFIED.into() };
    let socket = std::net::UdpSocket::bind(SocketAddr::new(any, 0)).ok()?;
    socket.connect(SocketAddr::new(to, 9)).ok()?;
    socket.local_addr().ok().map(|a| a.ip()).filter(|ip| !ip.is_unspecified())
}

/// `radius_ip_N` keys in order of N.
fn numbered(section: &Section, prefix: &str) -> Vec<(String, u32)> {
    let mut keys: Vec<(String, u32)> = section
        .entries
        .iter()
        .filter_map(|e| {
            e.name.strip_prefix(prefix).and_then(|n| n.parse::<u32>().ok()).map(|n| (e.name.to_string(), n))
        })
        .collect();
    keys.sort_by_key(|(_, n)| *n);
    keys.dedup_by_key(|(_, n)| *n);
    keys
}

fn secret_for(section: &Section, n: u32, protector: &dyn Protector) -> Result<Secret, TargetProblem> {
    let protected = format!("radius_secret_protected_{n}");
    if let Some(blob) = section.value(&protected).map(str::trim).filter(|v| !v.is_empty()) {
        return protector.unprotect(blob).map_err(|e| TargetProblem::Secret { key: protected, detail: e.to_string() });
    }
    let plain = format!("radius_secret_{n}");
    match section.value(&plain) {
        Some(v) if !v.is_empty() => Ok(Secret::new(v)),
        _ => Err(TargetProblem::Secret { key: plain, detail: "it is not set".into() }),
    }
}

/// Whether a `radius_ip_N` value (an address, a CIDR network or `ip1-ip2`) allows `address`.
#[must_use]
pub fn allows(value: &str, address: IpAddr) -> bool {
    let value = value.trim();
    if let Some((low, high)) = value.split_once('-') {
        return match (low.trim().parse::<IpAddr>(), high.trim().parse::<IpAddr>()) {
            (Ok(IpAddr::V4(low)), Ok(IpAddr::V4(high))) => {
                matches!(address, IpAddr::V4(a) if u32::from(low) <= u32::from(a) && u32::from(a) <= u32::from(high))
            }
            (Ok(IpAddr::V6(low)), Ok(IpAddr::V6(high))) => {
                matches!(address, IpAddr::V6(a) if u128::from(low) <= u128::from(a) && u128::from(a) <= u128::from(high))
            }
            _ => false,
        };
    }
    value.parse::<crate::logfile::filter::ClientMatch>().is_ok_and(|m| m.contains(address))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::test_support::Marker;

    #[test]
    fn addresses_networks_and_ranges_are_allowed_as_the_proxy_allows_them() {
        let a = |v: &str, ip: &str| allows(v, ip.parse().unwrap());
        assert!(a("127.0.0.1", "127.0.0.1"));
        assert!(a("10.0.0.0/8", "10.1.2.3") && !a("10.0.0.0/8", "11.0.0.1"));
        assert!(a("10.0.0.5-10.0.0.9", "10.0.0.7") && !a("10.0.0.5-10.0.0.9", "10.0.0.10"));
        assert!(!a("not an address", "127.0.0.1"));
    }

    #[test]
    fn without_from_another_address_of_this_machine_that_is_listed_is_used() {
        let doc = Document::parse("[radius_server_auto]\nikey=x\nradius_ip_1=127.0.0.2\nradius_secret_1=s\n");
        let target = radius_target(&doc, "radius_server_auto", None, &Marker).unwrap();
        assert_eq!(target.source, "127.0.0.2".parse::<IpAddr>().unwrap());
        assert_eq!(target.listener, "127.0.0.2:1812".parse().unwrap(), "a proxy on all addresses is sent to there");
        let network = Document::parse(
            "[radius_server_auto]\nikey=x\ninterface=127.0.0.9\nradius_ip_1=127.0.0.0/29\nradius_secret_1=s\n",
        );
        let target = radius_target(&network, "radius_server_auto", None, &Marker).unwrap();
        assert_eq!(target.source, "127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(target.listener, "127.0.0.9:1812".parse().unwrap(), "the proxy's own interface");
        let elsewhere = Document::parse(
            "[radius_server_auto]\nikey=x\nradius_ip_1=192.0.2.55\nradius_ip_2=198.51.100.0/24\nradius_secret_1=s\n",
        );
        let problem = radius_target(&elsewhere, "radius_server_auto", None, &Marker).unwrap_err();
        assert!(matches!(problem, TargetProblem::UnknownClient { ref lines, .. } if lines.len() == 2), "{problem}");
        let given = radius_target(&doc, "radius_server_auto", Some("127.0.0.3".parse().unwrap()), &Marker);
        assert!(matches!(given, Err(TargetProblem::UnknownClient { .. })), "--from is taken as given");
    }

    #[test]
    fn the_secret_is_the_one_for_the_client_address_used() {
        let doc = Document::parse(
            "[radius_server_auto]\nikey=x\nport=18120\nradius_ip_1=10.0.0.0/8\nradius_secret_1=ten\nradius_ip_2=127.0.0.1\nradius_secret_2=loop\n",
        );
        let target = radius_target(&doc, "radius_server_auto", None, &Marker).unwrap();
        assert_eq!(target.secret.expose(), "loop");
        assert_eq!(target.client_key, "radius_ip_2");
        assert_eq!(target.listener, "127.0.0.1:18120".parse().unwrap());
        assert_eq!(target.factor_style, FactorStyle::Appended);
        let from_ten = radius_target(&doc, "radius_server_auto", Some("10.9.9.9".parse().unwrap()), &Marker).unwrap();
        assert_eq!(from_ten.secret.expose(), "ten");
        let Err(TargetProblem::UnknownClient { lines, .. }) =
            radius_target(&doc, "radius_server_auto", Some("192.168.1.1".parse().unwrap()), &Marker)
        else {
            panic!("an unlisted address is an unknown client")
        };
        assert_eq!(lines.len(), 2);
        let eap = Document::parse("[radius_server_eap]\nport=1813\n");
        assert!(radius_target(&eap, "radius_server_eap", None, &Marker)
            .unwrap_err()
            .to_string()
            .contains("eapol_test"));
        let protected =
            Document::parse("[radius_server_duo_only]\nradius_ip_1=127.0.0.1\nradius_secret_protected_1=AQAA\n");
        let problem = radius_target(&protected, "radius_server_duo_only", None, &Marker).unwrap_err();
        assert!(
            matches!(problem, TargetProblem::Secret { ref key, .. } if key == "radius_secret_protected_1"),
            "{problem:?}"
        );
    }
}
