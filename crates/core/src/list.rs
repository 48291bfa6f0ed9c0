//! Pieces shared by every list query.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One page of a list, and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

impl SortDirection {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            SortDirection::Asc => "ASC",
            SortDirection::Desc => "DESC",
        }
    }
}

pub(crate) const DEFAULT_LIMIT: u32 = 500;
pub(crate) const MAX_LIMIT: u32 = 5000;

pub(crate) fn limit(requested: Option<u32>) -> u32 {
    requested.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// A `LIKE ... ESCAPE '\'` pattern matching text that contains `needle` literally;
/// `None` when there is nothing to search for.
pub(crate) fn like_pattern(needle: Option<&str>) -> Option<String> {
    let needle = needle.map(str::trim).filter(|s| !s.is_empty())?;
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for ch in needle.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    Some(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_takes_wildcards_literally() {
        assert_eq!(
            like_pattern(Some(" 50%_off\\ ")).as_deref(),
            Some("%50\\%\\_off\\\\%")
        );
        assert_eq!(like_pattern(Some("   ")), None);
        assert_eq!(like_pattern(None), None);
    }
}
