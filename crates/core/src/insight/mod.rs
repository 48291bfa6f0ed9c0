//! Insight: analytics and the 360-degree timeline.

pub mod analytics;
pub mod timeline;
