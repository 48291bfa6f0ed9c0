//! `rapport import contacts|accounts|leads|opportunities|vcard FILE`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use rapport_core::data::import::{self, Dedup, ImportEntity, ImportOptions};
use rapport_core::{Db, Error};

use crate::{Format, emit, output};

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum DedupArg {
    /// Leave records already on file alone (the row counts as skipped).
    #[default]
    Skip,
    /// Fill the record on file with the row's values.
    Update,
    /// Create a new record anyway.
    Create,
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// People from a CSV file (Google Contacts, Outlook, HubSpot, Pipedrive, Salesforce, ...)
    /// or a vCard file (.vcf: 2.1, 3.0, 4.0).
    Contacts(ImportArgs),
    /// Companies from a CSV file.
    Accounts(ImportArgs),
    /// Leads from a CSV or JSON file (form submissions: source "Web form" unless --source).
    Leads(ImportArgs),
    /// Deals from a CSV file (Pipedrive, HubSpot, Salesforce exports): stage by name, the
    /// company found or created, the contact linked by e-mail.
    #[command(alias = "deals")]
    Opportunities(ImportArgs),
    /// The product catalogue from a CSV file: SKU, name, unit, price (`1.234,50` and `€499`
    /// are read too), currency, tax rate; matched by SKU, so a new price list updates prices
    /// with --dedup update.
    Products(ImportArgs),
    /// People from a vCard file (2.1, 3.0 or 4.0): the same as `import contacts FILE.vcf`.
    Vcard(ImportArgs),
    /// A JSON archive from `rapport export json`, into an empty database.
    Archive {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    pub(crate) file: PathBuf,
    /// Map a column to a field: "HEADER=field" (e.g. "E-mail=email"), "HEADER=" to leave it
    /// out; repeat. Columns not named are guessed from their headers. Fields: see --fields.
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    map: Vec<String>,
    /// What to do with rows matching a record on file (by e-mail, phone, web domain or name).
    #[arg(long, value_enum, default_value_t)]
    dedup: DedupArg,
    /// Show what the first 20 rows would become, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// List the fields columns can be mapped to, and the guessed mapping, and stop.
    #[arg(long)]
    fields: bool,
    /// Leads: the source of rows that name none (default "Web form").
    #[arg(long)]
    source: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(db: &mut Db, cmd: ImportCmd) -> rapport_core::Result<()> {
    let vcard_only = matches!(cmd, ImportCmd::Vcard(_));
    let (entity, args) = match cmd {
        ImportCmd::Contacts(a) => (ImportEntity::Contacts, a),
        ImportCmd::Accounts(a) => (ImportEntity::Accounts, a),
        ImportCmd::Leads(a) => (ImportEntity::Leads, a),
        ImportCmd::Vcard(a) => (ImportEntity::Contacts, a),
        ImportCmd::Opportunities(a) => (ImportEntity::Opportunities, a),
        ImportCmd::Products(a) => (ImportEntity::Products, a),
        ImportCmd::Archive { file, format } => {
            if !file.is_file() {
                return Err(Error::invalid(
                    "file",
                    format!("{} does not exist or is not a file", file.display()),
                ));
            }
            let report = rapport_core::data::archive::import(db, &file)?;
            return emit(format, &report, || {
                let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
                output::line(&format!("{}: {rows} rows loaded", report.path))
            });
        }
    };
    let name = args.file.display().to_string();
    let t = import::read_file(&args.file)?;
    if vcard_only && t.delimiter != "vcard" {
        return Err(Error::invalid(
            "file",
            format!("{name} is not a vCard file (it does not start with BEGIN:VCARD)"),
        ));
    }
    let mut mapping = import::guess(db.conn(), entity, &t.headers)?;
    let targets = import::targets(db.conn(), entity)?;
    for pair in &args.map {
        let Some((header, field)) = pair.split_once('=') else {
            return Err(Error::invalid(
                "--map",
                format!("\"{pair}\" is not HEADER=FIELD"),
            ));
        };
        let Some(column) = t
            .headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(header.trim()))
        else {
            return Err(Error::invalid(
                "--map",
                format!(
                    "{name} has no column \"{}\"; its columns are: {}",
                    header.trim(),
                    t.headers.join(", ")
                ),
            ));
        };
        let field = field.trim();
        mapping[column] = if field.is_empty() {
            None
        } else {
            let target = targets
                .iter()
                .find(|t| t.key == field || t.label.eq_ignore_ascii_case(field))
                .ok_or_else(|| {
                    Error::invalid(
                        "--map",
                        format!(
                            "\"{field}\" is not a field; see rapport import {} FILE --fields",
                            entity.table()
                        ),
                    )
                })?;
            Some(target.key.clone())
        };
    }
    if args.fields {
        #[derive(serde::Serialize)]
        struct Fields<'a> {
            targets: &'a [import::TargetField],
            columns: Vec<(String, Option<String>)>,
        }
        let columns: Vec<(String, Option<String>)> = t
            .headers
            .iter()
            .cloned()
            .zip(mapping.iter().cloned())
            .collect();
        return emit(
            args.format,
            &Fields {
                targets: &targets,
                columns: columns.clone(),
            },
            || {
                for (header, key) in &columns {
                    output::line(&format!(
                        "{header:<30} -> {}",
                        key.as_deref().unwrap_or("(not imported)")
                    ))?;
                }
                output::line("\nFields:")?;
                for target in &targets {
                    output::line(&format!("  {:<24} {}", target.key, target.label))?;
                }
                Ok(())
            },
        );
    }
    let options = ImportOptions {
        entity,
        mapping,
        dedup: match args.dedup {
            DedupArg::Skip => Dedup::Skip,
            DedupArg::Update => Dedup::Update,
            DedupArg::Create => Dedup::Create,
        },
        source: args.source.clone(),
    };
    if args.dry_run {
        let rows = import::preview(db, &t, &options, 20)?;
        let mapping = if options.mapping.iter().all(Option::is_none) {
            import::guess(db.conn(), entity, &t.headers)?
        } else {
            options.mapping.clone()
        };
        for u in import::unimported_columns(&t.headers, &import::filled_cells(&t), &mapping) {
            output::warning(&u.message);
        }
        return emit(args.format, &rows, || {
            for r in &rows {
                output::line(&format!(
                    "line {:>5}  {:<7} {}",
                    r.line,
                    r.outcome,
                    r.reason.clone().unwrap_or_default()
                ))?;
            }
            Ok(())
        });
    }
    let report = import::import(db, &t, &options, &mut |_, _| true)?;
    emit(args.format, &report, || {
        output::line(&format!(
            "{name}: {} rows read: {} created, {} updated, {} skipped as duplicates, {} rejected",
            report.rows_read,
            report.created,
            report.updated,
            report.skipped,
            report.rejected.len()
        ))?;
        for r in &report.rejected {
            output::line(&format!("  line {}: {}", r.line, r.reason))?;
        }
        for u in &report.unimported {
            output::line(&format!("  warning: {}", u.message))?;
        }
        if let Some(batch) = &report.batch_id {
            output::line(&format!("undo with: rapport undo {batch}"))?;
        }
        Ok(())
    })
}
