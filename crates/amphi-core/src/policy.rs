//! The permission policy: one function, `can`, decides every access in Amphi. Use cases call it
//! before they touch anything, so the UI, the API, the CLI and jobs cannot disagree.

use crate::course::CourseRole;
use crate::ids::{TenantId, UserId};

/// Who is acting: a signed-in user (by session or API token) of one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// The tenant the user belongs to (and the request came in on).
    pub tenant_id: TenantId,
    /// Operates the whole platform: every tenant.
    pub is_platform_admin: bool,
    /// Administers its own tenant.
    pub is_tenant_admin: bool,
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See a thing.
    View,
    /// Change a thing.
    Update,
    /// Create a thing inside the resource (a tenant on the platform, a user in a tenant).
    Create,
    /// List the things inside the resource.
    List,
    /// Give or take administrator rights.
    ManageRoles,
    /// Grade learners' work and override grades (course runs only).
    Grade,
}

/// What the action is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The platform itself (the list of tenants).
    Platform,
    /// A tenant's settings, branding and policy.
    Tenant(TenantId),
    /// The users of a tenant, as a collection.
    TenantUsers(TenantId),
    /// One user account.
    User {
        /// The account's tenant.
        tenant_id: TenantId,
        /// The account.
        user_id: UserId,
    },
    /// The courses of a tenant, as a collection (Create: a new course).
    Courses(TenantId),
    /// One course run (edition) and everything in it, with the actor's role in it, if any.
    /// View: its content; Update: its content and settings; ManageRoles: its enrolments;
    /// List: its learners and their progress.
    Run {
        /// The run's tenant.
        tenant_id: TenantId,
        /// The actor's active role in the run.
        role: Option<CourseRole>,
    },
}

/// Whether `actor` may do `action` to `resource`.
pub fn can(actor: &Actor, action: Action, resource: Resource) -> bool {
    if actor.is_platform_admin {
        return true;
    }
    match resource {
        Resource::Platform => false,
        Resource::Tenant(t) => {
            t == actor.tenant_id
                && actor.is_tenant_admin
                && matches!(action, Action::View | Action::Update)
        }
        Resource::TenantUsers(t) => {
            t == actor.tenant_id
                && actor.is_tenant_admin
                && matches!(action, Action::List | Action::Create | Action::View)
        }
        Resource::Courses(t) => {
            t == actor.tenant_id
                && actor.is_tenant_admin
                && matches!(action, Action::Create | Action::List)
        }
        Resource::Run { tenant_id, role } => {
            if tenant_id != actor.tenant_id {
                return false;
            }
            if actor.is_tenant_admin {
                return true;
            }
            match (role, action) {
                (None, _) => false,
                (Some(_), Action::View) => true,
                (Some(CourseRole::Instructor), _) => !matches!(action, Action::Create),
                (Some(CourseRole::TeachingAssistant | CourseRole::Observer), Action::List) => true,
                (Some(CourseRole::TeachingAssistant), Action::Grade) => true,
                (Some(_), _) => false,
            }
        }
        Resource::User { tenant_id, user_id } => {
            if tenant_id != actor.tenant_id {
                return false;
            }
            if user_id == actor.user_id {
                // Everyone manages their own account, but cannot grant themselves rights.
                return matches!(action, Action::View | Action::Update);
            }
            actor.is_tenant_admin
                && matches!(action, Action::View | Action::Update | Action::ManageRoles)
        }
    }
}

