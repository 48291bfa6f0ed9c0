//! Domain events: the seam through which one module reacts to another's writes without either
//! knowing the other. A subscriber registered with [`crate::Db::subscribe`] is called inside
//! the transaction that raised the event, with the same [`Writer`]: whatever it writes lands
//! together with the event's cause, and an error from it undoes both.
//!
//! Every subscriber is registered in one place, `crate::wiring`, whose documentation lists
//! each event with the modules that react to it. A module that does something another may
//! care about raises an event with [`Writer::emit`]; it never calls the other module.

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
    /// A record is being deleted: raised by its module's delete, inside the delete, after the
    /// rows that point at it through foreign keys were released (`store::links`) and before
    /// its own row goes. Subscribers forget what they keep of it by kind and id, without a
    /// foreign key (campaign and static-list memberships).
    RecordDeleted {
        /// The record's table (`contacts`, `accounts`, `leads`, `opportunities`, `tickets`).
        kind: &'static str,
        id: String,
    },
    /// The record `from` was merged into `into` (both of `kind`) and is being deleted:
    /// raised by the merge after the foreign keys moved (`store::links::move_all`).
    /// Subscribers move what they keep of `from` to `into` (memberships, enrolments,
    /// messages), keeping one where `into` already has the same.
    RecordsMerged {
        kind: &'static str,
        from: String,
        into: String,
    },
    /// An open activity was marked done (by hand, or with the call that completes a
    /// callback), right after its `done_at` was set.
    ActivityCompleted {
        id: String,
        /// The records it is on, as (kind, id): `("contacts", "…")`.
        links: Vec<(String, String)>,
    },
    /// The outbox handed a message to the mail server, right after marking it sent and
    /// logging its e-mail activity.
    MailSent {
        /// The outbox message.
        id: String,
        activity_id: String,
    },
    /// A lead was converted into a contact (and perhaps an account and a deal), after the
    /// lead was marked converted.
    LeadConverted {
        lead_id: String,
        account_id: Option<String>,
        contact_id: String,
        opportunity_id: Option<String>,
    },
}

/// A reaction registered for every handle (see `crate::wiring`): it looks at each event and
/// acts on those it cares about.
pub type Reaction = fn(&Writer<'_>, &Event) -> Result<()>;

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
