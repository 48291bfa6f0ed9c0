//! What an activity is: its kinds, channels and outcomes, the stored activity, the input to create or change one, and what completing or logging returns.

use super::*;

text_enum!(
    /// What kind of interaction an activity is.
    ActivityKind {
        Call = "call",
        Meeting = "meeting",
        Task = "task",
        Note = "note",
        Email = "email",
        Sms = "sms",
        Letter = "letter",
        Fax = "fax",
        WebVisit = "web_visit",
        Event = "event",
    }
);

text_enum!(
    /// The medium an interaction went through.
    ActivityChannel {
        Phone = "phone",
        Email = "email",
        Sms = "sms",
        Letter = "letter",
        InPerson = "in_person",
        Video = "video",
        Fax = "fax",
        Web = "web",
        Other = "other",
    }
);

text_enum!(
    /// Who started the interaction.
    Direction {
        Inbound = "inbound",
        Outbound = "outbound",
    }
);

text_enum!(
    /// How a call went.
    CallOutcome {
        Connected = "connected",
        NoAnswer = "no_answer",
        LeftVoicemail = "left_voicemail",
        WrongNumber = "wrong_number",
        CallBack = "call_back",
    }
);

text_enum!(
    /// Where a reminder stands: `pending` (not yet due or not yet shown), `shown` (notified,
    /// still listed until dismissed), `dismissed`.
    ReminderState {
        Pending = "pending",
        Shown = "shown",
        Dismissed = "dismissed",
    }
);

impl ActivityKind {
    /// The channel an interaction of this kind goes through unless told otherwise.
    pub fn default_channel(self) -> Option<ActivityChannel> {
        match self {
            ActivityKind::Call => Some(ActivityChannel::Phone),
            ActivityKind::Email => Some(ActivityChannel::Email),
            ActivityKind::Sms => Some(ActivityChannel::Sms),
            ActivityKind::Letter => Some(ActivityChannel::Letter),
            ActivityKind::Fax => Some(ActivityChannel::Fax),
            ActivityKind::WebVisit => Some(ActivityChannel::Web),
            ActivityKind::Meeting => Some(ActivityChannel::InPerson),
            ActivityKind::Task | ActivityKind::Note | ActivityKind::Event => None,
        }
    }
}

/// Which occurrences of a recurring activity an edit applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Scope {
    /// Only this occurrence.
    #[default]
    This,
    /// This occurrence and every later one (the series is split here).
    Future,
}

/// A record an activity concerns: `entity` is `contacts`, `accounts`, `opportunities`,
/// `leads` or `call_list_entries` (a person on a call list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordRef {
    pub entity: String,
    pub id: String,
}

/// A linked record as shown: with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LinkedRecord {
    pub entity: String,
    pub id: String,
    pub name: String,
}

/// Someone who took part: a contact, a team member, or a name (and address) alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Participant {
    pub contact_id: Option<String>,
    pub member_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Activity {
    pub id: String,
    pub kind: ActivityKind,
    pub subject: String,
    pub notes: Option<String>,
    pub channel: Option<ActivityChannel>,
    pub direction: Option<Direction>,
    pub outcome: Option<CallOutcome>,
    /// When it starts or is due (UTC); `null` for an undated note or task.
    pub starts_at: Option<String>,
    /// `starts_at` plus the duration, when both are known.
    pub ends_at: Option<String>,
    pub all_day: bool,
    #[ts(type = "number | null")]
    pub duration_minutes: Option<i64>,
    pub location: Option<String>,
    /// When it was done; `null` while open.
    pub done_at: Option<String>,
    pub remind_at: Option<String>,
    pub reminder_state: Option<ReminderState>,
    /// The recurring series this is an occurrence of.
    pub series_id: Option<String>,
    /// The series' rule (`FREQ=MONTHLY;BYMONTHDAY=1`) and its description.
    pub repeat: Option<String>,
    pub repeat_text: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub links: Vec<LinkedRecord>,
    pub participants: Vec<Participant>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to log or schedule an activity, or to save an edited one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ActivityInput {
    pub kind: Option<ActivityKind>,
    pub subject: String,
    pub notes: Option<String>,
    /// Defaults from the kind (a call goes by phone).
    pub channel: Option<ActivityChannel>,
    pub direction: Option<Direction>,
    pub outcome: Option<CallOutcome>,
    /// RFC 3339 (`2026-11-24T09:00:00Z`), a local time (`2026-11-24T09:00`) or a date
    /// (`2026-11-24`, all day). A logged interaction without one happened now.
    pub starts_at: Option<String>,
    pub all_day: bool,
    #[ts(type = "number | null")]
    pub duration_minutes: Option<i64>,
    pub location: Option<String>,
    /// Already done (a call that just happened) rather than planned.
    pub done: bool,
    /// When to remind, in the same forms as `starts_at`.
    pub remind_at: Option<String>,
    /// An RFC 5545 rule (`FREQ=MONTHLY;BYMONTHDAY=1`) to repeat it; needs `starts_at`.
    pub repeat: Option<String>,
    pub owner_id: Option<String>,
    pub links: Vec<RecordRef>,
    pub participants: Vec<Participant>,
}

/// An activity just logged and, in the same save, the follow-up scheduled after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Logged {
    pub activity: Activity,
    pub follow_up: Option<Activity>,
    /// The change batch, for undo.
    pub batch_id: String,
}

/// What completing an activity did: the activity, and the next occurrence of its series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Completed {
    pub activity: Activity,
    pub next: Option<Activity>,
    pub batch_id: String,
}
