//! The views over the events table (`sql/views/`), created by `setup` in dependency order.

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
        "daily_kpis",
        include_str!("../../../sql/views/daily_kpis.sql"),
    ),
];

/// A view's DDL for one table.
pub fn render(ddl: &str, project: &str, dataset: &str, table: &str) -> String {
    ddl.replace("{{project}}", project)
        .replace("{{dataset}}", dataset)
        .replace("{{table}}", table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_is_created_under_its_own_name_with_no_placeholder_left() {
        for (name, ddl) in VIEWS {
            let sql = render(ddl, "p", "d", "events");
            assert!(
                sql.contains(&format!("CREATE OR REPLACE VIEW `p.d.{name}` AS")),
                "{name}"
            );
            assert!(!sql.contains("{{"), "{name}");
        }
    }
}
