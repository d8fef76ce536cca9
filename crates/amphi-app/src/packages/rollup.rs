//! From the SCOs of an attempt to the attempt's result, and from there to the item's progress
//! and grade. A SCORM 2004 package with sequencing rolls up by its own activity tree and rules
//! (`rollup_rules`, recomputed here from the SCOs' stored data: the browser's sequencing state
//! is never what grades). Otherwise a package of one SCO is that SCO; a package of several is
//! completed when every SCO is, passed when every SCO that reports success passed and none
//! failed, and scored with the mean of the SCOs' scores (SCORM 2004's default rollup rules).

use super::cmi::{completion, success};
use super::{Completion, PackageItem, Structure};
use crate::assessment::gradebook::updates::{self, GradeReport};
use crate::App;
use amphi_core::{Error, Result, TenantId};
use amphi_db::repo::{courses as repo_c, enrolments as repo_e, packages as repo, progress};
use amphi_db::rows;
use amphi_interop::package::ScormType;

/// An attempt's result from its SCOs.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// One of [`completion`].
    pub completion: &'static str,
    /// One of [`success`].
    pub success: &'static str,
    /// Mean scaled score of the SCOs that reported one.
    pub scaled: Option<f64>,
    /// Time spent, in seconds.
    pub seconds: i64,
}

/// Rolls the SCOs' data up to the attempt.
pub fn outcome(structure: &Structure, scos: &[rows::PackageSco]) -> Outcome {
    let seconds = scos
        .iter()
        .map(|s| s.base_seconds + s.session_seconds)
        .sum();
    if let Some(root) = structure
        .sequencing
        .as_ref()
        .and_then(|seq| super::rollup_rules::root_status(seq, scos))
    {
        return Outcome {
            completion: match root.completed {
                Some(true) => completion::COMPLETED,
                _ if scos.is_empty() => completion::NOT_ATTEMPTED,
                _ => completion::INCOMPLETE,
            },
            success: match root.satisfied {
                Some(true) => success::PASSED,
                Some(false) => success::FAILED,
                None => success::UNKNOWN,
            },
            scaled: root.measure.map(|m| m.clamp(-1.0, 1.0)),
            seconds,
        };
    }
    by_default(structure, scos, seconds)
}

/// SCORM 2004's default rollup over the SCOs (a package without sequencing).
fn by_default(structure: &Structure, scos: &[rows::PackageSco], seconds: i64) -> Outcome {
    let scorable: Vec<&str> = structure
        .launches
        .iter()
        .filter(|l| l.scorm_type == ScormType::Sco)
        .map(|l| l.identifier.as_str())
        .collect();
    let of = |id: &str| scos.iter().find(|s| s.sco == id);
    let done = |s: &rows::PackageSco| {
        s.completion == completion::COMPLETED || s.success == success::PASSED
    };
    let completion = if !scorable.is_empty() && scorable.iter().all(|id| of(id).is_some_and(done)) {
        completion::COMPLETED
    } else if scos.is_empty() {
        completion::NOT_ATTEMPTED
    } else {
        completion::INCOMPLETE
    };
    let reported: Vec<&str> = scorable
        .iter()
        .filter_map(|id| of(id))
        .map(|s| s.success.as_str())
        .filter(|s| *s != success::UNKNOWN)
        .collect();
    let success = if reported.contains(&success::FAILED) {
        success::FAILED
    } else if !reported.is_empty() && reported.len() == scorable.len() {
        success::PASSED
    } else {
        success::UNKNOWN
    };
    let scores: Vec<f64> = scorable
        .iter()
        .filter_map(|id| of(id).and_then(|s| s.score_scaled))
        .collect();
    let scaled = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
    Outcome {
        completion,
        success,
        scaled,
        seconds,
    }
}

/// Whether an outcome makes the item done, by the item's setting.
pub fn done(settings: &PackageItem, o: &Outcome) -> bool {
    match settings.completion {
        Completion::Completed => {
            o.completion == completion::COMPLETED || o.success == success::PASSED
        }
        Completion::Passed => o.success == success::PASSED,
    }
}

