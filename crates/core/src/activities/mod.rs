//! Activities: calls, meetings, tasks, notes, e-mails, SMS and letters on any record; reminders and the agenda.

pub mod activity;
pub mod reminders;
