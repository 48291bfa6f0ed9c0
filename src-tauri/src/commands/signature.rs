//! Each command's TypeScript signature, and the UI's typed wrappers written from them
//! (ui/src/lib/api/commands.ts). build.rs writes, per module, Rust that names each command's
//! argument and answer types where the command is written; ts-rs names them in TypeScript.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ts_rs::{Config, Dependency, TS, TypeVisitor};

/// A TypeScript type and what it imports from the bindings (name → path without `.ts`).
#[derive(Debug)]
pub struct Ts {
    pub name: String,
    pub imports: BTreeMap<String, String>,
}

/// `T` as the UI sees it.
pub fn ts<T: TS + 'static + ?Sized>(cfg: &Config) -> Ts {
    struct Imports<'a>(&'a Config, BTreeMap<String, String>);
    impl TypeVisitor for Imports<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            if let Some(dep) = Dependency::from_ty::<U>(self.0) {
                let path = dep.output_path.with_extension("");
                self.1
                    .insert(dep.ts_name, path.to_string_lossy().replace('\\', "/"));
            }
            U::visit_generics(self);
        }
    }
    let mut imports = Imports(cfg, BTreeMap::new());
    imports.visit::<T>();
    Ts {
        name: T::name(cfg),
        imports: imports.1,
    }
}

/// A query the UI may send in part (see [`super::Partial`]): it must read from `{}`.
pub fn partial<T: TS + serde::de::DeserializeOwned + 'static>(cfg: &Config) -> Ts {
    let inner = ts::<T>(cfg);
    assert!(
        serde_json::from_str::<T>("{}").is_ok(),
        "{} is taken as Partial<{0}>, but does not read from {{}}: give it #[serde(default)]",
        inner.name
    );
    Ts {
        name: format!("Partial<{}>", inner.name),
        imports: inner.imports,
    }
}

/// JSON the core keeps as it is (a saved view's settings): any value.
pub fn unknown() -> Ts {
    Ts {
        name: "unknown".to_owned(),
        imports: BTreeMap::new(),
    }
}

#[derive(Debug)]
pub struct Arg {
    pub name: &'static str,
    pub ts: Ts,
}

#[derive(Debug)]
pub struct Signature {
    pub name: &'static str,
    pub docs: &'static str,
    pub args: Vec<Arg>,
    pub ret: Ts,
}

/// How Tauri names an argument on the wire, and the wrapper names a command: camelCase.
pub fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// ui/src/lib/api/commands.ts: one typed wrapper per command, in the list's order.
pub fn typescript(signatures: &[Signature]) -> String {
    let mut imports = BTreeMap::new();
    for s in signatures {
        for ts in s.args.iter().map(|a| &a.ts).chain([&s.ret]) {
            imports.extend(ts.imports.clone());
        }
    }
    let mut out = String::from(
        "// Generated from src-tauri/src/commands (list.rs and the functions it names) by `make\n\
         // bindings`; `make bindings-check` fails when this copy is stale. Do not edit: change the\n\
         // Rust command and regenerate. Screens call these through `api` (index.ts).\n\
         import { call } from \"./call\";\n",
    );
    for (name, path) in &imports {
        let _ = writeln!(out, "import type {{ {name} }} from \"./bindings/{path}\";");
    }
    out.push_str("\n/** Every command the window may call, typed as its Rust function. */\nexport const commands = {\n");
    for s in signatures {
        if !s.docs.is_empty() {
            let _ = writeln!(out, "  /** {} */", s.docs.replace("*/", "* /"));
        }
        let params: Vec<String> = s
            .args
            .iter()
            .map(|a| format!("{}: {}", camel(a.name), a.ts.name))
            .collect();
        let args = if s.args.is_empty() {
            String::new()
        } else {
            let keys: Vec<String> = s.args.iter().map(|a| camel(a.name)).collect();
            format!(", {{ {} }}", keys.join(", "))
        };
        let _ = writeln!(
            out,
            "  {}: ({}) => call<{}>(\"{}\"{}),",
            camel(s.name),
            params.join(", "),
            s.ret.name,
            s.name,
            args
        );
    }
    out.push_str("};\n");
    out
}
