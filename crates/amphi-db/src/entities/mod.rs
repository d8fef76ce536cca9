//! sea-orm entities, one per table. Plain data; rules live in amphi-core and amphi-app.

pub mod announcement;
pub mod api_token;
pub mod audit_event;
pub mod course;
pub mod course_item;
pub mod course_module;
pub mod course_run;
pub mod email_token;
pub mod enrolment;
pub mod external_identity;
pub mod identity_provider;
pub mod invitation;
pub mod item_progress;
pub mod job;
pub mod mfa_recovery_code;
pub mod question;
pub mod session;
pub mod setting;
pub mod shop_order;
pub mod sso_login_state;
pub mod sso_replay;
pub mod stored_file;
pub mod tenant;
pub mod tenant_host;
pub mod user;
pub mod voucher;
