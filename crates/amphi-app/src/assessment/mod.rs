//! Assessment: everything that grades a learner's work in a run. Quizzes (`quiz`) draw on the
//! course's question bank (`bank`); assignments (`assignments`) and peer assessment (`peer`)
//! share handed-in work (`submissions`, `submission_files`, `rubrics`) and the course team's
//! grading queue (`grading_queue`); every grade goes to the run's gradebook (`gradebook`).

pub mod assignment_files;
pub mod assignments;
pub mod bank;
pub mod gradebook;
pub mod grading_queue;
pub mod peer;
pub mod quiz;
pub mod rubrics;
pub mod submission_files;
pub mod submissions;
