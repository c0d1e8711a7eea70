//! Syntax highlighting: syntect with our own grammar (`assets/authproxy-cfg.sublime-syntax`),
//! cached per line.
//!
//! The grammar is line-local (every line starts in the main context), so a line's
//! tokens depend only on its text and a cache keyed by the text stays exact.

use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder};

/// The grammar, embedded so the app needs no files beside it.
pub const GRAMMAR: &str = include_str!("../../assets/authproxy-cfg.sublime-syntax");

/// What a piece of a line is; each kind has its own look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Spaces and anything unclassified.
    Plain,
    /// A `;` or `#` comment line.
    Comment,
    /// `[` and `]`.
    Bracket,
    /// A section name.
    Section,
    /// A key the proxy knows in some section.
    KnownKey,
    /// A key the proxy knows nowhere.
    UnknownKey,
    /// `=` or `:`.
    Delimiter,
    /// A value.
    Value,
    /// The value of a plaintext secret (masked until revealed).
    Secret,
    /// A `*_protected` DPAPI blob.
    Protected,
    /// An indented continuation line.
    Continuation,
    /// A line the proxy cannot read.
    Invalid,
}

/// A classified byte range of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Bytes within the line.
    pub range: Range<usize>,
    /// What it is.
    pub kind: TokenKind,
}

struct Scopes {
    table: [(Scope, TokenKind); 11],
}

impl Scopes {
    fn new() -> Option<Self> {
        let s = |name: &str, kind| Scope::new(name).ok().map(|scope| (scope, kind));
        Some(Self {
            table: [
                s("comment", TokenKind::Comment)?,
                s("entity.name.section", TokenKind::Section)?,
                s("punctuation.section", TokenKind::Bracket)?,
                s("variable.other.key.known", TokenKind::KnownKey)?,
                s("invalid.key.unknown", TokenKind::UnknownKey)?,
                s("punctuation.separator.key-value", TokenKind::Delimiter)?,
                s("string.other.secret", TokenKind::Secret)?,
                s("string.other.protected", TokenKind::Protected)?,
                s("string.unquoted.continuation", TokenKind::Continuation)?,
                s("string.unquoted.value", TokenKind::Value)?,
                s("invalid", TokenKind::Invalid)?,
            ],
        })
    }

    /// The innermost scope that has a look decides.
    fn classify(&self, stack: &ScopeStack) -> TokenKind {
        for scope in stack.as_slice().iter().rev() {
            if let Some((_, kind)) = self.table.iter().find(|(prefix, _)| prefix.is_prefix_of(*scope)) {
                return *kind;
            }
        }
        TokenKind::Plain
    }
}

struct Grammar {
    set: SyntaxSet,
    scopes: Scopes,
}

impl Grammar {
    fn load() -> Result<Self, String> {
        let definition = SyntaxDefinition::load_from_str(GRAMMAR, false, None).map_err(|e| e.to_string())?;
        let mut builder = SyntaxSetBuilder::new();
        builder.add(definition);
        let set = builder.build();
        let scopes = Scopes::new().ok_or("bad scope name")?;
        Ok(Self { set, scopes })
    }

    fn syntax(&self) -> &SyntaxReference {
        &self.set.syntaxes()[0]
    }

    fn tokens(&self, line: &str) -> Vec<Token> {
        let mut state = ParseState::new(self.syntax());
        let Ok(ops) = state.parse_line(line, &self.set) else {
            return vec![Token { range: 0..line.len(), kind: TokenKind::Plain }];
        };
        let mut stack = ScopeStack::new();
        let mut tokens: Vec<Token> = Vec::new();
        let mut at = 0;
        let push = |tokens: &mut Vec<Token>, range: Range<usize>, kind| {
            if range.is_empty() {
                return;
            }
            match tokens.last_mut() {
                Some(last) if last.kind == kind && last.range.end == range.start => last.range.end = range.end,
                _ => tokens.push(Token { range, kind }),
            }
        };
        for (offset, op) in ops {
            let offset = offset.min(line.len());
            push(&mut tokens, at..offset, self.scopes.classify(&stack));
            at = offset;
            if stack.apply(&op).is_err() {
                break;
            }
        }
        push(&mut tokens, at..line.len(), self.scopes.classify(&stack));
        mask_secret_shaped_value(line, tokens)
    }
}