/// Like [`can`], as a `Result` for use cases.
pub fn require(actor: &Actor, action: Action, resource: Resource) -> crate::Result<()> {
    if can(actor, action, resource) {
        Ok(())
    } else {
        Err(crate::Error::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug)]
    enum Role {
        Learner,
        TenantAdmin,
        PlatformAdmin,
    }

    fn actor(role: Role, tenant: TenantId) -> Actor {
        Actor {
            user_id: UserId::new(),
            tenant_id: tenant,
            is_platform_admin: matches!(role, Role::PlatformAdmin),
            is_tenant_admin: matches!(role, Role::TenantAdmin),
        }
    }

    const ACTIONS: [Action; 6] = [
        Action::View,
        Action::Update,
        Action::Create,
        Action::List,
        Action::ManageRoles,
        Action::Grade,
    ];

    /// The whole role × action × resource matrix, own tenant and other tenant.
    #[test]
    fn matrix() {
        let a = TenantId::new();
        let b = TenantId::new();
        for role in [Role::Learner, Role::TenantAdmin, Role::PlatformAdmin] {
            let me = actor(role, a);
            let other_here = UserId::new();
            let other_there = UserId::new();
            for action in ACTIONS {
                let expect_platform = matches!(role, Role::PlatformAdmin);
                assert_eq!(
                    can(&me, action, Resource::Platform),
                    expect_platform,
                    "{role:?} {action:?} platform"
                );

                let own_tenant = match role {
                    Role::PlatformAdmin => true,
                    Role::TenantAdmin => matches!(action, Action::View | Action::Update),
                    Role::Learner => false,
                };
                assert_eq!(
                    can(&me, action, Resource::Tenant(a)),
                    own_tenant,
                    "{role:?} {action:?} own tenant"
                );
                assert_eq!(
                    can(&me, action, Resource::Tenant(b)),
                    expect_platform,
                    "{role:?} {action:?} other tenant"
                );

                let own_users = match role {
                    Role::PlatformAdmin => true,
                    Role::TenantAdmin => {
                        matches!(action, Action::List | Action::Create | Action::View)
                    }
                    Role::Learner => false,
                };
                assert_eq!(
                    can(&me, action, Resource::TenantUsers(a)),
                    own_users,
                    "{role:?} {action:?} users"
                );
                assert_eq!(
                    can(&me, action, Resource::TenantUsers(b)),
                    expect_platform,
                    "{role:?} {action:?} other users"
                );

                let self_res = Resource::User {
                    tenant_id: a,
                    user_id: me.user_id,
                };
                let on_self = expect_platform || matches!(action, Action::View | Action::Update);
                assert_eq!(
                    can(&me, action, self_res),
                    on_self,
                    "{role:?} {action:?} self"
                );

                let peer = Resource::User {
                    tenant_id: a,
                    user_id: other_here,
                };
                let on_peer = match role {
                    Role::PlatformAdmin => true,
                    Role::TenantAdmin => {
                        matches!(action, Action::View | Action::Update | Action::ManageRoles)
                    }
                    Role::Learner => false,
                };
                assert_eq!(can(&me, action, peer), on_peer, "{role:?} {action:?} peer");

                let foreign = Resource::User {
                    tenant_id: b,
                    user_id: other_there,
                };
                assert_eq!(
                    can(&me, action, foreign),
                    expect_platform,
                    "{role:?} {action:?} foreign user"
                );
            }
        }
    }

    /// Course roles × actions on a run of the actor's tenant and of another tenant.
    #[test]
    fn run_matrix() {
        let a = TenantId::new();
        let b = TenantId::new();
        let roles = [
            None,
            Some(CourseRole::Learner),
            Some(CourseRole::Observer),
            Some(CourseRole::TeachingAssistant),
            Some(CourseRole::Instructor),
        ];
        for base in [Role::Learner, Role::TenantAdmin, Role::PlatformAdmin] {
            let me = actor(base, a);
            for role in roles {
                for action in ACTIONS {
                    let got = can(&me, action, Resource::Run { tenant_id: a, role });
                    let expected = match base {
                        Role::PlatformAdmin | Role::TenantAdmin => true,
                        Role::Learner => match (role, action) {
                            (None, _) => false,
                            (Some(_), Action::View) => true,
                            (Some(CourseRole::Instructor), a) => a != Action::Create,
                            (
                                Some(CourseRole::TeachingAssistant | CourseRole::Observer),
                                Action::List,
                            ) => true,
                            (Some(CourseRole::TeachingAssistant), Action::Grade) => true,
                            _ => false,
                        },
                    };
                    assert_eq!(got, expected, "{base:?} {role:?} {action:?}");
                    // Another tenant's run: never, whatever role a forged lookup claimed.
                    let foreign = can(&me, action, Resource::Run { tenant_id: b, role });
                    assert_eq!(
                        foreign,
                        matches!(base, Role::PlatformAdmin),
                        "{base:?} {role:?} {action:?} foreign"
                    );
                }
            }
            let create = can(&me, Action::Create, Resource::Courses(a));
            assert_eq!(create, !matches!(base, Role::Learner));
            assert_eq!(
                can(&me, Action::Create, Resource::Courses(b)),
                matches!(base, Role::PlatformAdmin)
            );
        }
    }

    #[test]
    fn cannot_grant_self_admin() {
        let t = TenantId::new();
        let me = actor(Role::Learner, t);
        assert!(!can(
            &me,
            Action::ManageRoles,
            Resource::User {
                tenant_id: t,
                user_id: me.user_id
            }
        ));
    }
}
