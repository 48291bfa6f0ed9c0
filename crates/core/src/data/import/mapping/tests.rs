//! Unit tests of the mapping guesses.

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
                "Vorname", "Nachname", "E-Mail", "Telefon", "Firma", "Position", "Straße", "PLZ",
                "Ort", "Land"
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
