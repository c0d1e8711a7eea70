//! The proxies of a fleet: `fleet.toml`, or an Ansible inventory (INI or YAML) a team already keeps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The operating system of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeOs {
    /// Windows Server: cmd.exe answers the SSH command, the proxy is a Windows service.
    Windows,
    /// Linux: a POSIX shell answers, the proxy runs under systemd or `authproxyctl`.
    Linux,
}

impl NodeOs {
    /// `windows` or `linux`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Windows => "windows",
            Self::Linux => "linux",
        }
    }
}

/// One proxy of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// The name shown everywhere (`proxy-a`).
    pub name: String,
    /// What `ssh` connects to: a host, `user@host`, or a `Host` alias of the SSH config.
    pub ssh: String,
    /// The SSH port, when not the SSH config's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The SSH user, when not the SSH config's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The proxy's install folder on the node (default: the standard one for its OS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_dir: Option<String>,
    /// Where `authproxy-manager` is on the node (default: the MSI's on Windows, on `PATH` on Linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Its operating system (detected when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<NodeOs>,
    /// Site, pair or any grouping (`site:hq`, `pair:vpn`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// Where a fleet was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InventoryKind {
    /// Our own `fleet.toml`.
    FleetToml,
    /// An Ansible inventory in INI form.
    AnsibleIni,
    /// An Ansible inventory in YAML form.
    AnsibleYaml,
}

/// The fleet: its nodes and what of the file was not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// The file read.
    pub source: PathBuf,
    /// Its form.
    pub kind: InventoryKind,
    /// The SSH config file `ssh` is given (`-F`), when the fleet names one.
    pub ssh_config: Option<PathBuf>,
    /// The nodes, in file order.
    pub nodes: Vec<Node>,
    /// What was read but not used (an Ansible variable the manager has no use for), a line each.
    pub ignored: Vec<String>,
}

/// Why a fleet file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InventoryError {
    /// The file, with `:line` when known.
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// `fleet.toml` as written.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    /// `-F` for every `ssh` call, relative to the fleet file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ssh_config: Option<PathBuf>,
    #[serde(default, rename = "node", skip_serializing_if = "Vec::is_empty")]
    nodes: Vec<Node>,
}

/// Reads `path`: `fleet.toml`, else an Ansible inventory (YAML when it ends in `.yml`/`.yaml` or
/// starts like YAML, INI otherwise).
///
/// # Errors
/// An [`InventoryError`] naming the file (and line) and what to change.
pub fn read(path: &Path) -> Result<Inventory, InventoryError> {
    let bytes = std::fs::read(path)
        .map_err(|e| InventoryError { path: path.display().to_string(), message: format!("cannot be read: {e}") })?;
    let text = String::from_utf8(bytes).map_err(|e| InventoryError {
        path: path.display().to_string(),
        message: format!("is not UTF-8 (byte {}): save it as UTF-8", e.utf8_error().valid_up_to()),
    })?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut inventory = match extension.as_str() {
        "toml" => parse_fleet_toml(&text, path)?,
        "yml" | "yaml" => parse_ansible_yaml(&text, path)?,
        _ if looks_like_yaml(&text) => parse_ansible_yaml(&text, path)?,
        _ => parse_ansible_ini(&text, path)?,
    };
    if let Some(config) = inventory.ssh_config.take() {
        let base = path.parent().unwrap_or(Path::new("."));
        inventory.ssh_config = Some(if config.is_absolute() { config } else { base.join(config) });
    }
    check_names(&inventory, path)?;
    Ok(inventory)
}

fn looks_like_yaml(text: &str) -> bool {
    let first = text.lines().map(str::trim_end).find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    first.is_some_and(|l| l == "---" || (l.ends_with(':') && !l.starts_with('[')))
}

fn check_names(inventory: &Inventory, path: &Path) -> Result<(), InventoryError> {
    let mut seen = std::collections::HashSet::new();
    for node in &inventory.nodes {
        let problem = if node.name.trim().is_empty() {
            Some("a node has no name: give each a name".to_owned())
        } else if node.ssh.trim().is_empty() || node.ssh.starts_with('-') {
            Some(format!("node {}: `ssh` must name a host (it cannot be empty or start with '-')", node.name))
        } else if !seen.insert(node.name.to_ascii_lowercase()) {
            Some(format!("two nodes are named {}: each name must be unique", node.name))
        } else {
            None
        };
        if let Some(message) = problem {
            return Err(InventoryError { path: path.display().to_string(), message });
        }
    }
    Ok(())
}

