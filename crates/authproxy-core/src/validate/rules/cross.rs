//! Cross-section rules (fact sheet §7), plus listener clashes the checker misses.

use std::net::IpAddr;

use super::{checker_bool, value_range};
use crate::schema::types::{parse_ip_range, ranges_overlap};
use crate::schema::{Role, SectionType};
use crate::text::TextRange;
use crate::validate::view::View;
use crate::validate::{Diagnostic, Kind};

pub fn check(views: &[View<'_>], out: &mut Vec<Diagnostic>) {
    client_mapping(views, out);
    main_http_proxy_conflict(views, out);
    radius_contention(views, out);
    let ldap = ldap_listeners(views);
    ldap_port_collisions(&ldap, out);
    fips_minimum_tls(views, out);
    tcp_listener_clash(views, &ldap, out);
}

/// `name.lower().startswith(prefix)` for a lower-case ASCII `prefix`, without allocating for ASCII names.
fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    if name.is_ascii() {
        name.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    } else {
        name.to_lowercase().starts_with(prefix)
    }
}

/// Names of client sections as the checker's mapping rule lists them: the case-sensitive substring `client`.
fn client_sections<'a>(views: &'a [View<'_>]) -> Vec<&'a str> {
    views.iter().map(View::name).filter(|n| n.contains("client")).collect()
}

/// Client resolution exactly as the proxy's `get_section_client` does it (fact sheet §7).
struct ClientLookup<'a> {
    /// Sections with `client` in their lower-cased name (resolution counts these).
    any_case_clients: Vec<&'a str>,
    /// Of those, the ones whose name starts with `ad_client` as written.
    ad_clients: Vec<&'a str>,
    /// `[main] client`, when set and not empty.
    main_client: Option<&'a str>,
}

impl<'a> ClientLookup<'a> {
    fn new(views: &'a [View<'_>]) -> Self {
        let any_case_clients: Vec<&str> =
            views.iter().map(View::name).filter(|n| n.to_lowercase().contains("client")).collect();
        let ad_clients = any_case_clients.iter().copied().filter(|n| n.starts_with("ad_client")).collect();
        let main = views.iter().find(|v| v.name().eq_ignore_ascii_case("main"));
        Self {
            any_case_clients,
            ad_clients,
            main_client: main.and_then(|m| m.value("client")).filter(|c| !c.is_empty()),
        }
    }

    /// The server section's client, lower-cased; `None` when the proxy resolves none. The section
    /// named exactly `radius_server_duo_only` is never resolved.
    fn resolve(&self, view: &View<'_>) -> Option<String> {
        let name = view.name();
        if name == "radius_server_duo_only" {
            return None;
        }
        let own =
            view.forced_client.map(|f| f.value.as_str()).or_else(|| view.value("client")).filter(|c| !c.is_empty());
        let chosen = own.or_else(|| {
            if let (true, [only]) = (name.contains("ldap_server"), self.ad_clients.as_slice()) {
                Some(*only)
            } else if self.main_client.is_some() {
                self.main_client
            } else if let [only] = self.any_case_clients.as_slice() {
                Some(*only)
            } else {
                None
            }
        });
        chosen.map(str::to_lowercase)
    }
}

