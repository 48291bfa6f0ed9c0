//! Service: tickets, SLA policies and business hours, and service agreements.

pub mod agreements;
pub mod hours;
pub mod sla;
pub mod tickets;
