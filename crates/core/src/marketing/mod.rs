//! Marketing: campaigns, segments, follow-up sequences, promotions, e-mail templates, the outbox and the mailer.

pub mod campaigns;
pub mod mailer;
pub mod outbox;
pub mod promotions;
pub mod segments;
pub mod sequences;
pub mod templates;
