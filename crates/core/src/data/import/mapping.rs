//! Which column holds which field: the fields a CSV column can fill, and a guess from the
//! header names that Google Contacts, Outlook, HubSpot, Pipedrive and Salesforce exports use.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ImportEntity;
use crate::kernel::error::Result;

/// A field a column can be mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TargetField {
    /// `first_name`, `email`, ..., or `custom:<field id>`.
    pub key: String,
    pub label: String,
}

/// (key, label, header names it is guessed from, compared without case, spaces or punctuation)
type Known = (&'static str, &'static str, &'static [&'static str]);

const CONTACT_FIELDS: &[Known] = &[
    (
        "first_name",
        "First name",
        &[
            "firstname",
            "givenname",
            "first",
            "forename",
            "personfirstname",
            "vorname",
            "prenom",
            "nombre",
        ],
    ),
    (
        "last_name",
        "Last name",
        &[
            "lastname",
            "familyname",
            "surname",
            "last",
            "personlastname",
            "nachname",
            "familienname",
            "nom",
            "nomdefamille",
            "apellido",
            "apellidos",
        ],
    ),
    (
        "full_name",
        "Full name (split at the last space)",
        &[
            "name",
            "fullname",
            "personname",
            "contactname",
            "displayname",
            "contact",
        ],
    ),
    (
        "title",
        "Title",
        &[
            // A bare "title" last: Outlook's "Title" is the salutation (see WEAK_NAMES).
            "jobtitle",
            "organizationtitle",
            "organization1title",
            "position",
            "role",
            "personjobtitle",
            "berufsbezeichnung",
            "funktion",
            "poste",
            "fonction",
            "cargo",
            "puesto",
            "title",
        ],
    ),
    (
        "account",
        "Company (account, found or created by name)",
        &[
            "company",
            "companyname",
            "organization",
            "organisation",
            "organization1name",
            "organizationname",
            "account",
            "accountname",
            "employer",
            "personorganization",
            "firma",
            "unternehmen",
            "firmenname",
            "societe",
            "entreprise",
            "empresa",
        ],
    ),
    (
        "email",
        "E-mail",
        &[
            "email",
            "emailaddress",
            "email1value",
            "email1",
            "personemail",
            "workemail",
            "primaryemail",
            "emailwork",
            "emailadresse",
            "courriel",
            "adresseemail",
            "correo",
            "correoelectronico",
        ],
    ),
    (
        "email_2",
        "E-mail 2",
        &[
            "email2value",
            "email2",
            "email2address",
            "otheremail",
            "secondaryemail",
            "homeemail",
        ],
    ),
    (
        "email_3",
        "E-mail 3",
        &["email3value", "email3", "email3address"],
    ),
    (
        "phone",
        "Phone",
        &[
            "phone",
            "phonenumber",
            "businessphone",
            "workphone",
            "phone1value",
            "personphone",
            "telephone",
            "tel",
            "phonework",
            "telefon",
            "telefonnummer",
            "telefongeschaftlich",
            "telefono",
        ],
    ),
    (
        "mobile",
        "Mobile",
        &[
            "mobile",
            "mobilephone",
            "mobilenumber",
            "cell",
            "cellphone",
            "phone2value",
            "phonemobile",
            "mobiltelefon",
            "handy",
            "mobil",
            "portable",
            "telephoneportable",
            "movil",
            "celular",
        ],
    ),
    (
        "phone_2",
        "Phone 2",
        &["phone3value", "homephone", "otherphone", "businessphone2"],
    ),
    (
        "street",
        "Street",
        &[
            "street",
            "address",
            "mailingstreet",
            "businessstreet",
            "address1street",
            "streetaddress",
            "address1",
            "strasse",
            "strassegeschaftlich",
            "adresse",
            "rue",
            "direccion",
            "calle",
        ],
    ),
    (
        "city",
        "City",
        &[
            "city",
            "mailingcity",
            "businesscity",
            "address1city",
            "town",
            "ort",
            "stadt",
            "ortgeschaftlich",
            "ville",
            "ciudad",
            "localidad",
        ],
    ),
    (
        "region",
        "Region / state",
        &[
            "state",
            "region",
            "province",
            "mailingstate",
            "businessstate",
            "address1region",
            "stateregion",
            "bundesland",
        ],
    ),
    (
        "postal_code",
        "Postal code",
        &[
            "zip",
            "zipcode",
            "postalcode",
            "postcode",
            "mailingpostalcode",
            "businesspostalcode",
            "address1postalcode",
            "plz",
            "postleitzahl",
            "postleitzahlgeschaftlich",
            "codepostal",
            "codigopostal",
        ],
    ),
    (
        "country",
        "Country",
        &[
            "country",
            "mailingcountry",
            "businesscountry",
            "countryregion",
            "businesscountryregion",
            "address1country",
            "land",
            "landregiongeschaftlich",
            "pays",
            "pais",
        ],
    ),
    (
        "birthday",
        "Birthday",
        &["birthday", "birthdate", "dateofbirth", "dob"],
    ),
    (
        "lead_source",
        "Lead source",
        &["leadsource", "source", "originalsource"],
    ),
    (
        "owner",
        "Owner (team member's name)",
        &[
            "owner",
            "contactowner",
            "recordowner",
            "assignedto",
            "ownername",
        ],
    ),
    (
        "tags",
        "Tags (comma-separated)",
        &["tags", "labels", "groupmembership", "categories", "tag"],
    ),
    (
        "notes",
        "Notes",
        &["notes", "note", "description", "comments"],
    ),
    (
        "do_not_email",
        "Do not e-mail (yes/no)",
        &["donotemail", "emailoptout", "unsubscribed", "optout"],
    ),
    ("do_not_call", "Do not call (yes/no)", &["donotcall", "dnc"]),
];

