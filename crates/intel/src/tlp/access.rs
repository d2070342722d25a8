//! The TLP read rule: who may read an object, as a Rust predicate and as clauses over columns.
//!
//! | Level | Readers |
//! |---|---|
//! | CLEAR, GREEN | members of the object's circle |
//! | AMBER | members of the circle who are a named recipient (organization or user) |
//! | AMBER+STRICT | the producing organization only |
//! | RED | named individual recipients (users) who are members of the circle |
//!
//! In addition, the producing organization reads its own objects at every level except RED,
//! and the producing user (when known) reads its own objects at every level: a member must
//! always see what it submitted. RED names individuals, so an organization named as a
//! recipient does not open a RED object to all its users. Hub staff get no bypass here; the
//! reporting flow names them as recipients explicitly.

use std::collections::BTreeSet;

use super::Tlp;

/// Who is asking. Built by the authenticated request path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Viewer {
    /// The viewer's user id.
    pub user_id: String,
    /// The viewer's organization id.
    pub org_id: String,
    /// Circles (API roots / sharing communities) the viewer's organization belongs to.
    pub circle_memberships: BTreeSet<String>,
}

/// A named recipient of an AMBER or RED object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Recipient {
    /// A whole organization (counts for AMBER only).
    Org(String),
    /// One user (counts for AMBER and RED).
    User(String),
}

/// The access-relevant columns of a stored object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectAccess {
    /// Effective level (see [`super::TlpPolicy`]).
    pub tlp: Tlp,
    /// The circle the object was shared into.
    pub circle_id: String,
    /// The organization that produced (submitted) the object.
    pub producer_org: String,
    /// The submitting user, when known (federated objects have none).
    pub producer_user: Option<String>,
    /// Named recipients (need-to-know for AMBER, individuals for RED).
    pub recipients: BTreeSet<Recipient>,
}

/// Decides whether `viewer` may read `object`.
#[must_use]
pub fn can_read(viewer: &Viewer, object: &ObjectAccess) -> bool {
    if object.producer_user.as_deref() == Some(viewer.user_id.as_str()) {
        return true;
    }
    let producer_org = object.producer_org == viewer.org_id;
    let member = viewer.circle_memberships.contains(&object.circle_id);
    let named_user = object.recipients.contains(&Recipient::User(viewer.user_id.clone()));
    let named_org = object.recipients.contains(&Recipient::Org(viewer.org_id.clone()));
    match object.tlp {
        Tlp::Clear | Tlp::Green => member || producer_org,
        Tlp::Amber => producer_org || (member && (named_org || named_user)),
        Tlp::AmberStrict => producer_org,
        Tlp::Red => member && named_user,
    }
}

/// One column condition of a [`ReadFilter`] clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `tlp IN (...)`.
    TlpIn(Vec<Tlp>),
    /// `circle_id IN (...)` (never empty in a filter built by [`read_filter`]).
    CircleIn(Vec<String>),
    /// `producer_org = ?`.
    ProducerOrgIs(String),
    /// `producer_user = ?`.
    ProducerUserIs(String),
    /// `EXISTS (recipient row for this object naming ?)`.
    RecipientIs(Recipient),
}

impl Condition {
    fn holds(&self, o: &ObjectAccess) -> bool {
        match self {
            Self::TlpIn(levels) => levels.contains(&o.tlp),
            Self::CircleIn(circles) => circles.contains(&o.circle_id),
            Self::ProducerOrgIs(org) => &o.producer_org == org,
            Self::ProducerUserIs(user) => o.producer_user.as_ref() == Some(user),
            Self::RecipientIs(r) => o.recipients.contains(r),
        }
    }
}

/// The read rule for one viewer as a disjunction of conjunctions over stored columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFilter {
    /// An object is readable when all conditions of at least one clause hold.
    pub any_of: Vec<Vec<Condition>>,
}

impl ReadFilter {
    /// Evaluates the clauses in Rust (the reference for the SQL translation).
    #[must_use]
    pub fn matches(&self, object: &ObjectAccess) -> bool {
        self.any_of.iter().any(|clause| clause.iter().all(|c| c.holds(object)))
    }
}

/// Builds the clause form of [`can_read`] for `viewer`.
#[must_use]
pub fn read_filter(viewer: &Viewer) -> ReadFilter {
    use Condition as C;
    let mut any_of = vec![
        vec![C::ProducerUserIs(viewer.user_id.clone())],
        vec![
            C::ProducerOrgIs(viewer.org_id.clone()),
            C::TlpIn(vec![Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict]),
        ],
    ];
    // A viewer in no circle gets no circle clauses at all, rather than an empty IN list,
    // which some SQL dialects reject.
    if !viewer.circle_memberships.is_empty() {
        let circles: Vec<String> = viewer.circle_memberships.iter().cloned().collect();
        any_of.push(vec![C::CircleIn(circles.clone()), C::TlpIn(vec![Tlp::Clear, Tlp::Green])]);
        any_of.push(vec![
            C::CircleIn(circles.clone()),
            C::TlpIn(vec![Tlp::Amber]),
            C::RecipientIs(Recipient::Org(viewer.org_id.clone())),
        ]);
        any_of.push(vec![
            C::CircleIn(circles),
            C::TlpIn(vec![Tlp::Amber, Tlp::Red]),
            C::RecipientIs(Recipient::User(viewer.user_id.clone())),
        ]);
    }
    ReadFilter { any_of }
}

/// The rule written as the table in the issue, by listing who is allowed: used as an
/// independent oracle in tests. Returns whether `viewer` is in the allowed audience.
#[must_use]
pub fn allowed_by_table(viewer: &Viewer, object: &ObjectAccess) -> bool {
    let in_circle = || viewer.circle_memberships.iter().any(|c| *c == object.circle_id);
    let is_producer_user = object.producer_user.iter().any(|u| *u == viewer.user_id);
    let is_producer_org = viewer.org_id == object.producer_org;
    let named_users: Vec<&String> = object
        .recipients
        .iter()
        .filter_map(|r| match r {
            Recipient::User(u) => Some(u),
            Recipient::Org(_) => None,
        })
        .collect();
    let named_orgs: Vec<&String> = object
        .recipients
        .iter()
        .filter_map(|r| match r {
            Recipient::Org(o) => Some(o),
            Recipient::User(_) => None,
        })
        .collect();
    let audience = match object.tlp {
        Tlp::Clear => in_circle() || is_producer_org,
        Tlp::Green => in_circle() || is_producer_org,
        Tlp::Amber => {
            is_producer_org
                || (in_circle() && (named_orgs.contains(&&viewer.org_id) || named_users.contains(&&viewer.user_id)))
        }
        Tlp::AmberStrict => is_producer_org,
        Tlp::Red => in_circle() && named_users.contains(&&viewer.user_id),
    };
    audience || is_producer_user
}
