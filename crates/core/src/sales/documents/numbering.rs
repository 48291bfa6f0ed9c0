//! Document numbering: one numbering per kind (prefix, yearly restart, next number); an
//! invoice takes its number when issued, in the same transaction, so numbers never repeat or skip.

use super::*;

/// How one kind of document is numbered.
// The TypeScript name stays `Sequence` until the UI and the bindings move to `Numbering` with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Numbering {
    pub kind: DocumentKind,
    pub prefix: String,
    /// The count restarts at 1 each calendar year, and the number carries the year.
    pub yearly: bool,
    #[ts(type = "number")]
    pub year: i64,
    #[ts(type = "number")]
    pub next: i64,
    #[ts(type = "number")]
    pub padding: i64,
    /// What the next number will look like.
    pub preview: String,
}

/// Seeds the numberings (migration 8, in its transaction).
pub(crate) fn seed(conn: &Connection) -> rusqlite::Result<()> {
    let now = crate::kernel::time::now();
    let year = i64::from(today().year());
    for (kind, prefix) in [
        ("quote", "Q-"),
        ("order", "SO-"),
        ("invoice", "INV-"),
        ("credit_note", "CN-"),
    ] {
        conn.execute(
            "INSERT INTO number_sequences (id, prefix, yearly, year, next, padding, created_at, updated_at)
             VALUES (?1, ?2, 1, ?3, 1, 4, ?4, ?4)",
            (kind, prefix, year, &now),
        )?;
    }
    Ok(())
}

fn format_number(prefix: &str, yearly: bool, year: i64, n: i64, padding: i64) -> String {
    let width = usize::try_from(padding.clamp(1, 12)).unwrap_or(4);
    if yearly {
        format!("{prefix}{year}-{n:0width$}")
    } else {
        format!("{prefix}{n:0width$}")
    }
}

/// The numberings, one per kind.
pub fn numberings(conn: &Connection) -> Result<Vec<Numbering>> {
    let year = i64::from(today().year());
    let mut stmt = conn.prepare_cached(
        "SELECT id, prefix, yearly, year, next, padding FROM number_sequences
          ORDER BY CASE id WHEN 'quote' THEN 0 WHEN 'order' THEN 1 WHEN 'invoice' THEN 2 ELSE 3 END",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get("id")?;
        let prefix: String = r.get("prefix")?;
        let yearly: bool = r.get("yearly")?;
        let stored_year: i64 = r.get("year")?;
        let next: i64 = r.get("next")?;
        let padding: i64 = r.get("padding")?;
        let (y, n) = if yearly && stored_year != year {
            (year, 1)
        } else {
            (stored_year, next)
        };
        Ok(Numbering {
            kind: DocumentKind::parse(&kind).unwrap_or(DocumentKind::Invoice),
            preview: format_number(&prefix, yearly, y, n, padding),
            prefix,
            yearly,
            year: y,
            next: n,
            padding,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Changes a numbering's prefix, yearly reset or next number. The next number can only move
/// forward past numbers already given, so no number is ever given twice.
pub fn set_numbering(
    db: &mut Db,
    kind: DocumentKind,
    prefix: Option<&str>,
    yearly: Option<bool>,
    next: Option<i64>,
) -> Result<Vec<Numbering>> {
    let current = numberings(db.conn())?
        .into_iter()
        .find(|s| s.kind == kind)
        .ok_or_else(|| Error::not_found("number sequence", kind.as_str()))?;
    let mut c = Checker::default();
    let prefix = prefix
        .map(str::trim)
        .map(str::to_owned)
        .unwrap_or(current.prefix.clone());
    if prefix.chars().count() > 20 {
        c.fail("prefix", "is longer than 20 characters");
    }
    let yearly = yearly.unwrap_or(current.yearly);
    let next = next.unwrap_or(current.next);
    if next < 1 {
        c.fail("next", "should be 1 or more");
    }
    // Numbers already given with this prefix and year must stay ahead of `next`.
    let probe = format_number(&prefix, yearly, current.year, next, current.padding);
    let taken: bool = db
        .conn()
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sales_documents WHERE kind = ?1 AND number >= ?2 AND number LIKE ?3 ESCAPE '\\')")?
        .query_row(
            (kind.as_str(), &probe, format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"))),
            |r| r.get(0),
        )?;
    if taken {
        c.fail(
            "next",
            format!("{probe} or a later number was already given; choose a higher next number"),
        );
    }
    c.finish()?;
    db.write(|w| {
        w.update(
            NUMBERINGS,
            kind.as_str(),
            &[
                ("prefix", Value::Text(prefix.clone())),
                ("yearly", Value::Integer(i64::from(yearly))),
                ("year", Value::Integer(current.year)),
                ("next", Value::Integer(next)),
            ],
        )?;
        Ok(())
    })?;
    numberings(db.conn())
}

/// Takes the next number of `kind`'s numbering, inside the write that uses it.
pub(super) fn take_number(w: &Writer<'_>, kind: DocumentKind) -> Result<String> {
    let year = i64::from(today().year());
    let (prefix, yearly, stored_year, next, padding): (String, bool, i64, i64, i64) =
        w.conn().query_row(
            "SELECT prefix, yearly, year, next, padding FROM number_sequences WHERE id = ?1",
            [kind.as_str()],
            |r| {
                Ok((
                    r.get("prefix")?,
                    r.get("yearly")?,
                    r.get("year")?,
                    r.get("next")?,
                    r.get("padding")?,
                ))
            },
        )?;
    let (y, n) = if yearly && stored_year != year {
        (year, 1)
    } else {
        (stored_year, next)
    };
    w.update(
        NUMBERINGS,
        kind.as_str(),
        &[("year", Value::Integer(y)), ("next", Value::Integer(n + 1))],
    )?;
    Ok(format_number(&prefix, yearly, y, n, padding))
}