/// Parses our own `fleet.toml`.
///
/// # Errors
/// The TOML error with its line and column.
pub fn parse_fleet_toml(text: &str, path: &Path) -> Result<Inventory, InventoryError> {
    let file: FleetFile = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|span| line_col(text, span.start)).map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
        InventoryError { path: format!("{}{at}", path.display()), message: e.message().to_owned() }
    })?;
    Ok(Inventory {
        source: path.to_path_buf(),
        kind: InventoryKind::FleetToml,
        ssh_config: file.ssh_config,
        nodes: file.nodes,
        ignored: Vec::new(),
    })
}

/// `fleet.toml`'s text for `nodes` (what the window saves).
#[must_use]
pub fn to_fleet_toml(ssh_config: Option<&Path>, nodes: &[Node]) -> String {
    let file = FleetFile { ssh_config: ssh_config.map(Path::to_path_buf), nodes: nodes.to_vec() };
    let body = toml::to_string(&file).unwrap_or_default();
    format!("# The proxies authproxy-manager sees and updates over SSH.\n\n{body}")
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The Ansible variables the manager reads; every other is reported as ignored.
const READ_VARS: [&str; 3] = ["ansible_host", "ansible_port", "ansible_user"];

/// A host while an inventory is read: its variables and groups.
#[derive(Debug, Default)]
struct AnsibleHost {
    vars: BTreeMap<String, String>,
    groups: Vec<String>,
}

/// A group: its own variables, its hosts and its child groups.
#[derive(Debug, Default)]
struct AnsibleGroup {
    vars: BTreeMap<String, String>,
    children: Vec<String>,
}

/// Hosts and groups read from either form, turned into nodes the same way.
#[derive(Debug, Default)]
struct AnsibleModel {
    hosts: Vec<(String, AnsibleHost)>,
    groups: BTreeMap<String, AnsibleGroup>,
    ignored: Vec<String>,
}

impl AnsibleModel {
    fn host(&mut self, name: &str) -> &mut AnsibleHost {
        let at = match self.hosts.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.hosts.push((name.to_owned(), AnsibleHost::default()));
                self.hosts.len() - 1
            }
        };
        &mut self.hosts[at].1
    }

    /// Every group `group` is in, itself first, through `children`.
    fn ancestors(&self, group: &str) -> Vec<String> {
        let mut found = vec![group.to_owned()];
        let mut i = 0;
        while i < found.len() {
            let current = found[i].clone();
            for (name, g) in &self.groups {
                if g.children.contains(&current) && !found.contains(name) {
                    found.push(name.clone());
                }
            }
            i += 1;
        }
        found
    }

    fn into_inventory(self, path: &Path, kind: InventoryKind) -> Result<Inventory, InventoryError> {
        let mut nodes = Vec::new();
        let mut ignored = self.ignored.clone();
        for (name, host) in &self.hosts {
            // Variables: the host's own win over its groups', a nearer group's over a farther's.
            let mut vars = BTreeMap::new();
            let mut tags = Vec::new();
            let mut chain = Vec::new();
            for group in &host.groups {
                for g in self.ancestors(group) {
                    if !chain.contains(&g) {
                        chain.push(g);
                    }
                }
            }
            for group in chain.iter().rev() {
                if let Some(g) = self.groups.get(group) {
                    vars.extend(g.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            if let Some(all) = self.groups.get("all") {
                for (k, v) in &all.vars {
                    vars.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            vars.extend(host.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
            for group in chain.iter().filter(|g| *g != "all" && *g != "ungrouped") {
                tags.push(group.clone());
            }
            for key in vars.keys().filter(|k| !READ_VARS.contains(&k.as_str())) {
                let line = format!("variable {key} (host {name}) is not used");
                if !ignored.contains(&line) {
                    ignored.push(line);
                }
            }
            let port = match vars.get("ansible_port") {
                Some(p) => Some(p.trim().parse::<u16>().map_err(|_| InventoryError {
                    path: path.display().to_string(),
                    message: format!("host {name}: ansible_port={p} is not a port (1-65535)"),
                })?),
                None => None,
            };
            nodes.push(Node {
                name: name.clone(),
                ssh: vars.get("ansible_host").cloned().unwrap_or_else(|| name.clone()),
                port,
                user: vars.get("ansible_user").cloned(),
                install_dir: None,
                manager: None,
                os: None,
                tags,
            });
        }
        Ok(Inventory { source: path.to_path_buf(), kind, ssh_config: None, nodes, ignored })
    }
}

/// Expands Ansible's host ranges: `proxy[01:03]` is proxy01, proxy02, proxy03; `[a:c]` letters.
fn expand_range(pattern: &str) -> Option<Vec<String>> {
    let open = pattern.find('[')?;
    let close = open + pattern[open..].find(']')?;
    let (prefix, inner, suffix) = (&pattern[..open], &pattern[open + 1..close], &pattern[close + 1..]);
    let mut parts = inner.split(':');
    let (start, end) = (parts.next()?, parts.next()?);
    let step: usize = parts.next().map_or(Some(1), |s| s.parse().ok())?.max(1);
    let tails = expand_range(suffix).unwrap_or_else(|| vec![suffix.to_owned()]);
    let mut out = Vec::new();
    if let (Ok(a), Ok(b)) = (start.parse::<u64>(), end.parse::<u64>()) {
        let width = start.len();
        for n in (a..=b).step_by(step).take(10_000) {
            for tail in &tails {
                out.push(format!("{prefix}{n:0width$}{tail}"));
            }
        }
    } else if let ([a], [b]) = (start.as_bytes(), end.as_bytes()) {
        for c in (*a..=*b).step_by(step) {
            for tail in &tails {
                out.push(format!("{prefix}{}{tail}", char::from(c)));
            }
        }
    } else {
        return None;
    }
    Some(out)
}

/// `key=value` pairs of an INI host line; quotes removed.
fn ini_pairs(words: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = words.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_owned();
        let after = &rest[eq + 1..];
        let (value, next) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                Some(end) => (after[1..=end].to_owned(), &after[end + 2..]),
                None => (after[1..].to_owned(), ""),
            },
            _ => match after.find(char::is_whitespace) {
                Some(end) => (after[..end].to_owned(), &after[end..]),
                None => (after.to_owned(), ""),
            },
        };
        pairs.push((key, value));
        rest = next.trim_start();
    }
    pairs
}

/// Parses an Ansible inventory in INI form.
///
/// # Errors
/// A section header that is not closed, with its line.
pub fn parse_ansible_ini(text: &str, path: &Path) -> Result<Inventory, InventoryError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Part {
        Hosts,
        Vars,
        Children,
    }
    let mut model = AnsibleModel::default();
    let (mut group, mut part) = ("ungrouped".to_owned(), Part::Hosts);
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header.strip_suffix(']').ok_or_else(|| InventoryError {
                path: format!("{}:{}", path.display(), number + 1),
                message: format!("the group header {line} has no closing ]"),
            })?;
            let (name, kind) = header.split_once(':').unwrap_or((header, ""));
            group = name.trim().to_owned();
            part = match kind {
                "vars" => Part::Vars,
                "children" => Part::Children,
                _ => Part::Hosts,
            };
            model.groups.entry(group.clone()).or_default();
            continue;
        }
        match part {
            Part::Vars => {
                let (key, value) = line.split_once('=').map_or((line, ""), |(k, v)| (k.trim(), v.trim()));
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                model.groups.entry(group.clone()).or_default().vars.insert(key.to_owned(), value.to_owned());
            }
            Part::Children => {
                let child = line.split_whitespace().next().unwrap_or(line).to_owned();
                model.groups.entry(child.clone()).or_default();
                model.groups.entry(group.clone()).or_default().children.push(child);
            }
            Part::Hosts => {
                let (pattern, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let names = expand_range(pattern).unwrap_or_else(|| vec![pattern.to_owned()]);
                let pairs = ini_pairs(rest);
                for name in names {
                    let host = model.host(&name);
                    if !host.groups.contains(&group) {
                        host.groups.push(group.clone());
                    }
                    host.vars.extend(pairs.iter().cloned());
                }
            }
        }
    }
    model.into_inventory(path, InventoryKind::AnsibleIni)
}