/// Stores an attempt's new outcome, then brings the learner's progress and grade up to date:
/// the item is done once an attempt makes it so (never undone), and its grade is the best
/// score of the learner's attempts.
pub(crate) async fn settle(
    app: &App,
    attempt: &rows::PackageAttempt,
    settings: &PackageItem,
    o: &Outcome,
    published: bool,
) -> Result<()> {
    let tenant = TenantId(attempt.tenant_id);
    let now = app.now();
    let mut new = attempt.clone();
    new.completion = o.completion.into();
    new.success = o.success.into();
    new.score_scaled = o.scaled;
    new.seconds = o.seconds;
    new.updated_at = now;
    let txn = app.db.begin().await?;
    if new != *attempt {
        repo::update_attempt(&txn, tenant, attempt, &new).await?;
    }
    if done(settings, o)
        && progress::mark_completed(
            &txn,
            tenant,
            attempt.run_id,
            attempt.item_id,
            attempt.user_id,
            now,
        )
        .await?
        && published
    {
        if let (Some(e), Some(run)) = (
            repo_e::of(&txn, tenant, attempt.run_id, attempt.user_id).await?,
            repo_c::run(&txn, tenant, attempt.run_id).await?,
        ) {
            repo_e::add_completed(&txn, tenant, e.id, attempt.item_id, run.item_count, now).await?;
        }
    }
    let best = repo::attempts_of(&txn, tenant, attempt.item_id, attempt.user_id)
        .await?
        .iter()
        .filter_map(|a| {
            if a.id == new.id {
                new.score_scaled
            } else {
                a.score_scaled
            }
        })
        .fold(None::<f64>, |b, s| Some(b.map_or(s, |b| b.max(s))));
    txn.commit().await.map_err(Error::internal)?;
    if let Some(best) = best {
        if published {
            updates::record(
                app,
                GradeReport {
                    tenant_id: tenant.0,
                    run_id: attempt.run_id,
                    item_id: attempt.item_id,
                    user_id: attempt.user_id,
                    points: Some(best.clamp(0.0, 1.0) * settings.max_points),
                    max_points: settings.max_points,
                },
            )
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use amphi_interop::package::Launch;
    use chrono::Utc;
    use uuid::Uuid;

    fn launch(id: &str, t: ScormType) -> Launch {
        Launch {
            identifier: id.into(),
            title: id.into(),
            href: format!("{id}.html"),
            scorm_type: t,
            mastery_score: None,
            scaled_passing_score: None,
            completion_threshold: None,
            data_from_lms: None,
            max_time_allowed: None,
            time_limit_action: None,
            prerequisites: None,
        }
    }

    fn sco(id: &str, c: &str, s: &str, scaled: Option<f64>) -> rows::PackageSco {
        rows::PackageSco {
            attempt_id: Uuid::nil(),
            sco: id.into(),
            tenant_id: Uuid::nil(),
            revision: 1,
            cmi: "{}".into(),
            completion: c.into(),
            success: s.into(),
            score_scaled: scaled,
            score_raw: None,
            score_min: None,
            score_max: None,
            base_seconds: 60,
            session_seconds: 30,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn several_scos_roll_up_to_the_attempt() {
        let st = Structure {
            tree: vec![],
            launches: vec![
                launch("a", ScormType::Sco),
                launch("b", ScormType::Sco),
                launch("intro", ScormType::Asset),
            ],
            sequencing: None,
            cmi5: None,
        };
        let one = [sco("a", completion::COMPLETED, success::PASSED, Some(1.0))];
        let o = outcome(&st, &one);
        assert_eq!(o.completion, completion::INCOMPLETE, "b is not done");
        assert_eq!(o.success, success::UNKNOWN);
        assert_eq!(o.scaled, Some(1.0));
        assert_eq!(o.seconds, 90);
        let both = [
            sco("a", completion::COMPLETED, success::PASSED, Some(1.0)),
            sco("b", completion::COMPLETED, success::PASSED, Some(0.5)),
        ];
        let o = outcome(&st, &both);
        assert_eq!(
            (o.completion, o.success),
            (completion::COMPLETED, success::PASSED)
        );
        assert_eq!(o.scaled, Some(0.75));
        let failed = [
            sco("a", completion::COMPLETED, success::FAILED, Some(0.2)),
            sco("b", completion::INCOMPLETE, success::UNKNOWN, None),
        ];
        assert_eq!(outcome(&st, &failed).success, success::FAILED);
        assert_eq!(outcome(&st, &[]).completion, completion::NOT_ATTEMPTED);
    }

    #[test]
    fn the_items_setting_decides_what_is_done() {
        let completed = Outcome {
            completion: completion::COMPLETED,
            success: success::FAILED,
            scaled: None,
            seconds: 0,
        };
        let mut s = PackageItem::default();
        assert!(done(&s, &completed));
        s.completion = Completion::Passed;
        assert!(!done(&s, &completed));
    }
}