fn client_mapping(views: &[View<'_>], out: &mut Vec<Diagnostic>) {
    let lookup = ClientLookup::new(views);
    let clients = client_sections(views);
    let client_set: rustc_hash::FxHashSet<&str> = clients.iter().copied().collect();
    for view in views.iter().filter(|v| v.ty.is_some() && v.role() == Role::Server) {
        let name = view.name();
        let duo_only = name.starts_with("radius_server_duo_only");
        if duo_only {
            if let Some(client) = view.get("client") {
                out.push(
                    Diagnostic::new(
                        Kind::IneffectiveConfig,
                        client.key_range,
                        format!("[{name}] does no primary authentication, so its client key has no effect. Remove it."),
                    )
                    .in_section(name)
                    .cross()
                    .with_keys(["client"]),
                );
            }
        }
        let range = view.forced_client.or_else(|| view.get("client")).map_or(view.section.header_range, value_range);
        let Some(resolved_name) = lookup.resolve(view) else {
            if !duo_only {
                let available = if clients.is_empty() { "none".to_string() } else { clients.join(", ") };
                out.push(
                    Diagnostic::new(
                        Kind::InvalidClientServerMapping,
                        range,
                        format!(
                            "[{name}] names no client section and none can be chosen automatically. Set client= \
                             to one of the client sections ({available}), or add the missing section."
                        ),
                    )
                    .in_section(name)
                    .cross()
                    .with_keys(["client"]),
                );
            }
            continue;
        };
        if !client_set.contains(resolved_name.as_str()) {
            let c = &resolved_name;
            let mut message = format!("[{name}] uses client {c}, but there is no [{c}] client section.");
            if let Some(real) = views.iter().map(View::name).find(|n| n.to_lowercase() == *c && *n != c.as_str()) {
                message.push_str(&format!(
                    " A section [{real}] exists, but the checker matches client names in lower case only; \
                     rename the section to [{c}]."
                ));
            }
            if duo_only {
                message.push_str(
                    " This section does no primary authentication and needs no client, but the proxy still \
                     looks up the one it is given (its own client key, [main] client, or the only client \
                     section): remove that setting, or add the section.",
                );
            } else {
                let available = if clients.is_empty() { "none".to_string() } else { clients.join(", ") };
                message.push_str(&format!(
                    " Set client= to one of the client sections ({available}), or add the missing section."
                ));
            }
            out.push(
                Diagnostic::new(Kind::InvalidClientServerMapping, range, message)
                    .in_section(name)
                    .cross()
                    .with_keys(["client"]),
            );
        }
        if name.starts_with("ldap_server_auto") && !resolved_name.starts_with("ad_client") {
            out.push(
                Diagnostic::new(
                    Kind::InvalidClientServerMapping,
                    range,
                    format!("[{name}] is an LDAP listener, so its client must be an [ad_client] section, not [{resolved_name}]."),
                )
                .in_section(name)
                .cross()
                .with_keys(["client"]),
            );
        }
        if let Some(pass) = view.get("pass_through_attr_names") {
            if !resolved_name.starts_with("radius_client") {
                out.push(
                    Diagnostic::new(
                        Kind::KeyInvalidWithClient,
                        pass.key_range,
                        format!(
                            "pass_through_attr_names copies RADIUS attributes from a RADIUS server's reply, so it \
                             only works when the client is a [radius_client] section; [{name}] uses \
                             [{resolved_name}]. Remove it, or use a radius_client."
                        ),
                    )
                    .in_section(name)
                    .cross()
                    .with_keys(["pass_through_attr_names", "client"]),
                );
            }
        }
    }
}

fn main_http_proxy_conflict(views: &[View<'_>], out: &mut Vec<Diagnostic>) {
    let Some(main) = views.iter().find(|v| v.name() == "main") else { return };
    let Some(host) = main.get("http_proxy_host") else { return };
    for section in views.iter().filter(|v| starts_with_ignore_case(v.name(), "http_proxy")) {
        out.push(
            Diagnostic::new(
                Kind::KeyIncompatibleWithSection,
                host.key_range,
                format!(
                    "[main] http_proxy_host sends this proxy's Duo traffic through another web proxy, while \
                     [{}] makes this proxy a web proxy for others; the two cannot be combined. Remove one.",
                    section.name()
                ),
            )
            .in_section("main")
            .cross()
            .with_keys(["http_proxy_host".to_string(), section.name().to_string()]),
        );
    }
}

fn port_of(view: &View<'_>, key: &str, default: u32) -> Option<u32> {
    match view.value(key) {
        None => Some(default),
        Some(v) => v.parse().ok(),
    }
}

fn same_interface(a: &str, b: &str) -> bool {
    a == "*" || b == "*" || a == b
}

/// A RADIUS listener: where it listens and which clients it accepts.
struct RadiusListener<'v, 'd> {
    view: &'v View<'d>,
    port: Option<u32>,
    interface: &'d str,
    ips: Vec<RadiusIp<'d>>,
}

fn radius_contention(views: &[View<'_>], out: &mut Vec<Diagnostic>) {
    let servers: Vec<RadiusListener<'_, '_>> = views
        .iter()
        .filter(|v| v.ty.is_some_and(SectionType::is_radius_server))
        .map(|v| RadiusListener {
            view: v,
            port: port_of(v, "port", 1812),
            interface: v.interface().unwrap_or("*"),
            ips: radius_ips(v),
        })
        .collect();
    for (i, later) in servers.iter().enumerate() {
        let Some(port) = later.port else { continue };
        for earlier in &servers[..i] {
            if earlier.port != Some(port) || !same_interface(later.interface, earlier.interface) {
                continue;
            }
            let overlap = later.ips.iter().find_map(|(entry, text, range)| {
                earlier
                    .ips
                    .iter()
                    .find(|(_, _, other)| ranges_overlap(*range, *other))
                    .map(|(_, other, _)| (entry, text, other))
            });
            let Some((entry, ip_later, ip_earlier)) = overlap else { continue };
            let interface = if later.interface == "*" { earlier.interface } else { later.interface };
            let (later_name, earlier_name) = (later.view.name(), earlier.view.name());
            out.push(
                Diagnostic::new(
                    Kind::NetworkContention,
                    entry.key_range.cover(entry.value_range),
                    format!(
                        "[{later_name}] and [{earlier_name}] both listen on UDP port {port} (interface {interface}) and \
                         both accept RADIUS clients in {ip_later} / {ip_earlier}. The proxy hands a request to the \
                         first matching section in file order, so [{later_name}] never sees those clients. Use \
                         different ports or non-overlapping radius_ip ranges."
                    ),
                )
                .in_section(later_name)
                .cross()
                .with_keys([entry.name.clone()]),
            );
        }
    }
}

/// A `radius_ip_N` item: its entry, the item's text and its first/last address.
type RadiusIp<'d> = (&'d crate::config::Entry, String, (IpAddr, IpAddr));

fn radius_ips<'d>(view: &View<'d>) -> Vec<RadiusIp<'d>> {
    view.items
        .iter()
        .filter(|i| i.is("radius_ip"))
        .flat_map(|i| {
            i.entry
                .value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .filter_map(move |s| parse_ip_range(s).map(|r| (i.entry, s.to_string(), r)))
        })
        .collect()
}

