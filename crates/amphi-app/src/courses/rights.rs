//! What a person may do with courses, for pages that show or hide controls: the policy's
//! answers, asked here so that the web layer makes no permission decision of its own.

use crate::users::User;
use amphi_core::course::CourseRole;
use amphi_core::policy::{can, Action, Resource};
use amphi_core::TenantId;

/// Whether the person may create courses in the tenant (course authors and administrators).
pub fn may_create_courses(user: &User, tenant: TenantId) -> bool {
    can(&user.actor(), Action::Create, Resource::Courses(tenant))
}

/// Whether the person, with this role in a run (if any), may change the run: its settings,
/// certificates and gradebook.
pub fn may_edit_run(user: &User, tenant: TenantId, role: Option<CourseRole>) -> bool {
    can(&user.actor(), Action::Update, run(tenant, role))
}

/// Whether the person, with this role in a run (if any), may change the course team's roles.
pub fn may_manage_roles(user: &User, tenant: TenantId, role: Option<CourseRole>) -> bool {
    can(&user.actor(), Action::ManageRoles, run(tenant, role))
}

fn run(tenant_id: TenantId, role: Option<CourseRole>) -> Resource {
    Resource::Run { tenant_id, role }
}
