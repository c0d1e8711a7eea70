//! Differential test against Python's own `configparser`, which is what the proxy
//! (Python 3.8, `ConfigParser(interpolation=None)`) parses authproxy.cfg with.
//!
//! For every fixture and a few thousand random documents, Python and our parser
//! must agree on whether the file loads (and on the error class when it does not),
//! and on every section, key and value when it does.

use std::io::Write as _;
use std::process::{Command, Stdio};

use authproxy_manager::config::{Document, SyntaxErrorKind};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

use crate::util::{all_fixtures, document, loading_document};

/// Python 3.10 made the section-header pattern greedy (bpo-38741); the proxy runs
/// Python 3.8, whose pattern stops at the first `]`. The script restores 3.8's.
const PYTHON: &str = r#"
import configparser, json, re, sys, tempfile, os
PY38_SECTCRE = re.compile(r"\[(?P<header>[^]]+)\]")
results = []
for text in json.load(sys.stdin):
    with tempfile.NamedTemporaryFile("wb", delete=False) as f:
        f.write(text.encode("utf-8", "surrogatepass"))
        path = f.name
    cp = configparser.ConfigParser(interpolation=None)
    cp.SECTCRE = PY38_SECTCRE
    try:
        with open(path, encoding="utf-8") as fp:
            cp.read_file(fp)
        results.append({
            "sections": [[name, [[k, v] for k, v in sec.items()]] for name, sec in cp._sections.items()],
            "defaults": [[k, v] for k, v in cp._defaults.items()],
        })
    except configparser.Error as e:
        results.append({"error": type(e).__name__})
    finally:
        os.unlink(path)
json.dump(results, sys.stdout)
"#;

/// What Python's configparser would make of `text`, predicted from our parse.
fn ours(text: &str) -> Value {
    let doc = Document::parse(text);
    let fatal = doc.errors.iter().find_map(|e| match &e.kind {
        SyntaxErrorKind::MissingSectionHeader { .. } => Some("MissingSectionHeaderError"),
        SyntaxErrorKind::DuplicateSection { exact: true, .. } => Some("DuplicateSectionError"),
        SyntaxErrorKind::DuplicateKey { .. } => Some("DuplicateOptionError"),
        _ => None,
    });
    let parsing = doc.errors.iter().any(|e| matches!(e.kind, SyntaxErrorKind::NoDelimiter | SyntaxErrorKind::EmptyKey));
    if let Some(class) = fatal.or(parsing.then_some("ParsingError")) {
        return json!({ "error": class });
    }
    let pairs = |s: &authproxy_manager::config::Section| -> Vec<Value> {
        s.entries.iter().map(|e| json!([e.name, e.value])).collect()
    };
    json!({
        "sections": doc.regular_sections().map(|s| json!([s.name, pairs(s)])).collect::<Vec<_>>(),
        "defaults": doc.sections.iter().filter(|s| s.is_default()).flat_map(pairs).collect::<Vec<_>>(),
    })
}

fn python(texts: &[String]) -> Vec<Value> {
    let mut child = Command::new("python3")
        .args(["-c", PYTHON])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed: it is the reference parser for this test");
    child.stdin.take().unwrap().write_all(serde_json::to_string(texts).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn our_parser_agrees_with_python_configparser() {
    let mut texts: Vec<String> =
        all_fixtures().iter().map(|p| String::from_utf8(std::fs::read(p).unwrap()).unwrap()).collect();
    let fixtures = texts.len();
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let strategy = document();
    for _ in 0..3000 {
        texts.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    let loading = loading_document();
    for _ in 0..1500 {
        texts.push(loading.new_tree(&mut runner).unwrap().current());
    }
    // Python's str methods see lone surrogates differently; our inputs are valid UTF-8 anyway.
    let expected = python(&texts);
    assert_eq!(expected.len(), texts.len());
    let mut loaded = 0;
    for (i, (text, theirs)) in texts.iter().zip(&expected).enumerate() {
        let mine = ours(text);
        assert_eq!(&mine, theirs, "document #{i} {}:\n{text:?}", if i < fixtures { "(fixture)" } else { "(random)" });
        loaded += usize::from(theirs.get("sections").is_some());
    }
    assert!(loaded > 1000, "enough documents load to compare values ({loaded})");
}
