//! sea-orm entities, one per table. Plain data; rules live in amphi-core and amphi-app.

pub mod api_token;
pub mod audit_event;
pub mod email_token;
pub mod job;
pub mod session;
pub mod setting;
pub mod tenant;
pub mod tenant_host;
pub mod user;
