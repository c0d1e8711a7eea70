//! rust-ini reads the same values as our parser for the valid samples.
//!
//! rust-ini cannot be the document model (it drops comments and positions),
//! but as an independent INI reader it catches mistakes in how we split keys
//! and values. It is configured to keep quotes and backslashes, as the proxy does.

use authproxy_manager::config::Document;
use ini::{Ini, ParseOption};

use crate::util::all_fixtures;

#[test]
fn rust_ini_reads_the_same_keys_and_values() {
    let mut compared = 0;
    for path in all_fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with('v') {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let option = ParseOption { enabled_quote: false, enabled_escape: false, ..ParseOption::default() };
        let ini = Ini::load_from_str_opt(&text, option).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc = Document::parse(&text);
        for section in &doc.sections {
            let props =
                ini.section(Some(section.name.as_str())).unwrap_or_else(|| panic!("{name}: [{}]", section.name));
            let theirs: Vec<(String, String)> = props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let ours: Vec<(String, String)> =
                section.entries.iter().map(|e| (e.key.to_string(), e.value.to_string())).collect();
            assert_eq!(ours, theirs, "{name} [{}]", section.name);
            compared += ours.len();
        }
    }
    assert!(compared > 150, "compared {compared} values");
}
