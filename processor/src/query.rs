//! Saved queries (`sql/queries/`): their parameters, with defaults the file itself declares in
//! `-- parameter NAME: VALUE` lines, and the answer as a text table, as `bq query` prints it.

use crate::sink::warehouse::{Answer, Warehouse};
use crate::sink::SinkError;
use serde_json::Value;
use time::OffsetDateTime;

/// Runs the saved query `sql` with the `given` parameters (over the file's own defaults) and
/// returns its answer as a table, and the number of rows shown. Says so when only the first
/// page of rows was read.
pub async fn run(
    warehouse: &Warehouse,
    sql: &str,
    given: &[(String, String)],
) -> Result<(String, usize), SinkError> {
    let answer = warehouse
        .query(
            &warehouse.placeholders().render(sql),
            &parameters(sql, given),
        )
        .await?;
    let mut text = table(&answer);
    if answer.total_rows > answer.rows.len() {
        text += &format!(
            "(the first {} of {} rows; add ORDER BY and LIMIT to the query)\n",
            answer.rows.len(),
            answer.total_rows
        );
    }
    Ok((text, answer.rows.len()))
}

/// `name=value` from the command line.
pub fn parse_param(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if is_name(name) => Ok((name.to_string(), value.to_string())),
        _ => Err(format!(
            "{arg:?} is not NAME=VALUE (NAME: letters, digits, underscores)"
        )),
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The parameters of `sql`: the defaults its `-- parameter NAME: VALUE` lines declare, each
/// replaced by a `given` one of the same name; given ones the file does not declare are kept.
pub fn parameters(sql: &str, given: &[(String, String)]) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = sql
        .lines()
        .filter_map(|line| line.trim().strip_prefix("-- parameter "))
        .filter_map(|declared| declared.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .filter(|(name, _)| is_name(name))
        .collect();
    for (name, value) in given {
        match params.iter_mut().find(|(n, _)| n == name) {
            Some(param) => param.1 = value.clone(),
            None => params.push((name.clone(), value.clone())),
        }
    }
    params
}

/// The answer as an aligned text table; numbers right-aligned, timestamps in UTC.
pub fn table(answer: &Answer) -> String {
    let header: Vec<String> = answer
        .columns
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    let rows: Vec<Vec<String>> = answer
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&answer.columns)
                .map(|(value, (_, kind))| cell(kind, value))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|row| row[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric: Vec<bool> = answer
        .columns
        .iter()
        .map(|(_, kind)| {
            matches!(
                kind.as_str(),
                "INTEGER" | "INT64" | "FLOAT" | "FLOAT64" | "NUMERIC"
            )
        })
        .collect();
    let rule = format!(
        "+{}+\n",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("+")
    );
    let line = |cells: &[String], align_numbers: bool| {
        let cells: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let pad = " ".repeat(widths[i] - text.chars().count());
                if align_numbers && numeric[i] {
                    format!(" {pad}{text} ")
                } else {
                    format!(" {text}{pad} ")
                }
            })
            .collect();
        format!("|{}|\n", cells.join("|"))
    };
    let mut out = rule.clone();
    out += &line(&header, false);
    out += &rule;
    for row in &rows {
        out += &line(row, true);
    }
    out += &rule;
    out
}

/// One cell as text: NULL, a timestamp in UTC, a float to 4 places, arrays as `[a, b]`.
fn cell(kind: &str, value: &Value) -> String {
    match value {
        Value::Null => "NULL".into(),
        Value::String(text) if kind == "TIMESTAMP" => timestamp(text).unwrap_or(text.clone()),
        Value::String(text) if matches!(kind, "FLOAT" | "FLOAT64") => text
            .parse::<f64>()
            .map(|x| format!("{x:.4}"))
            .unwrap_or(text.clone()),
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|item| cell(kind, item.get("v").unwrap_or(item)))
                .collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// BigQuery answers TIMESTAMPs as float seconds (`1.7145e9`); emulators as integer
/// microseconds.
fn timestamp(text: &str) -> Option<String> {
    let micros: i128 = if text.contains(['.', 'E', 'e']) {
        (text.parse::<f64>().ok()? * 1e6).round() as i128
    } else {
        text.parse().ok()?
    };
    let at = OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).ok()?;
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    at.format(format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn params_are_name_equals_value() {
        assert_eq!(
            parse_param("job_ad=(?i)a=b").unwrap(),
            ("job_ad".into(), "(?i)a=b".into())
        );
        assert!(parse_param("no equals").is_err());
        assert!(parse_param("bad-name=x").is_err());
        assert!(parse_param("=x").is_err());
    }

    #[test]
    fn declared_defaults_are_used_unless_given() {
        let sql = "-- parameter job_ad: (?i)/jobs/x\n-- parameter section: career\nSELECT 1";
        let given = vec![
            ("section".to_string(), "karriere".to_string()),
            ("extra".to_string(), "1".to_string()),
        ];
        assert_eq!(
            parameters(sql, &given),
            [
                ("job_ad".to_string(), "(?i)/jobs/x".to_string()),
                ("section".to_string(), "karriere".to_string()),
                ("extra".to_string(), "1".to_string()),
            ]
        );
    }

    #[test]
    fn the_table_aligns_formats_and_shows_nulls() {
        let answer = Answer {
            total_rows: 2,
            columns: vec![
                ("n".into(), "INTEGER".into()),
                ("url".into(), "STRING".into()),
                ("at".into(), "TIMESTAMP".into()),
                ("rate".into(), "FLOAT".into()),
                ("path".into(), "STRING".into()),
            ],
            rows: vec![
                vec![
                    json!("12"),
                    json!("/blog/"),
                    json!("1764496800000000"),
                    json!("0.5"),
                    json!([{"v": "blog"}]),
                ],
                vec![
                    json!("3"),
                    Value::Null,
                    json!("1.7644968E9"),
                    Value::Null,
                    json!([]),
                ],
            ],
        };
        assert_eq!(
            table(&answer),
            "\
+----+--------+-------------------------+--------+--------+
| n  | url    | at                      | rate   | path   |
+----+--------+-------------------------+--------+--------+
| 12 | /blog/ | 2025-11-30 10:00:00 UTC | 0.5000 | [blog] |
|  3 | NULL   | 2025-11-30 10:00:00 UTC |   NULL | []     |
+----+--------+-------------------------+--------+--------+
"
        );
    }
}
