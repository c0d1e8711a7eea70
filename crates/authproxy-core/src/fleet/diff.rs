//! Comparing the configs of several nodes by meaning: sections and keys (keys ignoring case),
//! not comments, order or spacing. Keys that are meant to differ per node are said to; DPAPI
//! blobs are never compared (they cannot match across machines); secrets are never shown.

use serde::Serialize;

use crate::config::Document;
use crate::schema::keys::find_key;
use crate::schema::SectionType;
use crate::secrets::shape::looks_secret;

/// One node's value in a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell {
    /// The section or key is not there.
    Missing,
    /// The section is there (a section row).
    Present,
    /// The value, as the proxy reads it.
    Value(String),
    /// A secret: never shown; equal secrets share a letter (A, B, …).
    Secret(char),
    /// A `*_protected` value: DPAPI for that machine only.
    Protected,
}

/// What a row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The same everywhere.
    Same,
    /// Different, and it matters.
    Differs,
    /// Different, as it is meant to be on each node (`[main] interface`, the order of `host`s).
    ExpectedToDiffer,
    /// Protected on each node: not comparable, shown as such.
    ProtectedPerNode,
}

/// A section or a key across the nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The section (lower case).
    pub section: String,
    /// The key (lower case); `None` for the section itself.
    pub key: Option<String>,
    /// One cell per node, in the order given.
    pub cells: Vec<Cell>,
    /// What the row says.
    pub verdict: Verdict,
    /// Why, when it is expected to differ.
    pub note: Option<&'static str>,
}

/// The comparison of several nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The nodes, in the order of each row's cells.
    pub nodes: Vec<String>,
    /// Every section and key of any node, in the first node's order, then the others'.
    pub rows: Vec<Row>,
}

impl Comparison {
    /// Whether every row is the same or meant to differ.
    #[must_use]
    pub fn in_step(&self) -> bool {
        self.rows.iter().all(|r| r.verdict != Verdict::Differs)
    }

    /// The rows that differ.
    pub fn differences(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.verdict != Verdict::Same)
    }
}

/// Keys meant to differ per node: the address each node listens on.
const PER_NODE: [(&str, &str, &str); 1] = [("main", "interface", "the address each node listens on: meant to differ")];

/// Compares `docs` (a name and a config each).
#[must_use]
pub fn compare(docs: &[(String, Document)]) -> Comparison {
    let mut sections: Vec<String> = Vec::new();
    for (_, doc) in docs {
        for section in doc.regular_sections() {
            let name = section.name.to_ascii_lowercase().to_string();
            if !sections.contains(&name) {
                sections.push(name);
            }
        }
    }
    let mut rows = Vec::new();
    for section in &sections {
        let found: Vec<Option<&crate::config::Section>> =
            docs.iter().map(|(_, doc)| doc.regular_sections().find(|s| s.name.eq_ignore_ascii_case(section))).collect();
        let cells: Vec<Cell> = found.iter().map(|s| if s.is_some() { Cell::Present } else { Cell::Missing }).collect();
        let all_there = found.iter().all(Option::is_some);
        rows.push(Row {
            section: section.clone(),
            key: None,
            verdict: if all_there { Verdict::Same } else { Verdict::Differs },
            cells,
            note: None,
        });
        let ty = SectionType::from_section_name(section);
        let mut keys: Vec<String> = Vec::new();
        for s in found.iter().flatten() {
            for entry in &s.entries {
                if !keys.contains(&entry.name.to_string()) {
                    keys.push(entry.name.to_string());
                }
            }
        }
        let host_order = hosts_only_reordered(&found);
        for key in keys {
            let secret = key.ends_with("_protected")
                || ty.and_then(|t| find_key(t, &key)).map_or_else(|| looks_secret(&key), |m| m.spec.secret);
            let protected = key.ends_with("_protected");
            let values: Vec<Option<String>> =
                found.iter().map(|s| s.and_then(|s| s.value(&key)).map(|v| v.trim().to_owned())).collect();
            let cells = cells_for(&values, secret, protected);
            let differs = values.windows(2).any(|w| w[0] != w[1]);
            let present_everywhere = values.iter().all(Option::is_some);
            let per_node = PER_NODE.iter().find(|(s, k, _)| section == s && key == *k).map(|(_, _, why)| *why);
            let (verdict, note) = if protected && present_everywhere {
                (Verdict::ProtectedPerNode, Some("protected on each node: DPAPI blobs never match across machines"))
            } else if !differs {
                (Verdict::Same, None)
            } else if let Some(why) = per_node {
                (Verdict::ExpectedToDiffer, Some(why))
            } else if host_order && is_host_key(&key) {
                (
                    Verdict::ExpectedToDiffer,
                    Some("the same hosts in another order: each node can try its nearest server first"),
                )
            } else {
                (Verdict::Differs, None)
            };
            rows.push(Row { section: section.clone(), key: Some(key), cells, verdict, note });
        }
    }
    Comparison { nodes: docs.iter().map(|(name, _)| name.clone()).collect(), rows }
}

