//! The authenticated tenant value: the only key that opens tenant data.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A member's role inside one organization, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Assessor,
    Admin,
    Owner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Assessor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Assessor => "assessor",
            Role::Viewer => "viewer",
        }
    }

    /// True when this role includes everything `other` may do.
    pub fn at_least(self, other: Role) -> bool {
        self >= other
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Role::Owner),
            "admin" => Ok(Role::Admin),
            "assessor" => Ok(Role::Assessor),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!("unknown role '{other}' (expected owner, admin, assessor or viewer)")),
        }
    }
}

/// Who performs an action, as recorded in the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    User {
        id: String,
        email: String,
    },
    Token {
        id: String,
        user_id: String,
    },
    Cli(String),
    /// The federation scheduler (or `mamori intel federate`) syncing one peer.
    Federation {
        peer_id: String,
    },
    /// A scheduled task of the server itself (e.g. `reminders`).
    System(String),
    Anonymous,
}

impl Actor {
    /// The stable text stored in the audit log.
    pub fn audit_label(&self) -> String {
        match self {
            Actor::User { id, email } => format!("user:{id}:{email}"),
            Actor::Token { id, user_id } => format!("token:{id}:user:{user_id}"),
            Actor::Cli(who) => format!("cli:{who}"),
            Actor::Federation { peer_id } => format!("federation:{peer_id}"),
            Actor::System(task) => format!("system:{task}"),
            Actor::Anonymous => "anonymous".to_string(),
        }
    }

    /// The user behind the action, when there is one.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Actor::User { id, .. } => Some(id),
            Actor::Token { user_id, .. } => Some(user_id),
            _ => None,
        }
    }
}

/// Proof that the caller acts for one organization with one role.
///
/// The fields are private and there is no public constructor: a `Tenant` comes only from
/// [`crate::Store::tenant_for_session`], [`crate::Store::tenant_for_token`],
/// [`crate::Store::admin_tenant`] or, for a stored federation peer,
/// [`crate::Store::intel_peer_tenant`]. Every store function over tenant data takes one.
#[derive(Clone, Debug)]
pub struct Tenant {
    org_id: String,
    role: Role,
    actor: Actor,
}

impl Tenant {
    pub(crate) fn new(org_id: String, role: Role, actor: Actor) -> Self {
        Tenant { org_id, role, actor }
    }

    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Fails with `Forbidden` unless the role is at least `min`.
    pub fn require(&self, min: Role) -> Result<(), crate::StoreError> {
        if self.role.at_least(min) { Ok(()) } else { Err(crate::StoreError::Forbidden("role too low for this action")) }
    }
}

/// The reason an administrator bypasses authentication; only the CLI uses it.
#[derive(Clone, Debug)]
pub enum AdminPath {
    /// A local operator at the command line, who can already read the database file.
    Cli { operator: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_from_viewer_to_owner() {
        assert!(Role::Owner.at_least(Role::Admin));
        assert!(Role::Admin.at_least(Role::Assessor));
        assert!(!Role::Viewer.at_least(Role::Assessor));
        assert_eq!("ADMIN".parse::<Role>(), Ok(Role::Admin));
        assert!("root".parse::<Role>().is_err());
    }
}