/// Parses an Ansible inventory in YAML form (`all:` with `hosts`, `vars` and `children`).
///
/// # Errors
/// The YAML error with its line, or a document that is not an inventory.
pub fn parse_ansible_yaml(text: &str, path: &Path) -> Result<Inventory, InventoryError> {
    use yaml_rust2::{Yaml, YamlLoader};
    let docs = YamlLoader::load_from_str(text).map_err(|e| InventoryError {
        path: format!("{}:{}:{}", path.display(), e.marker().line(), e.marker().col() + 1),
        message: format!("not valid YAML: {}", e.info()),
    })?;
    let mut model = AnsibleModel::default();
    fn scalar(value: &Yaml) -> Option<String> {
        match value {
            Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
            Yaml::Integer(i) => Some(i.to_string()),
            Yaml::Boolean(b) => Some(b.to_string()),
            _ => None,
        }
    }
    fn group(model: &mut AnsibleModel, name: &str, body: &Yaml, depth: usize) {
        model.groups.entry(name.to_owned()).or_default();
        let Yaml::Hash(body) = body else { return };
        if depth > 64 {
            return;
        }
        for (key, value) in body {
            match key.as_str() {
                Some("hosts") => {
                    let Yaml::Hash(hosts) = value else { continue };
                    for (host_name, vars) in hosts {
                        let Some(pattern) = scalar(host_name) else { continue };
                        for host_name in expand_range(&pattern).unwrap_or_else(|| vec![pattern.clone()]) {
                            let host = model.host(&host_name);
                            if !host.groups.iter().any(|g| g == name) {
                                host.groups.push(name.to_owned());
                            }
                            if let Yaml::Hash(vars) = vars {
                                for (k, v) in vars {
                                    if let (Some(k), Some(v)) = (scalar(k), scalar(v)) {
                                        host.vars.insert(k, v);
                                    }
                                }
                            }
                        }
                    }
                }
                Some("vars") => {
                    let Yaml::Hash(vars) = value else { continue };
                    for (k, v) in vars {
                        if let (Some(k), Some(v)) = (scalar(k), scalar(v)) {
                            model.groups.entry(name.to_owned()).or_default().vars.insert(k, v);
                        }
                    }
                }
                Some("children") => {
                    let Yaml::Hash(children) = value else { continue };
                    for (child, child_body) in children {
                        let Some(child) = scalar(child) else { continue };
                        model.groups.entry(name.to_owned()).or_default().children.push(child.clone());
                        group(model, &child, child_body, depth + 1);
                    }
                }
                other => {
                    model.ignored.push(format!("group {name}: key {} is not used", other.unwrap_or("?")));
                }
            }
        }
    }
    let Some(Yaml::Hash(top)) = docs.first() else {
        return Err(InventoryError {
            path: path.display().to_string(),
            message: "is not an Ansible inventory: it should start with `all:` (or a group) and its `hosts:`"
                .to_owned(),
        });
    };
    for (name, body) in top {
        if let Some(name) = scalar(name) {
            group(&mut model, &name, body, 0);
        }
    }
    model.into_inventory(path, InventoryKind::AnsibleYaml)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(name: &str) -> PathBuf {
        PathBuf::from(name)
    }

    #[test]
    fn fleet_toml_reads_nodes_and_names_a_wrong_line() {
        let text = "ssh_config = \"ssh/config\"\n\n[[node]]\nname = \"proxy-a\"\nssh = \"admin@10.0.0.11\"\ntags = [\"site:hq\", \"pair:vpn\"]\n\n[[node]]\nname = \"proxy-b\"\nssh = \"proxy-b.corp\"\nport = 2222\nos = \"windows\"\ninstall_dir = 'D:\\Duo'\n";
        let inventory = parse_fleet_toml(text, &path("fleet.toml")).unwrap();
        assert_eq!(inventory.nodes.len(), 2);
        assert_eq!(inventory.nodes[1].port, Some(2222));
        assert_eq!(inventory.nodes[1].os, Some(NodeOs::Windows));
        assert_eq!(inventory.nodes[1].install_dir.as_deref(), Some("D:\\Duo"));
        assert_eq!(inventory.nodes[0].tags, ["site:hq", "pair:vpn"]);
        let again = parse_fleet_toml(&to_fleet_toml(Some(Path::new("ssh/config")), &inventory.nodes), &path("f.toml"));
        assert_eq!(again.unwrap().nodes, inventory.nodes, "what the window saves reads back the same");
        let wrong =
            parse_fleet_toml("[[node]]\nname = \"a\"\nssh = \"h\"\nprot = 22\n", &path("fleet.toml")).unwrap_err();
        assert!(wrong.path.starts_with("fleet.toml:4:"), "{wrong}");
        assert!(wrong.message.contains("prot"), "{wrong}");
    }

    #[test]
    fn names_must_be_unique_and_ssh_cannot_be_an_option() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fleet.toml");
        std::fs::write(&file, "[[node]]\nname = \"a\"\nssh = \"h1\"\n[[node]]\nname = \"A\"\nssh = \"h2\"\n").unwrap();
        assert!(read(&file).unwrap_err().message.contains("two nodes are named A"));
        std::fs::write(&file, "[[node]]\nname = \"a\"\nssh = \"-oProxyCommand=x\"\n").unwrap();
        assert!(read(&file).unwrap_err().message.contains("cannot be empty or start with '-'"));
    }

    #[test]
    fn an_ansible_ini_inventory_gives_hosts_groups_as_tags_and_says_what_it_ignored() {
        let text = "# proxies\nbastion ansible_host=10.9.9.9\n\n[vpn_pair]\nduo-a ansible_host=10.0.0.11 ansible_user=admin\nduo-b ansible_host=\"10.0.0.12\" ansible_port=2222 ansible_become=true\n\n[site_hq:children]\nvpn_pair\n\n[site_hq:vars]\nansible_user=ops\nntp_server=10.0.0.1\n\n[web]\nweb[01:03].corp\n";
        let inventory = parse_ansible_ini(text, &path("hosts")).unwrap();
        let names: Vec<&str> = inventory.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["bastion", "duo-a", "duo-b", "web01.corp", "web02.corp", "web03.corp"]);
        let a = &inventory.nodes[1];
        assert_eq!(
            (a.ssh.as_str(), a.user.as_deref(), a.port),
            ("10.0.0.11", Some("admin"), None),
            "the host's own var wins"
        );
        let b = &inventory.nodes[2];
        assert_eq!(
            (b.ssh.as_str(), b.user.as_deref(), b.port),
            ("10.0.0.12", Some("ops"), Some(2222)),
            "the group's var applies"
        );
        assert_eq!(b.tags, ["vpn_pair", "site_hq"]);
        assert!(inventory.nodes[0].tags.is_empty(), "ungrouped is not a tag");
        assert!(inventory.ignored.iter().any(|l| l.contains("ansible_become")), "{:?}", inventory.ignored);
        assert!(inventory.ignored.iter().any(|l| l.contains("ntp_server")));
        let bad = parse_ansible_ini("[web\nhost1\n", &path("hosts")).unwrap_err();
        assert_eq!(bad.path, "hosts:1");
        let port = parse_ansible_ini("h ansible_port=ssh\n", &path("hosts")).unwrap_err();
        assert!(port.message.contains("not a port"));
    }

    #[test]
    fn an_ansible_yaml_inventory_reads_the_same_way() {
        let text = "all:\n  vars:\n    ansible_user: ops\n  hosts:\n    bastion:\n      ansible_host: 10.9.9.9\n  children:\n    site_hq:\n      children:\n        vpn_pair:\n          hosts:\n            duo-a:\n              ansible_host: 10.0.0.11\n            duo-b:\n              ansible_host: 10.0.0.12\n              ansible_port: 2222\n              ansible_user: admin\n              ansible_python_interpreter: /usr/bin/python3\n";
        let inventory = parse_ansible_yaml(text, &path("inventory.yml")).unwrap();
        let names: Vec<&str> = inventory.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["bastion", "duo-a", "duo-b"]);
        assert_eq!(inventory.nodes[1].user.as_deref(), Some("ops"), "all's vars reach every host");
        let b = &inventory.nodes[2];
        assert_eq!((b.ssh.as_str(), b.port, b.user.as_deref()), ("10.0.0.12", Some(2222), Some("admin")));
        assert_eq!(b.tags, ["vpn_pair", "site_hq"]);
        assert!(inventory.ignored.iter().any(|l| l.contains("ansible_python_interpreter")));
        let bad = parse_ansible_yaml("all:\n  hosts: [\n", &path("inventory.yml")).unwrap_err();
        assert!(bad.message.starts_with("not valid YAML"), "{bad}");
        assert!(parse_ansible_yaml("- a\n- b\n", &path("x.yml"))
            .unwrap_err()
            .message
            .contains("not an Ansible inventory"));
    }

    #[test]
    fn the_form_is_told_by_extension_or_first_line() {
        assert!(looks_like_yaml("# hosts\n---\nall:\n"));
        assert!(looks_like_yaml("all:\n  hosts:\n"));
        assert!(!looks_like_yaml("[vpn]\nduo-a\n"));
        assert!(!looks_like_yaml("duo-a ansible_host=1.2.3.4\n"));
        assert_eq!(expand_range("p[a:c]").unwrap(), ["pa", "pb", "pc"]);
        assert_eq!(expand_range("p[1:5:2]x").unwrap(), ["p1x", "p3x", "p5x"]);
        assert_eq!(expand_range("plain"), None);
    }
}
