//! No import cycles between the files of a crate: a file that needs another should not be
//! needed by it in return, or the two can only be understood (and changed) together.
//!
//! Reads every `crates/*/src/**/*.rs`, builds each crate's graph of file-level dependencies
//! from the paths in its code (`use crate::…`, `use super::…`, `use self::…`, `use child::…`
//! for a module the file declares, and the same paths written inline), and fails naming every
//! cycle (strongly connected set of files) that is not in [`KNOWN_CYCLES`]. A file's use of
//! its own ancestors (the crate root, the `mod.rs` of its folder) is not counted: they are its
//! namespace. No external tool: it reads the source as tokens, after comments and literals are
//! dropped, which is enough for paths (macros that build paths from pieces would escape it; we
//! have none).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Cycles tolerated for now: each is a crate and the files of one cycle, relative to its
/// `src/`. A cycle found in the code passes only when all its files are in one entry (so cycles
/// may shrink, never grow), and an entry that no longer matches any cycle fails the test, so
/// the list only gets shorter. Empty since issue 19 cut the last four: keep it so.
const KNOWN_CYCLES: &[(&str, &[&str])] = &[];

#[test]
fn no_module_cycles_beyond_the_known_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut problems = Vec::new();
    let mut matched = BTreeSet::new();
    for (krate, files) in read_crates(&root.join("crates")) {
        for cycle in cycles(&dependencies(&files)) {
            let known = KNOWN_CYCLES.iter().position(|(k, listed)| {
                *k == krate && cycle.iter().all(|f| listed.contains(&f.as_str()))
            });
            match known {
                Some(i) => {
                    matched.insert(i);
                }
                None => problems.push(format!(
                    "{krate}: a module cycle between {}",
                    cycle.into_iter().collect::<Vec<_>>().join(", ")
                )),
            }
        }
    }
    for (i, (krate, files)) in KNOWN_CYCLES.iter().enumerate() {
        if !matched.contains(&i) {
            problems.push(format!(
                "{krate}: the cycle between {} is gone: remove it from KNOWN_CYCLES",
                files.join(", ")
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// A crate's source files: path relative to `src/` (with `/`), and text.
type Files = Vec<(String, String)>;

/// Every crate under `crates/`, by directory name, with its source files.
fn read_crates(crates: &Path) -> BTreeMap<String, Files> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(crates).expect("crates/") {
        let dir = entry.expect("entry").path();
        let src = dir.join("src");
        if !src.is_dir() {
            continue;
        }
        let mut paths = Vec::new();
        collect_rs(&src, &mut paths);
        let files = paths
            .into_iter()
            .map(|p| {
                let rel = p.strip_prefix(&src).expect("under src");
                let rel = rel.to_string_lossy().replace('\\', "/");
                (rel, std::fs::read_to_string(&p).expect("readable source"))
            })
            .collect();
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        out.insert(name, files);
    }
    out
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines: `lib.rs` is the root, `a/mod.rs` and `a.rs` are `a`, `a/b.rs` is
/// `a::b`. None for `main.rs` beside a `lib.rs`: that binary root reaches the library by its
/// name, never by `crate::`, so it has no place in the library's graph.
fn module_of(rel: &str, has_lib: bool) -> Option<Vec<String>> {
    let stem = rel.strip_suffix(".rs")?;
    let mut parts: Vec<String> = stem.split('/').map(str::to_owned).collect();
    match parts.last().map(String::as_str) {
        Some("lib") if parts.len() == 1 => Some(Vec::new()),
        Some("main") if parts.len() == 1 => (!has_lib).then(Vec::new),
        Some("mod") => {
            parts.pop();
            Some(parts)
        }
        _ => Some(parts),
    }
}

/// File-level dependencies: for each file, the other files of the crate its paths name.
fn dependencies(files: &Files) -> BTreeMap<String, BTreeSet<String>> {
    let has_lib = files.iter().any(|(rel, _)| rel == "lib.rs");
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter_map(|(rel, _)| Some((module_of(rel, has_lib)?, rel.clone())))
        .collect();
    let mut graph = BTreeMap::new();
    for (module, rel) in &modules {
        let src = &files.iter().find(|(r, _)| r == rel).expect("listed").1;
        let mut deps = BTreeSet::new();
        for (at, path) in paths(&tokens(src)) {
            let mut base: Vec<String> = module.iter().chain(&at).cloned().collect();
            let mut segs = path.as_slice();
            match segs.first().map(String::as_str) {
                Some("crate") => base.clear(),
                Some("self") => {}
                Some("super") => {
                    while segs.first().map(String::as_str) == Some("super") {
                        base.pop();
                        segs = &segs[1..];
                    }
                }
                // `child::…`: a module this file declares, or else not ours (another crate).
                Some(first) => {
                    let mut child = base.clone();
                    child.push(first.to_owned());
                    if !modules.contains_key(&child) {
                        continue;
                    }
                }
                None => continue,
            }
            if matches!(segs.first().map(String::as_str), Some("crate" | "self")) {
                segs = &segs[1..];
            }
            let mut full = base;
            full.extend(segs.iter().cloned());
            // The file holding the named item: the longest prefix of the path that is a file.
            // A file's own ancestors (the crate root, its folder's `mod.rs`) are left out: they
            // are the namespace it lives in, which it may use freely, and counting them would
            // make every re-export in a `mod.rs` a cycle with the files under it.
            let target = (0..=full.len())
                .rev()
                .find(|&n| modules.contains_key(&full[..n]))
                .filter(|&n| !module.starts_with(&full[..n]));
            if let Some(n) = target {
                deps.insert(modules[&full[..n]].clone());
            }
        }
        graph.insert(rel.clone(), deps);
    }
    graph
}

/// A token of Rust source that matters for paths.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// The identifiers and punctuation of `src`; comments, strings, chars and numbers are dropped.
fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '"' {
            i = skip_string(&c, i + 1, 0);
        } else if (ch == 'r' || (ch == 'b' && at(i + 1) == 'r'))
            && matches!(at(i + 1 + usize::from(ch == 'b')), '"' | '#')
            && !at(i.wrapping_sub(1)).is_alphanumeric()
        {
            // Raw strings: r"…", r#"…"#, br"…".
            let mut j = i + 1 + usize::from(ch == 'b');
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) == '"' {
                i = skip_string(&c, j + 1, hashes);
            } else {
                out.push(Tok::Ident("r".into()));
                i += 1;
            }
        } else if ch == '\'' {
            // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a): skip the literal only.
            if at(i + 1) == '\\' {
                // Past the backslash and the escaped character (which may be a quote).
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else if ch.is_ascii_digit() {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '.') {
                i += 1;
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push(Tok::PathSep);
            i += 2;
        } else {
            if !ch.is_whitespace() {
                out.push(Tok::Punct(ch));
            }
            i += 1;
        }
    }
    out
}

/// The index after a string's closing quote (followed by `hashes` `#` for raw strings).
fn skip_string(c: &[char], mut i: usize, hashes: usize) -> usize {
    while i < c.len() {
        if hashes == 0 && c[i] == '\\' {
            i += 2;
        } else if c[i] == '"' && (1..=hashes).all(|k| c.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        } else {
            i += 1;
        }
    }
    i
}

/// Every path the tokens name, each with the inline modules (`mod tests { … }`) it sits in:
/// the paths of `use` trees, expanded (`use a::{b, c::d}` gives `a::b` and `a::c::d`), and
/// paths written in code that start with `crate`, `self` or `super`, or with any name followed
/// by `::` (names that are not our modules are dropped by the caller).
fn paths(toks: &[Tok]) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    // Open inline modules, with the brace depth their body starts at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    let ident = |i: usize| match toks.get(i) {
        Some(Tok::Ident(s)) => Some(s.as_str()),
        _ => None,
    };
    while i < toks.len() {
        let at: Vec<String> = inline.iter().map(|(m, _)| m.clone()).collect();
        match &toks[i] {
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
                i += 1;
            }
            Tok::Ident(kw) if kw == "mod" => {
                if let (Some(name), Some(Tok::Punct('{'))) = (ident(i + 1), toks.get(i + 2)) {
                    depth += 1;
                    inline.push((name.to_owned(), depth));
                    i += 3;
                } else {
                    i += 1;
                }
            }
            Tok::Ident(kw) if kw == "use" => {
                let mut j = i + 1;
                let mut found = Vec::new();
                use_tree(toks, &mut j, Vec::new(), &mut found);
                out.extend(found.into_iter().map(|p| (at.clone(), p)));
                i = j;
            }
            Tok::Ident(first) if toks.get(i + 1) == Some(&Tok::PathSep) => {
                // Not the tail of a longer path (`x::crate` cannot happen; `a::b` is read at `a`).
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while toks.get(j) == Some(&Tok::PathSep) {
                    match ident(j + 1) {
                        Some(s) => path.push(s.to_owned()),
                        None => break,
                    }
                    j += 2;
                }
                out.push((at, path));
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// Reads one use tree from `toks[*i]` up to its end (`;`, `,` or `}` of the enclosing group),
/// pushing each full path (a glob `*` or `self` ends at its module).
fn use_tree(toks: &[Tok], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        match toks.get(*i) {
            Some(Tok::Ident(s)) if s == "as" => {
                *i += 2;
            }
            Some(Tok::Ident(s)) if s == "self" && !path.is_empty() => {
                *i += 1;
            }
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                *i += 1;
            }
            Some(Tok::PathSep) | Some(Tok::Punct('*')) => *i += 1,
            Some(Tok::Punct('{')) => {
                *i += 1;
                loop {
                    use_tree(toks, i, path.clone(), out);
                    match toks.get(*i) {
                        Some(Tok::Punct(',')) => *i += 1,
                        Some(Tok::Punct('}')) => {
                            *i += 1;
                            break;
                        }
                        _ => break,
                    }
                    if toks.get(*i) == Some(&Tok::Punct('}')) {
                        *i += 1;
                        break;
                    }
                }
                return;
            }
            Some(Tok::Punct(';')) => {
                *i += 1;
                out.push(path);
                return;
            }
            _ => {
                // `,` or `}` of the enclosing group: left for the caller.
                if !path.is_empty() {
                    out.push(path);
                }
                return;
            }
        }
    }
}

/// The cycles of a graph: its strongly connected sets of more than one node (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut set = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    set.insert(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if set.len() > 1 {
                    self.found.push(set);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

fn crate_of(files: &[(&str, &str)]) -> Files {
    files
        .iter()
        .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
        .collect()
}

fn set(files: &[&str]) -> BTreeSet<String> {
    files.iter().map(|f| (*f).to_owned()).collect()
}

#[test]
fn a_cycle_through_use_super_and_inline_paths_is_found() {
    let files = crate_of(&[
        (
            "lib.rs",
            "pub mod a;\npub mod b;\nmod c;\nuse serde::Serialize;",
        ),
        ("a/mod.rs", "mod inner;\npub use inner::Thing;"),
        (
            "a/inner.rs",
            "use crate::b::{self as bee, Other};\npub struct Thing;",
        ),
        // An inline path back, and a `super` inside an inline module (the file's own module).
        (
            "b.rs",
            "pub struct Other;\nfn f() { let _ = crate::a::Thing; }\n\
             #[cfg(test)] mod tests { use super::*; }",
        ),
        // Names in comments and strings are not paths.
        (
            "c.rs",
            "// use crate::a;\nconst S: &str = \"crate::b::Other\";\nuse super::b::*;",
        ),
    ]);
    let graph = dependencies(&files);
    assert_eq!(graph["lib.rs"], set(&[]));
    assert_eq!(graph["a/mod.rs"], set(&["a/inner.rs"]));
    assert_eq!(graph["a/inner.rs"], set(&["b.rs"]));
    assert_eq!(graph["b.rs"], set(&["a/mod.rs"]));
    assert_eq!(graph["c.rs"], set(&["b.rs"]));
    assert_eq!(
        cycles(&graph),
        vec![set(&["a/inner.rs", "a/mod.rs", "b.rs"])]
    );
}

#[test]
fn a_crate_without_cycles_has_none() {
    let files = crate_of(&[
        ("lib.rs", "mod a;\nmod b;\nuse a::x;"),
        ("a.rs", "use super::b::{y, z::{self, w}};\npub fn x() {}"),
        (
            "b.rs",
            "pub fn y() { let c = 'c'; let r = r#\"crate::a\"#; }\npub mod z { pub fn w() {} }",
        ),
    ]);
    let graph = dependencies(&files);
    assert_eq!(graph["lib.rs"], set(&["a.rs"]));
    assert_eq!(graph["a.rs"], set(&["b.rs"]));
    assert_eq!(graph["b.rs"], set(&[]));
    assert!(cycles(&graph).is_empty());
}