fn cells_for(values: &[Option<String>], secret: bool, protected: bool) -> Vec<Cell> {
    let mut seen: Vec<&str> = Vec::new();
    values
        .iter()
        .map(|value| match value {
            None => Cell::Missing,
            Some(_) if protected => Cell::Protected,
            Some(v) if secret => {
                let at = seen.iter().position(|s| s == v).unwrap_or_else(|| {
                    seen.push(v);
                    seen.len() - 1
                });
                Cell::Secret(char::from(b'A' + u8::try_from(at % 26).unwrap_or(0)))
            }
            Some(v) => Cell::Value(v.clone()),
        })
        .collect()
}

fn is_host_key(key: &str) -> bool {
    key == "host" || key.strip_prefix("host_").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether every node has the same set of `host`/`host_N` values, in a different order somewhere.
fn hosts_only_reordered(found: &[Option<&crate::config::Section>]) -> bool {
    let lists: Vec<Vec<String>> = found
        .iter()
        .flatten()
        .map(|s| {
            s.entries.iter().filter(|e| is_host_key(&e.name)).map(|e| e.value.trim().to_ascii_lowercase()).collect()
        })
        .collect();
    if lists.len() < 2 || lists.iter().all(Vec::is_empty) {
        return false;
    }
    let sorted = |l: &Vec<String>| {
        let mut l = l.clone();
        l.sort();
        l
    };
    let first = sorted(&lists[0]);
    lists.iter().all(|l| sorted(l) == first) && lists.windows(2).any(|w| w[0] != w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(c: &'a Comparison, section: &str, key: Option<&str>) -> &'a Row {
        c.rows.iter().find(|r| r.section == section && r.key.as_deref() == key).unwrap()
    }

    #[test]
    fn comments_order_spacing_and_key_case_are_ignored() {
        let a = "; node a\n[main]\ndebug=false\n\n[ad_client]\nhost=dc1\nservice_account_username=svc\n";
        let b = "[AD_CLIENT]\nService_Account_Username = svc\nhost= dc1\n[main]\n; same\ndebug=false\n";
        let c = compare(&[("a".into(), Document::parse(a)), ("b".into(), Document::parse(b))]);
        assert!(c.in_step(), "{:#?}", c.differences().collect::<Vec<_>>());
        assert_eq!(c.differences().count(), 0);
    }

    #[test]
    fn per_node_keys_host_order_protected_values_and_secrets_are_told_apart() {
        let a = "[main]\ninterface=10.0.0.11\n[ad_client]\nhost=dc1\nhost_2=dc2\nservice_account_password_protected=AAAA\n[radius_server_auto]\nskey=Same-Secret-1\nradius_secret_1=Secret-A\nfailmode=safe\n";
        let b = "[main]\ninterface=10.0.0.12\n[ad_client]\nhost=dc2\nhost_2=dc1\nservice_account_password_protected=BBBB\n[radius_server_auto]\nskey=Same-Secret-1\nradius_secret_1=Secret-B\nfailmode=secure\n[cloud]\nikey=DI\n";
        let c = compare(&[("a".into(), Document::parse(a)), ("b".into(), Document::parse(b))]);
        assert_eq!(row(&c, "main", Some("interface")).verdict, Verdict::ExpectedToDiffer);
        assert_eq!(row(&c, "ad_client", Some("host")).verdict, Verdict::ExpectedToDiffer);
        assert_eq!(row(&c, "ad_client", Some("host_2")).verdict, Verdict::ExpectedToDiffer);
        let protected = row(&c, "ad_client", Some("service_account_password_protected"));
        assert_eq!(
            (protected.verdict, &protected.cells[..]),
            (Verdict::ProtectedPerNode, &[Cell::Protected, Cell::Protected][..])
        );
        let skey = row(&c, "radius_server_auto", Some("skey"));
        assert_eq!((skey.verdict, &skey.cells[..]), (Verdict::Same, &[Cell::Secret('A'), Cell::Secret('A')][..]));
        let secret = row(&c, "radius_server_auto", Some("radius_secret_1"));
        assert_eq!(
            (secret.verdict, &secret.cells[..]),
            (Verdict::Differs, &[Cell::Secret('A'), Cell::Secret('B')][..])
        );
        assert_eq!(row(&c, "radius_server_auto", Some("failmode")).verdict, Verdict::Differs);
        assert_eq!(row(&c, "cloud", None).cells, [Cell::Missing, Cell::Present]);
        assert!(!c.in_step());
        let shown = serde_json::to_string(&c).unwrap();
        for secret in ["Same-Secret-1", "Secret-A", "Secret-B", "AAAA", "BBBB"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }

    #[test]
    fn a_host_added_on_one_node_is_a_real_difference() {
        let a = "[ad_client]\nhost=dc1\nhost_2=dc2\n";
        let b = "[ad_client]\nhost=dc2\nhost_2=dc1\nhost_3=dc3\n";
        let c = compare(&[("a".into(), Document::parse(a)), ("b".into(), Document::parse(b))]);
        assert_eq!(row(&c, "ad_client", Some("host")).verdict, Verdict::Differs);
    }
}
