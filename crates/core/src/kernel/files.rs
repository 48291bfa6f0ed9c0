//! Writing files the user asked for (exports) without ever leaving half a file behind, and
//! cells of CSV exports that a spreadsheet will not run as formulas.

use std::io::Write;
use std::path::Path;

use crate::kernel::error::{Error, Result};

/// Writes `bytes` to a temporary file in `path`'s folder, flushes it to disk, then renames it
/// over `path`: readers see the old file or the whole new one, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::invalid(
            "path",
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    let io = |action: &'static str, source| Error::Io {
        action,
        path: path.to_owned(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let temp = dir.join(format!(".{name}.{}.partial", crate::new_id()));
    let result = std::fs::File::create(&temp)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .map_err(|e| io("write", e))
        .and_then(|()| std::fs::rename(&temp, path).map_err(|e| io("replace", e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// A cell as written: formula starters neutralised, plain numbers left alone.
pub fn safe_cell(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = text.parse::<f64>().is_ok() && !text.starts_with(['\t', '\r', '+']);
    if risky && !number {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn formula_starters_are_neutralised_and_numbers_are_not() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(safe_cell("+SUM(A1)"), "'+SUM(A1)");
        assert_eq!(safe_cell("@cmd"), "'@cmd");
        assert_eq!(safe_cell("-1+1"), "'-1+1");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("\rx"), "'\rx");
        assert_eq!(safe_cell("-12.50"), "-12.50");
        assert_eq!(safe_cell("Ada"), "Ada");
    }
}