const ACCOUNT_FIELDS: &[Known] = &[
    (
        "name",
        "Name",
        &[
            "name",
            "accountname",
            "companyname",
            "company",
            "organization",
            "organizationname",
            "organisation",
            "firma",
            "firmenname",
            "unternehmen",
            "societe",
            "entreprise",
            "empresa",
        ],
    ),
    ("industry", "Industry", &["industry", "sector", "branche"]),
    (
        "website",
        "Website",
        &[
            "website",
            "web",
            "url",
            "domain",
            "companydomainname",
            "websiteurl",
            "webpage",
            "website1value",
            "homepage",
            "webseite",
            "internetseite",
            "siteweb",
            "sitioweb",
        ],
    ),
    (
        "phone",
        "Phone",
        &[
            "phone",
            "phonenumber",
            "telephone",
            "mainphone",
            "companyphone",
            "telefon",
            "telefonnummer",
            "telephone",
            "telefono",
        ],
    ),
    (
        "street",
        "Street",
        &[
            "street",
            "address",
            "billingstreet",
            "streetaddress",
            "address1",
            "strasse",
            "adresse",
            "rue",
            "direccion",
            "calle",
        ],
    ),
    (
        "city",
        "City",
        &[
            "city",
            "billingcity",
            "town",
            "ort",
            "stadt",
            "ville",
            "ciudad",
        ],
    ),
    (
        "region",
        "Region / state",
        &["state", "region", "province", "billingstate", "stateregion"],
    ),
    (
        "postal_code",
        "Postal code",
        &[
            "zip",
            "zipcode",
            "postalcode",
            "postcode",
            "billingpostalcode",
            "plz",
            "postleitzahl",
            "codepostal",
            "codigopostal",
        ],
    ),
    (
        "country",
        "Country",
        &[
            "country",
            "billingcountry",
            "countryregion",
            "land",
            "pays",
            "pais",
        ],
    ),
    (
        "annual_revenue",
        "Annual revenue",
        &["annualrevenue", "revenue", "turnover"],
    ),
    (
        "currency",
        "Revenue currency",
        &["currency", "currencycode", "revenuecurrency"],
    ),
    (
        "employees",
        "Employees",
        &[
            "employees",
            "numberofemployees",
            "employeecount",
            "headcount",
        ],
    ),
    (
        "type",
        "Type (prospect, customer, partner, vendor)",
        &["type", "accounttype", "lifecyclestage"],
    ),
    (
        "owner",
        "Owner (team member's name)",
        &["owner", "accountowner", "companyowner", "assignedto"],
    ),
    (
        "tags",
        "Tags (comma-separated)",
        &["tags", "labels", "categories"],
    ),
    (
        "notes",
        "Notes",
        &["notes", "note", "description", "comments"],
    ),
];

