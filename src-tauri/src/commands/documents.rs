//! The product catalogue and sales documents: quotes, orders, invoices, credit notes, payments, numbering, the company profile, PDFs.

use rapport_core::sales::documents::{
    self, AccountMoney, CompanyProfile, Document, DocumentKind, DocumentMail, DocumentMailInput,
    DocumentQuery, DocumentStatus, DocumentSummary, Numbering, PartInput, PaymentInput, QuoteInput,
};
use rapport_core::sales::pdf::{self, PdfReport};
use rapport_core::sales::products::{self, Product, ProductInput};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// The catalogue, by name.
#[tauri::command(async)]
pub fn products_list(
    state: State<'_, AppState>,
    search: Option<String>,
    include_inactive: bool,
) -> CommandResult<Vec<Product>> {
    state.with(|db| products::list(db.conn(), search.as_deref(), include_inactive))
}

#[tauri::command(async)]
pub fn product_get(state: State<'_, AppState>, id: String) -> CommandResult<Product> {
    state.with(|db| products::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn product_create(state: State<'_, AppState>, input: ProductInput) -> CommandResult<Product> {
    state.with(|db| products::create(db, &input))
}

#[tauri::command(async)]
pub fn product_update(
    state: State<'_, AppState>,
    id: String,
    input: ProductInput,
) -> CommandResult<Product> {
    state.with(|db| products::update(db, &id, &input))
}

/// Quotes, orders, invoices and credit notes, newest first.
#[tauri::command(async)]
pub fn documents_list(
    state: State<'_, AppState>,
    query: DocumentQuery,
) -> CommandResult<Vec<DocumentSummary>> {
    state.with(|db| documents::list(db.conn(), &query))
}

#[tauri::command(async)]
pub fn document_get(state: State<'_, AppState>, id: String) -> CommandResult<Document> {
    state.with(|db| documents::get(db.conn(), &id))
}

#[tauri::command(async)]
pub fn quote_create(state: State<'_, AppState>, input: QuoteInput) -> CommandResult<Document> {
    state.with(|db| documents::create_quote(db, &input))
}

/// Saves a draft quote.
#[tauri::command(async)]
pub fn quote_update(
    state: State<'_, AppState>,
    id: String,
    input: QuoteInput,
) -> CommandResult<Document> {
    state.with(|db| documents::update_quote(db, &id, &input))
}

/// A new version of a sent quote; the old one is kept.
#[tauri::command(async)]
pub fn quote_revise(
    state: State<'_, AppState>,
    id: String,
    input: QuoteInput,
) -> CommandResult<Document> {
    state.with(|db| documents::revise_quote(db, &id, &input))
}

#[tauri::command(async)]
pub fn quote_set_status(
    state: State<'_, AppState>,
    id: String,
    status: DocumentStatus,
) -> CommandResult<Document> {
    state.with(|db| documents::set_quote_status(db, &id, status))
}

#[tauri::command(async)]
pub fn order_from_quote(state: State<'_, AppState>, quote_id: String) -> CommandResult<Document> {
    state.with(|db| documents::order_from_quote(db, &quote_id))
}

/// A draft invoice for all that is not yet invoiced, or for the given parts.
#[tauri::command(async)]
pub fn invoice_from_order(
    state: State<'_, AppState>,
    order_id: String,
    parts: Option<Vec<PartInput>>,
) -> CommandResult<Document> {
    state.with(|db| documents::invoice_from_order(db, &order_id, parts.as_deref()))
}

#[tauri::command(async)]
pub fn invoice_issue(
    state: State<'_, AppState>,
    id: String,
    issued_on: Option<String>,
    terms_days: Option<i64>,
) -> CommandResult<Document> {
    state.with(|db| documents::issue_invoice(db, &id, issued_on.as_deref(), terms_days))
}

#[tauri::command(async)]
pub fn payment_record(
    state: State<'_, AppState>,
    invoice_id: String,
    input: PaymentInput,
) -> CommandResult<Document> {
    state.with(|db| documents::record_payment(db, &invoice_id, &input))
}

#[tauri::command(async)]
pub fn credit_note_create(
    state: State<'_, AppState>,
    invoice_id: String,
    parts: Option<Vec<PartInput>>,
    notes: Option<String>,
) -> CommandResult<Document> {
    state.with(|db| documents::credit_note(db, &invoice_id, parts.as_deref(), notes.as_deref()))
}

/// Voids an issued invoice (its number stays used) or deletes a draft.
#[tauri::command(async)]
pub fn invoice_void(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.with(|db| documents::void_invoice(db, &id))
}

#[tauri::command(async)]
pub fn account_money(
    state: State<'_, AppState>,
    account_id: String,
) -> CommandResult<Vec<AccountMoney>> {
    state.with(|db| documents::account_money(db.conn(), &account_id))
}

/// How each kind of sales document is numbered (prefix, yearly restart, next number).
#[tauri::command(async)]
pub fn numbering_list(state: State<'_, AppState>) -> CommandResult<Vec<Numbering>> {
    state.with(|db| documents::numberings(db.conn()))
}

#[tauri::command(async)]
pub fn numbering_set(
    state: State<'_, AppState>,
    kind: DocumentKind,
    prefix: Option<String>,
    yearly: Option<bool>,
    next: Option<i64>,
) -> CommandResult<Vec<Numbering>> {
    state.with(|db| documents::set_numbering(db, kind, prefix.as_deref(), yearly, next))
}

#[tauri::command(async)]
pub fn company_profile(state: State<'_, AppState>) -> CommandResult<CompanyProfile> {
    state.with(|db| documents::company(db.conn()))
}

#[tauri::command(async)]
pub fn company_profile_set(
    state: State<'_, AppState>,
    profile: CompanyProfile,
) -> CommandResult<CompanyProfile> {
    state.with(|db| documents::set_company(db, &profile))
}

/// Writes the quote, invoice or credit note as a PDF file.
#[tauri::command(async)]
pub fn document_pdf(
    state: State<'_, AppState>,
    id: String,
    path: String,
) -> CommandResult<PdfReport> {
    state.with(|db| pdf::write(db.conn(), &id, std::path::Path::new(&path)))
}

/// E-mails a quote, invoice or credit note to its contact, the PDF attached, through the
/// outbox; sending starts at once.
#[tauri::command(async)]
pub fn document_email(
    state: State<'_, AppState>,
    id: String,
    input: DocumentMailInput,
) -> CommandResult<DocumentMail> {
    let mail = state.with(|db| documents::email(db, &id, &input))?;
    super::marketing::start_sending(state.path());
    Ok(mail)
}

/// The mails that carried a document, newest first.
#[tauri::command(async)]
pub fn document_mails(state: State<'_, AppState>, id: String) -> CommandResult<Vec<DocumentMail>> {
    state.with(|db| documents::mails(db.conn(), &id))
}

#[cfg(test)]
include!(concat!(env!("OUT_DIR"), "/commands/documents.rs"));
