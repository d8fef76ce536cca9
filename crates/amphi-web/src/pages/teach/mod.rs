//! The course team's pages: courses and their runs, the outline editor and items, and the
//! people of a run (learners, team, invitations, vouchers, imports, announcements).

pub mod courses;
pub mod delete;
pub mod outline;
pub mod people;