struct Listener<'v, 'd> {
    view: &'v View<'d>,
    port: u32,
    interface: &'d str,
    anchor: TextRange,
}

fn ldap_listeners<'v, 'd>(views: &'v [View<'d>]) -> Vec<Listener<'v, 'd>> {
    let mut listeners = Vec::new();
    for view in views.iter().filter(|v| v.ty == Some(SectionType::LdapServerAuto)) {
        let interface = view.interface().unwrap_or("*");
        if let Some(port) = port_of(view, "port", 389) {
            let anchor = view.get("port").map_or(view.section.header_range, |e| e.key_range);
            listeners.push(Listener { view, port, interface, anchor });
        }
        if view.get("ssl_key_path").is_some() && view.get("ssl_cert_path").is_some() {
            if let Some(port) = port_of(view, "ssl_port", 636) {
                let anchor = view.get("ssl_port").map_or(view.section.header_range, |e| e.key_range);
                listeners.push(Listener { view, port, interface, anchor });
            }
        }
    }
    listeners
}

fn ldap_port_collisions(listeners: &[Listener<'_, '_>], out: &mut Vec<Diagnostic>) {
    for (i, later) in listeners.iter().enumerate() {
        for earlier in &listeners[..i] {
            if later.port != earlier.port || !same_interface(later.interface, earlier.interface) {
                continue;
            }
            let interface = if later.interface == "*" { earlier.interface } else { later.interface };
            if std::ptr::eq(later.view, earlier.view) {
                out.push(
                    Diagnostic::new(
                        Kind::SameSectionPortCollision,
                        later.anchor,
                        format!(
                            "[{}] would listen twice on port {}: port (clear LDAP/StartTLS) and ssl_port (LDAPS) \
                             must differ.",
                            later.view.name(),
                            later.port
                        ),
                    )
                    .in_section(later.view.name())
                    .cross()
                    .with_keys(["port", "ssl_port"]),
                );
            } else {
                out.push(
                    Diagnostic::new(
                        Kind::PortCollision,
                        later.anchor,
                        format!(
                            "[{}] and [{}] both listen on TCP port {} (interface {interface}); the second \
                             cannot start. Give one of them another port (port=/ssl_port=) or a different \
                             interface.",
                            earlier.view.name(),
                            later.view.name(),
                            later.port
                        ),
                    )
                    .in_section(earlier.view.name())
                    .cross()
                    .with_keys([earlier.view.name().to_string(), later.view.name().to_string()]),
                );
            }
        }
    }
}

fn fips_minimum_tls(views: &[View<'_>], out: &mut Vec<Diagnostic>) {
    let fips = views
        .iter()
        .find(|v| v.ty == Some(SectionType::Main))
        .and_then(|m| m.value("fips_mode"))
        .and_then(checker_bool);
    if fips != Some(true) {
        return;
    }
    for view in
        views.iter().filter(|v| matches!(v.ty, Some(SectionType::LdapServerAuto | SectionType::RadiusServerEap)))
    {
        if let Some(entry) = view.get("minimum_tls_version") {
            out.push(
                Diagnostic::new(
                    Kind::IneffectiveConfig,
                    entry.key_range,
                    "minimum_tls_version has no effect while [main] fips_mode=true: FIPS mode already forces TLS \
                     1.2 or newer. Remove it.",
                )
                .in_section(view.name())
                .cross()
                .with_keys(["minimum_tls_version", "fips_mode"]),
            );
        }
    }
}

/// LDAP listeners and `[http_proxy]` are both TCP; the checker does not compare them.
fn tcp_listener_clash(views: &[View<'_>], ldap: &[Listener<'_, '_>], out: &mut Vec<Diagnostic>) {
    for proxy in views.iter().filter(|v| v.ty == Some(SectionType::HttpProxy)) {
        let Some(port) = port_of(proxy, "port", 80) else { continue };
        let interface = proxy.interface().unwrap_or("*");
        if let Some(l) = ldap.iter().find(|l| l.port == port && same_interface(l.interface, interface)) {
            let anchor = proxy.get("port").map_or(proxy.section.header_range, |e| e.key_range);
            out.push(
                Diagnostic::new(
                    Kind::ListenerPortCollision,
                    anchor,
                    format!(
                        "[{}] and [{}] both listen on TCP port {port}; whichever starts second fails. Move one to \
                         another port (Duo's checker does not compare these two kinds of listener).",
                        l.view.name(),
                        proxy.name()
                    ),
                )
                .in_section(l.view.name())
                .cross()
                .with_keys([l.view.name().to_string(), proxy.name().to_string()]),
            );
        }
    }
}
