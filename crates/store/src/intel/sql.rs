//! A small raw-SQL builder for the intelligence queries whose `WHERE` clause comes from the
//! TLP read rule ([`mamori_intel::tlp::ReadFilter::to_sql`]): text with `?` placeholders,
//! rewritten to `$n` on PostgreSQL. Only this module writes SQL text by hand.

use mamori_intel::tlp::{ReadFilter, SqlColumns, SqlParam};
use sea_orm::{DbBackend, Statement, Value};

/// SQL text plus its parameters, in placeholder order.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    params: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Self {
        Sql { text: text.to_owned(), params: Vec::new() }
    }

    /// Appends literal SQL (never user input).
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends one `?` bound to `v`.
    pub(crate) fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.text.push('?');
        self.params.push(v.into());
        self
    }

    /// Appends `(?, ?, ...)`; callers make sure the list is not empty.
    pub(crate) fn bind_list<V: Into<Value>>(&mut self, vs: impl IntoIterator<Item = V>) -> &mut Self {
        self.text.push('(');
        for (i, v) in vs.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self.text.push(')');
        self
    }

    /// Appends the TLP read rule for the object alias `o`.
    pub(crate) fn read_rule(&mut self, filter: &ReadFilter) -> &mut Self {
        let (text, params) = filter.to_sql(&object_columns());
        self.text.push('(');
        self.text.push_str(&text);
        self.text.push(')');
        self.params.extend(params.into_iter().map(|SqlParam::Text(s)| Value::from(s)));
        self
    }

    pub(crate) fn build(self, backend: DbBackend) -> Statement {
        let text = match backend {
            DbBackend::Postgres => {
                let mut out = String::with_capacity(self.text.len() + 16);
                let mut n = 0;
                for ch in self.text.chars() {
                    if ch == '?' {
                        n += 1;
                        out.push('$');
                        out.push_str(&n.to_string());
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            _ => self.text,
        };
        Statement::from_sql_and_values(backend, text, self.params)
    }
}

/// The object table's columns under the alias `o`, for the read rule.
pub(crate) fn object_columns() -> SqlColumns {
    SqlColumns {
        tlp: "o.tlp".into(),
        circle_id: "o.circle_id".into(),
        producer_org: "o.producer_org".into(),
        producer_user: "o.producer_user".into(),
        recipient_exists: "EXISTS (SELECT 1 FROM intel_recipients r WHERE r.row_id = o.row_id AND r.kind = {kind} \
                           AND r.principal_id = {principal})"
            .into(),
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
