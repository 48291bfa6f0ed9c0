//! Domain events: the seam through which one module reacts to another's writes without either
//! knowing the other. A subscriber registered with [`crate::Db::subscribe`] is called inside
//! the transaction that raised the event, with the same [`Writer`]: whatever it writes lands
//! together with the event's cause, and an error from it undoes both.
//!
//! Marketing's follow-up sequences enrol new leads through [`Event::LeadCreated`].

use crate::kernel::error::Result;
use crate::store::writer::Writer;

/// Something that happened, raised by the module that did it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A lead was created (typed in, imported, promoted from a call list).
    LeadCreated {
        lead_id: String,
        /// The lead's source (`web form`, `call list`, ...), when known.
        source: Option<String>,
        campaign_id: Option<String>,
    },
}

/// A reaction to events; see the module documentation.
pub type Subscriber = Box<dyn Fn(&Writer<'_>, &Event) -> Result<()> + Send>;

/// The subscribers of one database handle.
#[derive(Default)]
pub(crate) struct Subscribers(pub(crate) Vec<Subscriber>);

impl std::fmt::Debug for Subscribers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} subscriber(s)", self.0.len())
    }
}
