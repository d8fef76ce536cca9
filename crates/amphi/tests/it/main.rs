//! Integration tests: the real router over a fresh database per test, on SQLite by default and
//! on PostgreSQL when AMPHI_TEST_DATABASE_URL is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod admin;
mod api;
mod assess;
mod bench_seed;
mod certificates;
mod cmi5;
mod courses_api;
mod courses_pages;
mod files;
mod first_day_account;
mod first_day_admin;
mod fixtures;
mod jobs;
mod learn_pages;
mod lti;
mod lti_admin;
mod menus;
mod openapi;
mod packages;
mod packages_seq;
mod page_snapshots;
mod peer_assess;
mod platform;
mod quiz_learner;
mod sessions;
mod sso_ldap;
mod sso_oidc;
mod sso_partner;
mod sso_saml;
mod support;
mod teach_pages;
mod xapi;
mod xapi_conformance;
mod xapi_more;
mod xapi_peer;
