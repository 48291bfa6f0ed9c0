//! The business on its documents (Settings, Company): name, address, tax number, bank details.

use super::*;

/// The business on its documents (Settings, Company).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CompanyProfile {
    pub name: String,
    /// Lines of the postal address.
    pub address: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub tax_id: Option<String>,
    /// Bank name, IBAN, BIC: printed on invoices.
    pub bank_details: Option<String>,
    /// Printed at the bottom of every page.
    pub footer: Option<String>,
    /// A PNG or JPEG file printed at the top left of documents.
    pub logo_path: Option<String>,
}

const COMPANY: &str = "company";

pub fn company(conn: &Connection) -> Result<CompanyProfile> {
    Ok(crate::store::settings::get(conn, COMPANY)?.unwrap_or_default())
}

/// Refuses `action` (issuing or printing an invoice) while the company's name or address is
/// missing: an issued invoice names its seller, and is never changed afterwards.
pub fn require_seller(conn: &Connection, action: &'static str) -> Result<()> {
    let profile = company(conn)?;
    let missing = match (
        profile.name.trim().is_empty(),
        profile.address.trim().is_empty(),
    ) {
        (false, false) => return Ok(()),
        (true, true) => "name and address",
        (true, false) => "name",
        (false, true) => "address",
    };
    Err(Error::CompanyProfileMissing { missing, action })
}

pub fn set_company(db: &mut Db, profile: &CompanyProfile) -> Result<CompanyProfile> {
    let mut c = Checker::default();
    c.required("name", &profile.name, SHORT_TEXT_MAX);
    c.text("address", &Some(profile.address.clone()), NOTES_MAX);
    c.text("bank_details", &profile.bank_details, NOTES_MAX);
    c.text("footer", &profile.footer, NOTES_MAX);
    if let Some(path) = profile
        .logo_path
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        && let Err(e) = crate::sales::pdf::check_logo(std::path::Path::new(path))
    {
        for f in e.field_errors() {
            c.fail(&f.field, &f.message);
        }
    }
    c.finish()?;
    db.write(|w| crate::store::settings::set(w, COMPANY, profile))?;
    company(db.conn())
}
