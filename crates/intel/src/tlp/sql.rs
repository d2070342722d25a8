//! Rendering a [`ReadFilter`] as a SQL `WHERE` fragment with positional `?` parameters, so the
//! store filters by TLP in the query (before pagination) with the same rule as [`can_read`].
//!
//! [`can_read`]: super::can_read

use super::access::{Condition, ReadFilter, Recipient};

/// Column expressions of the store's object table. The recipient subquery is a template in
/// which `{kind}` and `{principal}` become parameters (`'org'`/`'user'` and the id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlColumns {
    /// Column holding [`super::Tlp::as_str`].
    pub tlp: String,
    /// Column holding the circle id.
    pub circle_id: String,
    /// Column holding the producing organization id.
    pub producer_org: String,
    /// Column holding the producing user id (nullable).
    pub producer_user: String,
    /// `EXISTS (...)` template, for example
    /// `EXISTS (SELECT 1 FROM intel_recipient r WHERE r.object_id = o.id AND r.kind = {kind} AND r.principal_id = {principal})`.
    pub recipient_exists: String,
}

/// A bound parameter of the rendered fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlParam {
    /// A text parameter.
    Text(String),
}

impl ReadFilter {
    /// Renders the filter as `(... ) OR (...)` with `?` placeholders and their parameters,
    /// in order. An empty filter renders as `1 = 0` (nothing readable).
    #[must_use]
    pub fn to_sql(&self, cols: &SqlColumns) -> (String, Vec<SqlParam>) {
        let mut params = Vec::new();
        let clauses: Vec<String> = self
            .any_of
            .iter()
            .map(|clause| {
                let parts: Vec<String> = clause.iter().map(|c| render(c, cols, &mut params)).collect();
                format!("({})", parts.join(" AND "))
            })
            .collect();
        if clauses.is_empty() {
            return ("1 = 0".to_owned(), params);
        }
        (clauses.join(" OR "), params)
    }
}

fn in_list(column: &str, values: Vec<String>, params: &mut Vec<SqlParam>) -> String {
    if values.is_empty() {
        return "1 = 0".to_owned();
    }
    let marks = vec!["?"; values.len()].join(", ");
    params.extend(values.into_iter().map(SqlParam::Text));
    format!("{column} IN ({marks})")
}

fn render(c: &Condition, cols: &SqlColumns, params: &mut Vec<SqlParam>) -> String {
    match c {
        Condition::TlpIn(levels) => in_list(&cols.tlp, levels.iter().map(|t| t.as_str().to_owned()).collect(), params),
        Condition::CircleIn(circles) => in_list(&cols.circle_id, circles.clone(), params),
        Condition::ProducerOrgIs(org) => {
            params.push(SqlParam::Text(org.clone()));
            format!("{} = ?", cols.producer_org)
        }
        Condition::ProducerUserIs(user) => {
            params.push(SqlParam::Text(user.clone()));
            format!("{} = ?", cols.producer_user)
        }
        Condition::RecipientIs(r) => {
            let (kind, id) = match r {
                Recipient::Org(o) => ("org", o),
                Recipient::User(u) => ("user", u),
            };
            // The template may name the placeholders in either order; bind in text order.
            let template = &cols.recipient_exists;
            let k = template.find("{kind}");
            let p = template.find("{principal}");
            match (k, p) {
                (Some(k), Some(p)) if p < k => {
                    params.push(SqlParam::Text(id.clone()));
                    params.push(SqlParam::Text(kind.to_owned()));
                }
                _ => {
                    params.push(SqlParam::Text(kind.to_owned()));
                    params.push(SqlParam::Text(id.clone()));
                }
            }
            template.replace("{kind}", "?").replace("{principal}", "?")
        }
    }
}
