//! What a person may do with courses, for pages that show or hide controls: the policy's
//! answers, asked here so that the web layer makes no permission decision of its own.

use crate::Caller;
use amphi_core::course::CourseRole;
use amphi_core::policy::{can, Action, Resource};
use amphi_core::TenantId;

/// Whether the person may create courses in the tenant (course authors and administrators).
pub fn may_create_courses(caller: &Caller) -> bool {
    can(
        &caller.actor(),
        Action::Create,
        Resource::Courses(caller.tenant),
    )
}

/// Refuses unless the person may create courses in the tenant (the new-course form).
pub fn require_create_courses(caller: &Caller) -> amphi_core::Result<()> {
    amphi_core::policy::require(
        &caller.actor(),
        Action::Create,
        Resource::Courses(caller.tenant),
    )
}

/// Whether the person, with this role in a run (if any), may change the run: its settings,
/// certificates and gradebook.
pub fn may_edit_run(caller: &Caller, role: Option<CourseRole>) -> bool {
    can(&caller.actor(), Action::Update, run(caller.tenant, role))
}

/// Whether the person, with this role in a run (if any), may change the course team's roles.
pub fn may_manage_roles(caller: &Caller, role: Option<CourseRole>) -> bool {
    can(
        &caller.actor(),
        Action::ManageRoles,
        run(caller.tenant, role),
    )
}

fn run(tenant_id: TenantId, role: Option<CourseRole>) -> Resource {
    Resource::Run { tenant_id, role }
}
