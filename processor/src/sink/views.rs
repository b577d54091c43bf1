//! The views over the events table (`sql/views/`), created by `setup` in dependency order, and
//! the placeholders those views and the saved queries of `sql/queries/` are written with.

/// Name and DDL of each view, each building on the ones before it.
pub const VIEWS: &[(&str, &str)] = &[
    (
        "events_dedup",
        include_str!("../../../sql/views/events_dedup.sql"),
    ),
    (
        "pageviews",
        include_str!("../../../sql/views/pageviews.sql"),
    ),
    ("sessions", include_str!("../../../sql/views/sessions.sql")),
    (
        "sessions_rebuilt",
        include_str!("../../../sql/views/sessions_rebuilt.sql"),
    ),
    (
        "daily_kpis",
        include_str!("../../../sql/views/daily_kpis.sql"),
    ),
    (
        "attribution",
        include_str!("../../../sql/views/attribution.sql"),
    ),
    ("crawlers", include_str!("../../../sql/views/crawlers.sql")),
];

/// What counts as a conversion unless configured: a thank-you page.
pub const DEFAULT_CONVERSION_PATTERN: &str = r"(?i)/(thanks|thank-you)([/?#]|$)";

/// The values of `{{project}}`, `{{dataset}}`, `{{table}}` and `{{conversion_pattern}}`.
#[derive(Debug, Clone)]
pub struct Placeholders<'a> {
    pub project: &'a str,
    pub dataset: &'a str,
    pub table: &'a str,
    /// A regular expression (RE2) matched against page view URLs; only the views need it.
    pub conversion_pattern: Option<&'a str>,
}

impl Placeholders<'_> {
    /// `sql` with every placeholder filled in; the pattern becomes a quoted string literal.
    pub fn render(&self, sql: &str) -> String {
        let sql = sql
            .replace("{{project}}", self.project)
            .replace("{{dataset}}", self.dataset)
            .replace("{{table}}", self.table);
        match self.conversion_pattern {
            Some(pattern) => sql.replace("{{conversion_pattern}}", &string_literal(pattern)),
            None => sql,
        }
    }
}

/// A GoogleSQL string literal holding exactly `text`.
fn string_literal(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('\'', "\\'")
        .replace('\n', "\\n");
    format!("'{escaped}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Placeholders = Placeholders {
        project: "p",
        dataset: "d",
        table: "events",
        conversion_pattern: Some(DEFAULT_CONVERSION_PATTERN),
    };

    #[test]
    fn every_view_is_created_under_its_own_name_with_no_placeholder_left() {
        for (name, ddl) in VIEWS {
            let sql = HERE.render(ddl);
            assert!(
                sql.contains(&format!("CREATE OR REPLACE VIEW `p.d.{name}` AS")),
                "{name}"
            );
            assert!(!sql.contains("{{"), "{name}");
        }
    }

    #[test]
    fn views_come_after_the_views_they_read() {
        for (i, (_, ddl)) in VIEWS.iter().enumerate() {
            let sql = HERE.render(ddl);
            for (later, _) in &VIEWS[i + 1..] {
                assert!(!sql.contains(&format!("`p.d.{later}`")), "reads {later}");
            }
        }
    }

    #[test]
    fn the_conversion_pattern_is_one_safe_string_literal() {
        let tricky = Placeholders {
            conversion_pattern: Some(r"it's\d+"),
            ..HERE
        };
        assert_eq!(
            tricky.render("REGEXP_CONTAINS(url, {{conversion_pattern}})"),
            r"REGEXP_CONTAINS(url, 'it\'s\\d+')"
        );
    }
}
