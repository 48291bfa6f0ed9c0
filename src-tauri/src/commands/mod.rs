//! The commands the UI calls, by domain. Each: state in, one core call, error mapped.
//!
//! A command is declared once: its function in one of these modules and one line in
//! [`list`]. The handler Tauri dispatches to is made from that list (below); build.rs makes
//! each command's permission and the window's capability from it; and the bindings test
//! writes the UI's typed wrappers (ui/src/lib/api/commands.ts) from the functions it names.

pub mod activities;
pub mod app;
pub mod data;
pub mod documents;
pub mod insight;
mod list;
pub mod mailbox;
pub mod marketing;
pub mod people;
pub mod records;
pub mod sales;
pub mod service;
#[cfg(test)]
mod signature;

use serde::Deserialize;

/// A query the UI may send in part: the fields it leaves out take their defaults (the
/// query type reads with `#[serde(default)]`). The wrappers type it `Partial<T>`.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Partial<T>(pub T);

impl<T> std::ops::Deref for Partial<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
macro_rules! names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

macro_rules! handler {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$name),*]
    };
}

/// Every command's name, in the list's order.
#[cfg(test)]
pub const NAMES: &[&str] = list::commands!(names);

/// What Tauri calls for each command the window invokes.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    list::commands!(handler)
}

/// The computer's time zone.
pub(crate) fn local_zone() -> chrono_tz::Tz {
    rapport_core::kernel::time::local_zone()
}

/// Today in the computer's time zone.
pub(crate) fn today() -> chrono::NaiveDate {
    rapport_core::kernel::time::local_date(local_zone(), chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::signature::{self, Signature};
    use super::*;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace")
            .to_path_buf()
    }

    /// Every listed command's signature, in the list's order.
    fn signatures() -> Vec<Signature> {
        // Numbers cross IPC as JSON numbers, never as BigInt.
        let cfg = ts_rs::Config::from_env().with_large_int("number");
        let mut all: Vec<Signature> = [
            activities::signatures(&cfg),
            app::signatures(&cfg),
            data::signatures(&cfg),
            documents::signatures(&cfg),
            insight::signatures(&cfg),
            mailbox::signatures(&cfg),
            marketing::signatures(&cfg),
            people::signatures(&cfg),
            records::signatures(&cfg),
            sales::signatures(&cfg),
            service::signatures(&cfg),
        ]
        .into_iter()
        .flatten()
        .collect();
        all.sort_by_key(|s| NAMES.iter().position(|n| *n == s.name));
        all
    }

    /// Writes ui/src/lib/api/commands.ts (named so that `make bindings` runs it with ts-rs's
    /// exports; `make bindings-check` then fails when the committed copy differs).
    #[test]
    fn export_bindings_commands() {
        let signatures = signatures();
        let names: Vec<&str> = signatures.iter().map(|s| s.name).collect();
        assert_eq!(names, NAMES, "every listed command has one signature");
        let path = repo().join("ui/src/lib/api/commands.ts");
        let text = signature::typescript(&signatures);
        if std::fs::read_to_string(&path).ok() != Some(text.clone()) {
            // Written aside and renamed: the check below never reads half a file.
            let temp = path.with_extension("ts.tmp");
            std::fs::write(&temp, text).expect("write commands.ts");
            std::fs::rename(&temp, &path).expect("write commands.ts");
        }
    }

    fn strings_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
        text.split(marker)
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect()
    }

    /// The handler, the permissions, the capability and the UI's wrappers name the same
    /// commands: the list's.
    #[test]
    fn the_list_the_permissions_the_capability_and_the_wrappers_agree() {
        let listed: BTreeSet<&str> = NAMES.iter().copied().collect();
        assert_eq!(listed.len(), NAMES.len(), "a command is listed twice");

        let capability =
            std::fs::read_to_string(repo().join("src-tauri/capabilities/default.json"))
                .expect("read the capability");
        let granted: BTreeSet<String> = strings_after(&capability, "\"allow-")
            .into_iter()
            .map(|p| p.replace('-', "_"))
            .collect();
        let expected: BTreeSet<String> = listed.iter().map(|n| n.to_string()).collect();
        assert_eq!(
            granted, expected,
            "capabilities/default.json grants other commands than list.rs names (build.rs writes it)"
        );

        let permissions: BTreeSet<String> =
            std::fs::read_dir(repo().join("src-tauri/permissions/autogenerated"))
                .expect("read the permissions")
                .flatten()
                .filter_map(|e| {
                    let path = e.path();
                    (path.extension()? == "toml")
                        .then(|| path.file_stem()?.to_str().map(str::to_owned))?
                })
                .collect();
        assert_eq!(
            permissions, expected,
            "permissions/autogenerated holds other commands than list.rs names"
        );

        let api = repo().join("ui/src/lib/api");
        let wrappers = std::fs::read_to_string(api.join("commands.ts")).expect("read commands.ts");
        let wrapped: BTreeSet<&str> = strings_after(&wrappers, ">(\"").into_iter().collect();
        assert_eq!(
            wrapped, listed,
            "commands.ts wraps other commands than list.rs names: run `make bindings`"
        );

        // The UI calls the backend through the generated wrappers only, and uses each.
        let index = std::fs::read_to_string(api.join("index.ts")).expect("read index.ts");
        assert!(
            !index.contains("call<") && !index.contains("invoke("),
            "index.ts calls a command by its name: use `commands` (commands.ts) instead"
        );
        for name in NAMES {
            let wrapper = format!("commands.{}(", signature::camel(name));
            assert!(
                index.contains(&wrapper),
                "no wrapper in ui/src/lib/api/index.ts calls {wrapper}...): the command is unreachable from the UI"
            );
        }
    }
}
