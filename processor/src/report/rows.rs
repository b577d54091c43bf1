//! A query's answer, read by column name: every cell as BigQuery's API sends it (a string, or
//! null), so the page shows exactly what the saved query answers in BigQuery.

use crate::sink::warehouse::Answer;
use serde_json::Value;

/// The rows of one answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

/// One row, read by column name.
pub struct Row<'a> {
    rows: &'a Rows,
    cells: &'a [Option<String>],
}

impl Rows {
    /// The answer of a report query; a column the page reads but the answer lacks is an error
    /// naming it and the query, so a changed query fails loudly instead of showing blanks.
    pub fn from_answer(query: &str, answer: &Answer, expected: &[&str]) -> Result<Rows, String> {
        let columns: Vec<String> = answer
            .columns
            .iter()
            .map(|(name, _)| name.clone())
            .collect();
        if let Some(missing) = expected.iter().find(|c| !columns.iter().any(|n| n == *c)) {
            return Err(format!(
                "{query}: the answer has no column {missing:?} (it has {columns:?})"
            ));
        }
        let rows = answer
            .rows
            .iter()
            .map(|row| row.iter().map(cell).collect())
            .collect();
        Ok(Rows { columns, rows })
    }

    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|cells| Row { rows: self, cells })
    }

    /// The rows whose `column` is `value` (e.g. one list of a combined query).
    pub fn whose<'a>(&'a self, column: &'a str, value: &'a str) -> impl Iterator<Item = Row<'a>> {
        self.iter().filter(move |row| row.text(column) == value)
    }
}

impl Row<'_> {
    /// The cell's text; empty for null or an unknown column.
    pub fn text(&self, column: &str) -> &str {
        self.rows
            .columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.cells.get(i))
            .and_then(|cell| cell.as_deref())
            .unwrap_or("")
    }

    /// The cell as a number; 0 for null or text that is not one.
    pub fn number(&self, column: &str) -> f64 {
        self.text(column).parse().unwrap_or(0.0)
    }

    /// Whether the cell is null.
    pub fn is_null(&self, column: &str) -> bool {
        self.rows
            .columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.cells.get(i))
            .is_none_or(Option::is_none)
    }
}

fn cell(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer() -> Answer {
        Answer {
            columns: vec![
                ("list".into(), "STRING".into()),
                ("n".into(), "INTEGER".into()),
            ],
            rows: vec![
                vec![json!("top"), json!("3")],
                vec![json!("exit"), Value::Null],
            ],
            total_rows: 2,
        }
    }

    #[test]
    fn cells_are_read_by_column_name() {
        let rows = Rows::from_answer("q.sql", &answer(), &["list", "n"]).unwrap();
        let top: Vec<f64> = rows.whose("list", "top").map(|r| r.number("n")).collect();
        assert_eq!(top, [3.0]);
        let exit = rows.whose("list", "exit").next().unwrap();
        assert!(exit.is_null("n") && exit.text("n").is_empty() && exit.number("n") == 0.0);
    }

    #[test]
    fn a_missing_column_names_the_query_and_the_column() {
        let error = Rows::from_answer("report_pages.sql", &answer(), &["page"]).unwrap_err();
        assert!(
            error.starts_with("report_pages.sql: the answer has no column \"page\""),
            "{error}"
        );
    }
}