/// Lead fields beyond the contact fields they share, and header names form tools use.
const LEAD_FIELDS: &[Known] = &[
    (
        "full_name",
        "Full name",
        &["yourname", "name1", "fullname1", "submittername"],
    ),
    (
        "email",
        "E-mail",
        &[
            "youremail",
            "email1",
            "emailaddress1",
            "youremailaddress",
            "workemail",
        ],
    ),
    (
        "phone",
        "Phone",
        &["yourphone", "phone1", "phonenumber1", "telephonenumber"],
    ),
    (
        "account",
        "Company",
        &["yourcompany", "companyname1", "business", "businessname"],
    ),
    (
        "website",
        "Website",
        &[
            "website",
            "web",
            "url",
            "homepage",
            "companywebsite",
            "webpage",
            "website1value",
            "webseite",
            "siteweb",
        ],
    ),
    (
        "rating",
        "Rating (hot, warm, cold)",
        &["rating", "leadrating", "temperature"],
    ),
    ("status", "Status", &["status", "leadstatus"]),
    (
        "estimated_value",
        "Estimated value",
        &["estimatedvalue", "value", "budget", "dealvalue", "amount"],
    ),
    ("currency", "Currency", &["currency", "currencycode"]),
    (
        "notes",
        "Notes",
        &[
            "message",
            "yourmessage",
            "comment",
            "comments",
            "inquiry",
            "enquiry",
            "question",
        ],
    ),
];

/// Deal columns, named as Pipedrive, HubSpot and Salesforce exports name them.
const PRODUCT_FIELDS: &[Known] = &[
    (
        "sku",
        "SKU (the product's code)",
        &[
            "sku",
            "itemcode",
            "productcode",
            "articlenumber",
            "articleno",
            "artikelnummer",
            "artnr",
            "partnumber",
            "partno",
            "itemnumber",
            "code",
            "reference",
            "ref",
        ],
    ),
    (
        "name",
        "Name",
        &[
            "name",
            "productname",
            "itemname",
            "product",
            "item",
            "title",
            "bezeichnung",
        ],
    ),
    (
        "description",
        "Description",
        &["description", "details", "longdescription", "beschreibung"],
    ),
    (
        "unit",
        "Unit",
        &[
            "unit",
            "uom",
            "unitofmeasure",
            "unitofmeasurement",
            "einheit",
        ],
    ),
    (
        "unit_price",
        "Unit price",
        &[
            "unitprice",
            "price",
            "listprice",
            "salesprice",
            "saleprice",
            "netprice",
            "rate",
            "preis",
        ],
    ),
    (
        "currency",
        "Currency",
        &["currency", "currencycode", "wahrung"],
    ),
    (
        "tax_rate",
        "Tax rate (%)",
        &[
            "taxrate",
            "tax",
            "vat",
            "vatrate",
            "taxpercent",
            "vatpercent",
            "salestax",
            "mwst",
            "ust",
        ],
    ),
    (
        "active",
        "Active (yes or no)",
        &["active", "status", "enabled", "available"],
    ),
];

const DEAL_FIELDS: &[Known] = &[
    (
        "name",
        "Deal name",
        &[
            "name",
            "dealname",
            "dealtitle",
            "title",
            "opportunityname",
            "opportunity",
            "deal",
        ],
    ),
    (
        "account",
        "Company (account, found or created by name)",
        &[
            "account",
            "accountname",
            "company",
            "companyname",
            "organization",
            "organizationname",
            "organisation",
        ],
    ),
    (
        "contact_email",
        "Contact's e-mail (links the contact on file)",
        &[
            "contactemail",
            "personemail",
            "email",
            "primarycontactemail",
        ],
    ),
    (
        "amount",
        "Amount",
        &[
            "amount",
            "value",
            "dealvalue",
            "dealamount",
            "opportunityamount",
        ],
    ),
    (
        "currency",
        "Currency",
        &[
            "currency",
            "dealcurrency",
            "currencycode",
            "opportunitycurrency",
        ],
    ),
    ("pipeline", "Pipeline", &["pipeline", "dealpipeline"]),
    (
        "stage",
        "Stage",
        &["stage", "dealstage", "stagename", "opportunitystage"],
    ),
    (
        "probability",
        "Probability %",
        &[
            "probability",
            "probability%",
            "dealprobability",
            "winprobability",
        ],
    ),
    (
        "expected_close",
        "Expected close (date)",
        &[
            "expectedclose",
            "expectedclosedate",
            "closedate",
            "dealexpectedclosedate",
            "closingdate",
        ],
    ),
    (
        "lost_reason",
        "Lost reason",
        &["lostreason", "deallostreason", "closedlostreason"],
    ),
    (
        "owner",
        "Owner (team member's name)",
        &["owner", "dealowner", "opportunityowner", "assignedto"],
    ),
    ("source", "Source", &["source", "leadsource", "dealsource"]),
    ("next_step", "Next step", &["nextstep", "nextactivity"]),
    (
        "tags",
        "Tags (comma-separated)",
        &["tags", "labels", "label", "deallabels"],
    ),
    (
        "notes",
        "Notes",
        &["notes", "note", "description", "comments"],
    ),
];

