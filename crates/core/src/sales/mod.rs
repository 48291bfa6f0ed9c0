//! Sales: call lists (pre-leads), leads and their conversion, opportunities and pipelines, products, and the sales documents (quotes, orders, invoices) with their PDFs.

pub mod calllists;
pub mod documents;
pub mod leads;
pub mod opportunities;
pub mod pdf;
pub mod pipelines;
pub mod products;
