//! ONE migration tree for SQLite and PostgreSQL. Migrations use sea-query's schema builder so
//! the same code produces each backend's DDL; a migration never changes once released.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_courses;
mod m0003_mfa;
mod m0004_question_bank;
mod m0005_assessment;
mod m0006_certificates;
mod m0007_identity;
mod m0008_assignments_peer;
mod m0009_sso_sessions;
mod m0010_job_lanes;
mod m0011_peer_assignment_index;
mod m0012_lti;
mod m0013_enrolments_run_order;
mod m0014_packages;
mod m0015_xapi;
mod m0016_cmi5;
mod m0017_xapi_speed;
mod m0018_package_sequencing;

/// All migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_courses::Migration),
            Box::new(m0003_mfa::Migration),
            Box::new(m0004_question_bank::Migration),
            Box::new(m0005_assessment::Migration),
            Box::new(m0006_certificates::Migration),
            Box::new(m0007_identity::Migration),
            Box::new(m0008_assignments_peer::Migration),
            Box::new(m0009_sso_sessions::Migration),
            Box::new(m0010_job_lanes::Migration),
            Box::new(m0011_peer_assignment_index::Migration),
            Box::new(m0012_lti::Migration),
            Box::new(m0013_enrolments_run_order::Migration),
            Box::new(m0014_packages::Migration),
            Box::new(m0015_xapi::Migration),
            Box::new(m0016_cmi5::Migration),
            Box::new(m0017_xapi_speed::Migration),
            Box::new(m0018_package_sequencing::Migration),
        ]
    }
}

/// Names of the migrations this binary knows.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}