/// The keys of the contact fields a lead has too, and a call-list person.
const LEAD_SHARED: &[&str] = &[
    "first_name",
    "last_name",
    "full_name",
    "account",
    "title",
    "email",
    "phone",
    "mobile",
    "lead_source",
    "owner",
    "tags",
    "notes",
];
const CALL_LIST_SHARED: &[&str] = &[
    "first_name",
    "last_name",
    "full_name",
    "account",
    "title",
    "phone",
    "mobile",
    "email",
    "city",
    "notes",
];

/// The fields of `entity`; a key may appear twice (extra header names), the first label wins.
fn fixed(entity: ImportEntity) -> Vec<Known> {
    let shared = |keys: &[&str]| -> Vec<Known> {
        CONTACT_FIELDS
            .iter()
            .filter(|(k, _, _)| keys.contains(k))
            .map(|&(k, label, names)| match k {
                "account" => (k, "Company", names),
                "lead_source" => (k, "Source", names),
                _ => (k, label, names),
            })
            .collect()
    };
    match entity {
        ImportEntity::Contacts => CONTACT_FIELDS.to_vec(),
        ImportEntity::Accounts => ACCOUNT_FIELDS.to_vec(),
        ImportEntity::Leads => {
            let mut all = shared(LEAD_SHARED);
            all.extend_from_slice(LEAD_FIELDS);
            all
        }
        ImportEntity::CallList => shared(CALL_LIST_SHARED),
        ImportEntity::Opportunities => DEAL_FIELDS.to_vec(),
        ImportEntity::Products => PRODUCT_FIELDS.to_vec(),
    }
}

/// Lower case, letters and digits only, accents dropped: "E-mail 1 - Value" -> "email1value",
/// "Straße" -> "strasse", "Téléphone" -> "telephone".
fn squash(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'ß' => out.push_str("ss"),
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            _ => {}
        }
    }
    out
}

/// Header names too vague to win over a specific one in the same file: Outlook exports both
/// "Title" (the salutation, Mr or Ms) and "Job Title", so "Title" is the job title only when
/// no column names the job title more precisely.
const WEAK_NAMES: &[&str] = &["title"];

fn custom_fields(
    conn: &Connection,
    entity: ImportEntity,
) -> Result<Vec<crate::records::fields::CustomField>> {
    match entity {
        ImportEntity::CallList | ImportEntity::Products => Ok(Vec::new()),
        other => crate::records::fields::list(conn, other.table()),
    }
}

/// Every field a column can be mapped to, custom fields last.
pub fn targets(conn: &Connection, entity: ImportEntity) -> Result<Vec<TargetField>> {
    let mut all: Vec<TargetField> = Vec::new();
    for (key, label, _) in fixed(entity) {
        if !all.iter().any(|t| t.key == key) {
            all.push(TargetField {
                key: key.to_owned(),
                label: label.to_owned(),
            });
        }
    }
    for f in custom_fields(conn, entity)? {
        all.push(TargetField {
            key: format!("custom:{}", f.id),
            label: f.label,
        });
    }
    Ok(all)
}

