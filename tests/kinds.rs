//! Every finding kind has a fixture in tests/data/kinds/<Kind>.cfg that produces it,
//! and every fixture there names a kind. A fixture's first line may set options:
//! `; options: platform=windows|linux dpapi=this-machine|fake install=full|empty|none sso=enrolled`.

use std::path::Path;

use authproxy_manager::config::{decode, Document};
use authproxy_manager::schema::Platform;
use authproxy_manager::secrets::Protector;
use authproxy_manager::validate::{render, validate, Kind, Options, SsoEnrollment};

use crate::util::{Install, FAKE_DPAPI, THIS_MACHINE};

fn option<'a>(first_line: &'a str, name: &str) -> Option<&'a str> {
    let options = first_line.strip_prefix("; options:")?;
    options.split_whitespace().find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

#[test]
fn every_kind_has_a_fixture_that_produces_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kinds");
    let full = Install::new(true);
    let empty = Install::new(false);
    for kind in Kind::ALL {
        let path = dir.join(format!("{}.cfg", kind.name()));
        let bytes = std::fs::read(&path).unwrap_or_else(|_| panic!("no fixture for {}", kind.name()));
        let decoded = decode(&bytes);
        let first_line = decoded.text.lines().next().unwrap_or("");
        let platform = match option(first_line, "platform") {
            Some("windows") => Platform::Windows,
            _ => Platform::Linux,
        };
        let dpapi: Option<&dyn Protector> = match option(first_line, "dpapi") {
            Some("this-machine") => Some(&THIS_MACHINE),
            Some("fake") => Some(&FAKE_DPAPI),
            _ => None,
        };
        let install = match option(first_line, "install") {
            Some("none") => None,
            Some("empty") => Some(empty.path().to_path_buf()),
            _ => Some(full.path().to_path_buf()),
        };
        let sso =
            if option(first_line, "sso") == Some("enrolled") { SsoEnrollment::Enrolled } else { SsoEnrollment::Detect };
        let doc = Document::parse(&decoded.text);
        let options = Options {
            platform: Some(platform),
            install_dir: install,
            encoding: Some(decoded.encoding),
            protector: dpapi,
            sso_enrollment: sso,
            proxy_version: None,
            continue_after_load_error: false,
        };
        let found = validate(&doc, &options);
        let Some(d) = found.iter().find(|d| d.kind == *kind) else {
            panic!("{} does not produce {}: {found:#?}", path.display(), kind.name());
        };
        assert_eq!(d.severity, kind.default_severity(), "{}: severity", kind.name());
        assert!(d.message.len() > 40, "{}: message too short: {}", kind.name(), d.message);
        assert!(d.range.end <= decoded.text.len());
        assert!(!kind.explain().trim().is_empty(), "{} has no explanation", kind.name());
        let rendered = render::text("f.cfg", &doc, &found);
        assert!(rendered.contains(&format!("[{}]: ", kind.name())), "{rendered}");
    }
    let fixtures = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(fixtures, Kind::ALL.len(), "one fixture per kind, no strays");
}
