//! Document lines: validating typed lines and writing them with their computed amounts.

use super::*;

pub(super) struct ValidLine {
    pub(super) product_id: Option<String>,
    pub(super) sku: Option<String>,
    pub(super) description: String,
    pub(super) unit: Option<String>,
    pub(super) quantity_milli: i64,
    pub(super) unit_price_minor: i64,
    pub(super) discount_bp: i64,
    pub(super) tax_rate_bp: i64,
    pub(super) source_line_id: Option<String>,
    /// Amounts fixed in advance: the last part of a line taken in parts gets what is left of
    /// the line's amounts, so the parts add up to the line to the cent.
    pub(super) amounts: Option<LineAmounts>,
}

pub(super) fn check_lines(
    c: &mut Checker,
    conn: &Connection,
    currency: &str,
    lines: &[LineInput],
) -> Result<Vec<ValidLine>> {
    if lines.is_empty() {
        c.fail("lines", "add at least one line");
    }
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let field = |name: &str| format!("lines.{i}.{name}");
        let product = match line
            .product
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(key) => match crate::sales::products::find(conn, key)? {
                Some(p) => Some(p),
                None => {
                    c.fail(
                        field("product"),
                        format!("no product has the SKU or id {key}"),
                    );
                    None
                }
            },
            None => None,
        };
        let description = line
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .or_else(|| product.as_ref().map(|p| p.name.clone()));
        let Some(description) = description else {
            c.fail(
                field("description"),
                "say what the line is, or pick a product",
            );
            continue;
        };
        if description.chars().count() > SHORT_TEXT_MAX * 4 {
            c.fail(field("description"), "is too long");
        }
        let quantity = match quantity_milli(&field("quantity"), &line.quantity) {
            Ok(q) => q,
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(&f.field, &f.message);
                }
                continue;
            }
        };
        let price = match (&line.unit_price, &product) {
            (Some(p), _) if !p.trim().is_empty() => MoneyInput {
                amount: p.clone(),
                currency: currency.to_owned(),
            }
            .parse(&field("unit_price"))
            .map(|m| m.amount_minor),
            (_, Some(p)) if p.unit_price.currency == currency => Ok(p.unit_price.amount_minor),
            (_, Some(p)) => Err(Error::invalid(
                field("unit_price"),
                format!(
                    "{} is priced in {}, the document in {currency}; type the price",
                    p.sku, p.unit_price.currency
                ),
            )),
            (_, None) => Err(Error::invalid(
                field("unit_price"),
                "is needed for a line without a product",
            )),
        };
        let price = match price {
            Ok(p) => p,
            Err(e) => {
                for f in e.field_errors() {
                    c.fail(f.field.replace(".amount", ""), &f.message);
                }
                continue;
            }
        };
        let bp = |c: &mut Checker, name: &str, text: &Option<String>, default: i64| match text {
            Some(t) if !t.trim().is_empty() => {
                match crate::sales::products::percent_bp(&field(name), t) {
                    Ok(v) => v,
                    Err(e) => {
                        for f in e.field_errors() {
                            c.fail(&f.field, &f.message);
                        }
                        0
                    }
                }
            }
            _ => default,
        };
        let discount_bp = bp(c, "discount", &line.discount, 0);
        let tax_rate_bp = bp(
            c,
            "tax_rate",
            &line.tax_rate,
            product.as_ref().map_or(0, |p| p.tax_rate_bp),
        );
        // Quantity × price stays within the largest amount too, so no line (and, with the
        // check below, no document) can come to more than a total can hold.
        let amounts = line_amounts(quantity, price, discount_bp, tax_rate_bp);
        let cap = money::max_minor(
            iso_currency::Currency::from_code(currency).map_or(2, money::exponent),
        );
        if [amounts.gross_minor, amounts.total_minor]
            .iter()
            .any(|a| a.unsigned_abs() > cap.unsigned_abs())
        {
            c.fail(
                field("quantity"),
                format!(
                    "quantity × unit price {}",
                    money::too_large_message(currency)
                ),
            );
            continue;
        }
        out.push(ValidLine {
            product_id: product.as_ref().map(|p| p.id.clone()),
            sku: product.as_ref().map(|p| p.sku.clone()),
            description,
            unit: line
                .unit
                .clone()
                .filter(|u| !u.trim().is_empty())
                .or_else(|| product.as_ref().and_then(|p| p.unit.clone())),
            quantity_milli: quantity,
            unit_price_minor: price,
            discount_bp,
            tax_rate_bp,
            source_line_id: None,
            amounts: None,
        });
    }
    let total: i128 = out
        .iter()
        .map(|l| {
            i128::from(
                line_amounts(
                    l.quantity_milli,
                    l.unit_price_minor,
                    l.discount_bp,
                    l.tax_rate_bp,
                )
                .total_minor,
            )
        })
        .sum();
    let cap =
        money::max_minor(iso_currency::Currency::from_code(currency).map_or(2, money::exponent));
    if total.unsigned_abs() > u128::from(cap.unsigned_abs()) {
        c.fail(
            "lines",
            format!(
                "the document's total {}",
                money::too_large_message(currency)
            ),
        );
    }
    Ok(out)
}

/// Replaces a document's lines and stores its totals.
pub(super) fn write_lines(w: &Writer<'_>, document_id: &str, lines: &[ValidLine]) -> Result<()> {
    let old: Vec<String> = w
        .conn()
        .prepare_cached("SELECT id FROM document_lines WHERE document_id = ?1")?
        .query_map([document_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in old {
        w.delete(LINES, &id)?;
    }
    let (mut gross, mut discount, mut tax, mut total) = (0_i128, 0_i128, 0_i128, 0_i128);
    for (i, l) in lines.iter().enumerate() {
        let a = l.amounts.unwrap_or_else(|| {
            line_amounts(
                l.quantity_milli,
                l.unit_price_minor,
                l.discount_bp,
                l.tax_rate_bp,
            )
        });
        gross += i128::from(a.gross_minor);
        discount += i128::from(a.discount_minor);
        tax += i128::from(a.tax_minor);
        total += i128::from(a.total_minor);
        w.insert(
            LINES,
            &crate::new_id(),
            &[
                ("document_id", Value::Text(document_id.to_owned())),
                ("position", Value::Integer(i as i64)),
                ("product_id", text(&l.product_id)),
                ("source_line_id", text(&l.source_line_id)),
                ("sku", text(&l.sku)),
                ("description", Value::Text(l.description.clone())),
                ("unit", text(&l.unit)),
                ("quantity_milli", Value::Integer(l.quantity_milli)),
                ("unit_price_minor", Value::Integer(l.unit_price_minor)),
                ("discount_bp", Value::Integer(l.discount_bp)),
                ("tax_rate_bp", Value::Integer(l.tax_rate_bp)),
                ("gross_minor", Value::Integer(a.gross_minor)),
                ("discount_minor", Value::Integer(a.discount_minor)),
                ("net_minor", Value::Integer(a.net_minor)),
                ("tax_minor", Value::Integer(a.tax_minor)),
                ("total_minor", Value::Integer(a.total_minor)),
            ],
        )?;
    }
    w.update(
        TABLE,
        document_id,
        &[
            (
                "subtotal_minor",
                Value::Integer(money::narrow("document's subtotal", gross)?),
            ),
            (
                "discount_minor",
                Value::Integer(money::narrow("document's discount", discount)?),
            ),
            (
                "tax_minor",
                Value::Integer(money::narrow("document's tax", tax)?),
            ),
            (
                "total_minor",
                Value::Integer(money::narrow("document's total", total)?),
            ),
        ],
    )?;
    Ok(())
}
