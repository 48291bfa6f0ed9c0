//! The core's layers, checked from its source: a module imports (`crate::...`) only from its own
//! folder or a lower layer, and no import circle spans two folders.
//!
//! Layers, lowest first (ARCHITECTURE.md explains each):
//! kernel, store, records, activities, people, marketing, sales, service, data, insight, wiring.
//! The crate root's own items (`crate::new_id`, `crate::par_map`, `crate::Error`, ...) count as
//! kernel; its re-exports count as where they come from (`crate::Db` is the store's).

// A failed unwrap in a test fails it with its location, which is what we want.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every folder (layer) of `crates/core/src`, lowest first.
const LAYERS: &[&str] = &[
    "kernel",
    "store",
    "records",
    "activities",
    "people",
    "marketing",
    "sales",
    "service",
    "data",
    "insight",
    "wiring",
];

/// Items of the crate root and the layer they belong to.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("new_id", "kernel"),
    ("par_map", "kernel"),
    ("Error", "kernel"),
    ("ErrorCode", "kernel"),
    ("FieldError", "kernel"),
    ("Result", "kernel"),
    ("Connection", "kernel"),
    ("Db", "store"),
];

fn rank(layer: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| *l == layer)
        .unwrap_or_else(|| panic!("`{layer}` is in no layer: add it to LAYERS"))
}

