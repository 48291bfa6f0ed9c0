//! `rapport history` and `rapport undo`: the recent actions in plain words, and undoing one.

use rapport_core::store::{changelog, history};
use rapport_core::{Db, Error};

use crate::{Format, emit, output};

/// `rapport history`: newest first.
pub fn list(
    db: &Db,
    limit: usize,
    before: Option<String>,
    format: Format,
) -> rapport_core::Result<()> {
    let actions = history::recent(db.conn(), before.as_deref(), limit)?;
    emit(format, &actions, || {
        let zone = rapport_core::kernel::time::local_zone();
        output::table(
            &["WHEN", "WHAT", "ORIGIN", "UNDO", "BATCH"],
            actions.iter().map(|a| {
                let when = rapport_core::kernel::time::parse_stamp(&a.at)
                    .map(|t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|_| a.at.clone());
                let undo = if a.undone_by.is_some() {
                    "undone".to_owned()
                } else if a.can_undo {
                    "can undo".to_owned()
                } else {
                    "cannot: later changes".to_owned()
                };
                vec![
                    when,
                    a.summary.clone(),
                    a.origin.clone(),
                    undo,
                    a.batch_id.clone(),
                ]
            }),
        )
    })
}

/// `rapport undo BATCH` or `rapport undo --last`: prints the undo's own batch id.
pub fn undo(db: &mut Db, batch: Option<String>, last: bool) -> rapport_core::Result<()> {
    match (batch, last) {
        (Some(batch), false) => output::line(&changelog::undo(db, &batch)?),
        (None, true) => {
            // Everything the command line did, whenever: the newest still standing.
            match history::undo_newest(db, "1970-01-01T00:00:00.000Z", "cli")? {
                Some((action, undo)) => {
                    output::warn(&format!("Undone: {}", action.summary));
                    output::line(&undo)
                }
                None => Err(Error::Conflict(
                    "Nothing to undo: no action made from the command line is left standing."
                        .into(),
                )),
            }
        }
        _ => Err(Error::invalid(
            "batch",
            "give either a batch id or --last, not both",
        )),
    }
}