/// An unknown key that looks like a secret (`radius_secert_1`) gets its value masked too:
/// the grammar's key lists only name the schema's secrets.
fn mask_secret_shaped_value(line: &str, tokens: Vec<Token>) -> Vec<Token> {
    let secret_key = tokens
        .first()
        .is_some_and(|t| t.kind == TokenKind::UnknownKey && crate::secrets::looks_secret(&line[t.range.clone()]));
    if !secret_key {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() + 1);
    for token in tokens {
        if token.kind != TokenKind::Value {
            out.push(token);
            continue;
        }
        let text = &line[token.range.clone()];
        let start = token.range.start + (text.len() - text.trim_start().len());
        if start > token.range.start {
            out.push(Token { range: token.range.start..start, kind: TokenKind::Plain });
        }
        if start < token.range.end {
            out.push(Token { range: start..token.range.end, kind: TokenKind::Secret });
        }
    }
    out
}

/// Tokenizes lines, remembering every line it has seen.
pub struct Highlighter {
    grammar: Option<Grammar>,
    cache: FxHashMap<Box<str>, Arc<[Token]>>,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

/// Above this many cached lines the cache starts afresh (a 10,000-line file fits easily).
const CACHE_LIMIT: usize = 100_000;

impl Highlighter {
    /// Loads the embedded grammar. If it cannot load, lines are shown plain (and a warning is logged).
    #[must_use]
    pub fn new() -> Self {
        let grammar = Grammar::load()
            .map_err(|e| tracing::warn!("the highlighting grammar did not load, showing plain text: {e}"))
            .ok();
        Self { grammar, cache: FxHashMap::default() }
    }

    /// Whether the grammar loaded.
    #[must_use]
    pub fn has_grammar(&self) -> bool {
        self.grammar.is_some()
    }