/// One `crate::...` reference in the source.
#[derive(Debug, Clone)]
struct Reference {
    /// The referring file, relative to `src`.
    file: String,
    line: usize,
    /// The path after `crate::`, as written (`people::contacts::get`).
    path: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and character literals blanked out (newlines kept, so
/// line numbers still hold).
fn code_only(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for ch in &chars[i..j.min(chars.len())] {
                out.push(blank(*ch));
            }
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'), or else a lifetime.
            let end = if next == Some('\\') {
                (i + 2..chars.len()).find(|&j| chars[j] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    for ch in &chars[i..=end] {
                        out.push(blank(*ch));
                    }
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The paths of one use tree starting at `pos` (just after `crate::`), expanded: `{a::b, c}`
/// gives `a::b` and `c`. Returns the paths and where the tree ends.
fn paths_at(code: &[char], mut pos: usize) -> (Vec<String>, usize) {
    let skip_ws = |code: &[char], mut p: usize| {
        while p < code.len() && code[p].is_whitespace() {
            p += 1;
        }
        p
    };
    let mut prefix = String::new();
    loop {
        pos = skip_ws(code, pos);
        if code.get(pos) == Some(&'{') {
            let mut all = Vec::new();
            pos += 1;
            loop {
                pos = skip_ws(code, pos);
                match code.get(pos) {
                    Some('}') => {
                        pos += 1;
                        break;
                    }
                    Some(',') => pos += 1,
                    None => break,
                    _ => {
                        let (inner, end) = paths_at(code, pos);
                        all.extend(inner.into_iter().map(|p| format!("{prefix}{p}")));
                        if end == pos {
                            pos += 1;
                        } else {
                            pos = end;
                        }
                    }
                }
            }
            return (all, pos);
        }
        let start = pos;
        while pos < code.len() && (code[pos].is_alphanumeric() || code[pos] == '_') {
            pos += 1;
        }
        let segment: String = code[start..pos].iter().collect();
        if segment.is_empty() {
            let path = prefix.trim_end_matches("::").to_owned();
            return (
                vec![path].into_iter().filter(|p| !p.is_empty()).collect(),
                pos,
            );
        }
        prefix.push_str(&segment);
        let after = skip_ws(code, pos);
        if code.get(after) == Some(&':') && code.get(after + 1) == Some(&':') {
            prefix.push_str("::");
            pos = after + 2;
        } else {
            return (vec![prefix], pos);
        }
    }
}

fn references(file: &str, src: &str) -> Vec<Reference> {
    let code: Vec<char> = code_only(src).chars().collect();
    let line_of = |pos: usize| code[..pos].iter().filter(|c| **c == '\n').count() + 1;
    let mut found = Vec::new();
    let needle: Vec<char> = "crate".chars().collect();
    let mut i = 0;
    while i + needle.len() < code.len() {
        let ident_before = i > 0 && (code[i - 1].is_alphanumeric() || code[i - 1] == '_');
        if !ident_before && code[i..i + needle.len()] == needle[..] {
            let mut p = i + needle.len();
            while p < code.len() && code[p].is_whitespace() {
                p += 1;
            }
            if code.get(p) == Some(&':') && code.get(p + 1) == Some(&':') {
                let (paths, end) = paths_at(&code, p + 2);
                for path in paths {
                    found.push(Reference {
                        file: file.to_owned(),
                        line: line_of(i),
                        path,
                    });
                }
                i = end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    found
}

/// The core's modules (`people::contacts`, `store`, `wiring`, ...) by their source files.
struct Modules {
    /// Every module: `folder` or `folder::file`.
    known: BTreeSet<String>,
}

impl Modules {
    /// The module a source file belongs to (a sub-folder's files belong to its module).
    fn of_file(file: &str) -> String {
        let parts: Vec<&str> = file.trim_end_matches(".rs").split('/').collect();
        match parts.as_slice() {
            [one] => (*one).to_owned(),
            [folder, "mod"] => (*folder).to_owned(),
            [folder, module, ..] => format!("{folder}::{module}"),
            [] => unreachable!(),
        }
    }

    /// The module a `crate::` path points into.
    fn of_path(&self, path: &str) -> String {
        let segs: Vec<&str> = path.split("::").collect();
        if let Some((_, layer)) = ROOT_ITEMS.iter().find(|(item, _)| *item == segs[0]) {
            return (*layer).to_owned();
        }
        if segs.len() > 1 {
            let two = format!("{}::{}", segs[0], segs[1]);
            if self.known.contains(&two) {
                return two;
            }
        }
        segs[0].to_owned()
    }
}

fn layer_of(module: &str) -> &str {
    module.split("::").next().unwrap()
}

struct Scan {
    refs: Vec<Reference>,
    modules: Modules,
}

fn scan_sources(extra: &[(&str, &str)]) -> Scan {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut sources: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let rel = f
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(f).unwrap())
        })
        .collect();
    sources.extend(
        extra
            .iter()
            .map(|(f, s)| ((*f).to_owned(), (*s).to_owned())),
    );
    let known = sources
        .iter()
        .filter(|(f, _)| f != "lib.rs")
        .map(|(f, _)| Modules::of_file(f))
        .collect();
    let refs = sources
        .iter()
        .filter(|(f, _)| f != "lib.rs")
        .flat_map(|(f, s)| references(f, s))
        .collect();
    Scan {
        refs,
        modules: Modules { known },
    }
}

/// Every arrow from a lower layer up to a higher one, as `file:line -> crate::path`.
fn upward_arrows(scan: &Scan) -> Vec<String> {
    let mut bad = Vec::new();
    for r in &scan.refs {
        let from = Modules::of_file(&r.file);
        let to = scan.modules.of_path(&r.path);
        let (lf, lt) = (layer_of(&from), layer_of(&to));
        if rank(lf) < rank(lt) {
            bad.push(format!(
                "src/{}:{}: {lf} imports crate::{} from the higher layer {lt}",
                r.file, r.line, r.path
            ));
        }
    }
    bad
}

/// Every circle of imports between modules that spans two folders, as its modules.
fn circles_across_folders(scan: &Scan) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &scan.refs {
        let from = Modules::of_file(&r.file);
        let to = scan.modules.of_path(&r.path);
        if from != to {
            graph.entry(from).or_default().insert(to.clone());
            graph.entry(to).or_default();
        }
    }
    strongly_connected(&graph)
        .into_iter()
        .filter(|scc| {
            scc.iter()
                .map(|m| layer_of(m))
                .collect::<BTreeSet<_>>()
                .len()
                > 1
        })
        .collect()
}

/// Tarjan's strongly connected components of more than one node.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in &s.graph[v] {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                scc.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                s.out.push(scc);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_module_imports_from_a_higher_layer() {
    let scan = scan_sources(&[]);
    assert!(
        scan.refs.len() > 100,
        "the scan found too few references: is it reading the source?"
    );
    let bad = upward_arrows(&scan);
    assert!(
        bad.is_empty(),
        "{} upward import(s):\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn no_import_circle_spans_two_folders() {
    let scan = scan_sources(&[]);
    let circles = circles_across_folders(&scan);
    assert!(
        circles.is_empty(),
        "import circles across folders:\n{}",
        circles
            .iter()
            .map(|c| c.join(" <-> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_folder_is_a_layer() {
    let scan = scan_sources(&[]);
    for m in &scan.modules.known {
        rank(layer_of(m));
    }
}

#[test]
fn the_check_sees_grouped_multi_line_and_commented_imports() {
    let src = "// use crate::insight::analytics;\n\
               /// [`crate::wiring`] in a doc comment\n\
               const S: &str = \"crate::data::export\";\n\
               use crate::{\n    kernel::time,\n    sales::{leads::Lead, opportunities},\n};\n\
               fn f() { crate::service ::tickets::get(); let c = '\"'; crate::Db::open(); }\n";
    let refs = references("people/x.rs", src);
    let paths: Vec<(usize, &str)> = refs.iter().map(|r| (r.line, r.path.as_str())).collect();
    assert_eq!(
        paths,
        [
            (4, "kernel::time"),
            (4, "sales::leads::Lead"),
            (4, "sales::opportunities"),
            (8, "service::tickets::get"),
            (8, "Db::open"),
        ]
    );
    // An upward import added to a real file is named with its file and line.
    let scan = scan_sources(&[(
        "store/added.rs",
        "fn f() {}\nuse crate::{kernel::time, sales::leads};\n",
    )]);
    let bad = upward_arrows(&scan);
    assert!(
        bad.iter()
            .any(|b| b.starts_with("src/store/added.rs:2: store imports crate::sales::leads")),
        "{bad:?}"
    );
    // And a circle across two folders is found.
    let scan = scan_sources(&[
        ("kernel/a.rs", "use crate::store::b;\n"),
        ("store/b.rs", "use crate::kernel::a;\n"),
    ]);
    assert!(
        circles_across_folders(&scan).contains(&vec!["kernel::a".into(), "store::b".into()]),
        "{:?}",
        circles_across_folders(&scan)
    );
}