/// A field for each header, guessed from its name (a custom field by its label); each field is
/// used once, by the first column that names it.
pub fn guess(
    conn: &Connection,
    entity: ImportEntity,
    headers: &[String],
) -> Result<Vec<Option<String>>> {
    let custom = custom_fields(conn, entity)?;
    let fixed = fixed(entity);
    let candidate = |h: &str| -> Option<String> {
        custom
            .iter()
            .find(|f| squash(&f.label) == h)
            .map(|f| format!("custom:{}", f.id))
            .or_else(|| {
                fixed
                    .iter()
                    .find(|(_, _, names)| names.contains(&h))
                    .map(|(key, _, _)| (*key).to_owned())
            })
    };
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    let candidates: Vec<Option<String>> = squashed.iter().map(|h| candidate(h)).collect();
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, h) in squashed.iter().enumerate() {
        let weak = WEAK_NAMES.contains(&h.as_str());
        let key = candidates[i]
            .clone()
            .filter(|k| !used.contains(k))
            // A vague name gives way to a column that names the same field precisely.
            .filter(|k| {
                !weak
                    || !squashed.iter().zip(&candidates).any(|(other, c)| {
                        c.as_ref() == Some(k) && !WEAK_NAMES.contains(&other.as_str())
                    })
            });
        if let Some(k) = &key {
            used.push(k.clone());
        }
        out.push(key);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guessed(entity: ImportEntity, headers: &[&str]) -> Vec<Option<String>> {
        let db = crate::Db::open_in_memory().unwrap();
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        guess(db.conn(), entity, &headers).unwrap()
    }

    fn keys(v: Vec<Option<String>>) -> Vec<String> {
        v.into_iter()
            .map(|k| k.unwrap_or_else(|| "-".into()))
            .collect()
    }

    #[test]
    fn headers_of_common_exports_are_recognised() {
        // Google Contacts
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "Given Name",
                    "Family Name",
                    "E-mail 1 - Value",
                    "Phone 1 - Value",
                    "Organization 1 - Name",
                    "Organization 1 - Title",
                    "Group Membership",
                    "Nickname"
                ]
            )),
            [
                "first_name",
                "last_name",
                "email",
                "phone",
                "account",
                "title",
                "tags",
                "-"
            ]
        );
        // Outlook
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "First Name",
                    "Last Name",
                    "E-mail Address",
                    "Business Phone",
                    "Mobile Phone",
                    "Company",
                    "Job Title",
                    "Business City",
                    "Business Country/Region"
                ]
            )),
            [
                "first_name",
                "last_name",
                "email",
                "phone",
                "mobile",
                "account",
                "title",
                "city",
                "country"
            ]
        );
        // HubSpot, Pipedrive, Salesforce
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &["Email", "Phone Number", "Company Name", "Contact owner"]
            )),
            ["email", "phone", "account", "owner"]
        );
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "Person - Name",
                    "Person - Email",
                    "Person - Phone",
                    "Person - Organization"
                ]
            )),
            ["full_name", "email", "phone", "account"]
        );
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "First Name",
                    "Last Name",
                    "Account Name",
                    "Mailing City",
                    "Lead Source"
                ]
            )),
            ["first_name", "last_name", "account", "city", "lead_source"]
        );
        assert_eq!(
            keys(guessed(
                ImportEntity::Accounts,
                &[
                    "Account Name",
                    "Website",
                    "Industry",
                    "Annual Revenue",
                    "Employees"
                ]
            )),
            ["name", "website", "industry", "annual_revenue", "employees"]
        );
    }

    #[test]
    fn job_titles_salutations_and_other_languages() {
        // Google Contacts (the current export): the job title is "Organization Title".
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "First Name",
                    "Last Name",
                    "Name Prefix",
                    "Organization Name",
                    "Organization Title",
                    "Website 1 - Value"
                ]
            )),
            ["first_name", "last_name", "-", "account", "title", "-"]
        );
        // Outlook: "Title" is the salutation (Mr, Ms) and comes first; "Job Title" is the job.
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "Title",
                    "First Name",
                    "Last Name",
                    "Company",
                    "Job Title",
                    "Web Page"
                ]
            )),
            ["-", "first_name", "last_name", "account", "title", "-"]
        );
        // A lone "Title" (Salesforce, a hand-made sheet) is still the job title.
        assert_eq!(
            keys(guessed(ImportEntity::Contacts, &["Name", "Title"])),
            ["full_name", "title"]
        );
        // German, French and Spanish headers, accents and all.
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "Vorname", "Nachname", "E-Mail", "Telefon", "Firma", "Position", "Straße",
                    "PLZ", "Ort", "Land"
                ]
            )),
            [
                "first_name",
                "last_name",
                "email",
                "phone",
                "account",
                "title",
                "street",
                "postal_code",
                "city",
                "country"
            ]
        );
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "Prénom",
                    "Nom",
                    "Société",
                    "Téléphone",
                    "Code postal",
                    "Ville",
                    "Pays"
                ]
            )),
            [
                "first_name",
                "last_name",
                "account",
                "phone",
                "postal_code",
                "city",
                "country"
            ]
        );
        assert_eq!(
            keys(guessed(
                ImportEntity::Contacts,
                &[
                    "Nombre",
                    "Apellidos",
                    "Empresa",
                    "Teléfono",
                    "Correo electrónico",
                    "Ciudad"
                ]
            )),
            [
                "first_name",
                "last_name",
                "account",
                "phone",
                "email",
                "city"
            ]
        );
        // Websites: accounts and leads have one.
        assert_eq!(
            keys(guessed(
                ImportEntity::Accounts,
                &["Firma", "Web Page", "Telefon"]
            )),
            ["name", "website", "phone"]
        );
        assert_eq!(
            keys(guessed(
                ImportEntity::Leads,
                &["Full Name", "Website 1 - Value", "Job Title"]
            )),
            ["full_name", "website", "title"]
        );
    }
}