    /// The tokens of one line (without its line ending).
    pub fn line(&mut self, line: &str) -> Arc<[Token]> {
        if let Some(tokens) = self.cache.get(line) {
            return Arc::clone(tokens);
        }
        let tokens: Arc<[Token]> = match &self.grammar {
            Some(grammar) => grammar.tokens(line).into(),
            None => vec![Token { range: 0..line.len(), kind: TokenKind::Plain }].into(),
        };
        if self.cache.len() >= CACHE_LIMIT {
            self.cache.clear();
        }
        self.cache.insert(line.into(), Arc::clone(&tokens));
        tokens
    }
}

/// The regular expression for a set of schema keys, as the grammar's variables hold it:
/// bare names, `name(?:_\d+)?` for keys that may be numbered, `name_\d+` for numbered-only ones.
/// Keys added after 5.0.0 count as known: the diagnostics say for which releases.
#[must_use]
pub fn key_pattern(include: impl Fn(&crate::schema::KeySpec) -> bool) -> String {
    use crate::schema::keys::{Numbering, KEYS, LATER_KEYS};
    let mut forms: Vec<String> = KEYS
        .iter()
        .chain(LATER_KEYS.iter().map(|later| &later.spec))
        .filter(|spec| include(spec))
        .flat_map(|spec| {
            let bare = spec.name.to_string();
            let numbered = format!("{}_\\d+", spec.name);
            match spec.numbering {
                Numbering::Single => vec![bare],
                Numbering::BareOrNumbered => vec![bare, numbered],
                Numbering::NumberedOnly => vec![numbered],
            }
        })
        .collect();
    // Longest first, so a name never stops at a shorter name it starts with.
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    format!("(?:{})", forms.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind as K;

    fn kinds(h: &mut Highlighter, line: &str) -> Vec<(String, TokenKind)> {
        h.line(line).iter().map(|t| (line[t.range.clone()].to_string(), t.kind)).collect()
    }

    fn variable(name: &str) -> String {
        let prefix = format!("  {name}: '");
        let line = GRAMMAR.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no variable {name}"));
        line[prefix.len()..line.len() - 1].to_string()
    }

    #[test]
    fn grammar_key_lists_match_the_schema() {
        let known = key_pattern(|_| true);
        let secret = key_pattern(|s| s.secret && !s.protected);
        let protected = key_pattern(|s| s.protected);
        if std::env::var_os("UPDATE_GRAMMAR").is_some() {
            let mut grammar = GRAMMAR.to_string();
            for (name, value) in [("known_keys", &known), ("secret_keys", &secret), ("protected_keys", &protected)] {
                grammar = grammar.replace(&format!("  {name}: '{}'", variable(name)), &format!("  {name}: '{value}'"));
            }
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/authproxy-cfg.sublime-syntax"), grammar)
                .unwrap();
            return;
        }
        assert_eq!(variable("known_keys"), known, "run the tests with UPDATE_GRAMMAR=1 to regenerate");
        assert_eq!(variable("secret_keys"), secret, "regenerate secret_keys in the grammar");
        assert_eq!(variable("protected_keys"), protected, "regenerate protected_keys in the grammar");
    }

    #[test]
    fn every_part_of_a_config_gets_its_look() {
        let mut h = Highlighter::new();
        assert!(h.has_grammar());
        assert_eq!(
            kinds(&mut h, "[ad_client2]"),
            [("[".into(), K::Bracket), ("ad_client2".into(), K::Section), ("]".into(), K::Bracket)]
        );
        assert_eq!(kinds(&mut h, "; a comment"), [("; a comment".into(), K::Comment)]);
        assert_eq!(kinds(&mut h, "  # indented"), [("  # indented".into(), K::Comment)]);
        assert_eq!(
            kinds(&mut h, "Host_2 = dc2.example.com"),
            [
                ("Host_2".into(), K::KnownKey),
                (" ".into(), K::Plain),
                ("=".into(), K::Delimiter),
                (" dc2.example.com".into(), K::Value)
            ]
        );
        assert_eq!(kinds(&mut h, "hots=dc1")[0], ("hots".into(), K::UnknownKey));
        assert_eq!(kinds(&mut h, "force_message_authenticator=true")[0].1, K::KnownKey);
        assert_eq!(kinds(&mut h, "skey=abc")[2], ("abc".into(), K::Secret));
        assert_eq!(kinds(&mut h, "radius_secret_2: s3cr3t")[3], ("s3cr3t".into(), K::Secret));
        assert_eq!(kinds(&mut h, "skey_protected=AQAAANCM")[2], ("AQAAANCM".into(), K::Protected));
        assert_eq!(
            kinds(&mut h, "radius_secert_1 = hunter2"),
            [
                ("radius_secert_1".into(), K::UnknownKey),
                (" ".into(), K::Plain),
                ("=".into(), K::Delimiter),
                (" ".into(), K::Plain),
                ("hunter2".into(), K::Secret)
            ]
        );
        assert_eq!(kinds(&mut h, "radius_secret_protected_1=AQAA")[0].1, K::KnownKey);
        assert_eq!(kinds(&mut h, "    CN=Users,DC=example")[0].1, K::Continuation);
        assert_eq!(kinds(&mut h, "no delimiter here")[0].1, K::Invalid);
        assert_eq!(kinds(&mut h, "hostname=x")[0], ("hostname".into(), K::UnknownKey));
    }

    #[test]
    fn non_ascii_lines_keep_char_boundaries() {
        let mut h = Highlighter::new();
        let line = "bind_dn=CN=Jürgen Müller,DC=例え";
        for t in h.line(line).iter() {
            assert!(line.is_char_boundary(t.range.start) && line.is_char_boundary(t.range.end));
        }
        let covered: usize = h.line(line).iter().map(|t| t.range.len()).sum();
        assert_eq!(covered, line.len());
    }
}
