//! The report's HTML: escaping, the page around the sections, tables. Everything is inline (CSS
//! included), so the page opens from a file or an S3 object with no network.

/// `text` safe inside HTML text and attribute values: a campaign called
/// `<script>alert(1)</script>` is shown as those characters.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Readable on a phone and a desktop, dark text on light backgrounds (contrast above WCAG AA).
const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a535e; --line: #d5dae0; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7f9; }
header, main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0; }
h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
.sub { color: var(--muted); margin: 0.25rem 0 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; overflow-x: auto; }
.cards { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); margin: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem; }
.card dt { color: var(--muted); font-size: 0.9rem; }
.card dd { margin: 0; font-size: 1.6rem; font-weight: 600; }
.card dd.change { font-size: 0.85rem; font-weight: 400; color: var(--muted); }
main > section, main > .grid { margin-bottom: 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.25rem; }
th, td { padding: 0.3rem 0.4rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td { overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; }
svg { width: 100%; height: auto; max-height: 280px; display: block; }
table + table { margin-top: 1.25rem; }
.legend { display: flex; flex-wrap: wrap; gap: 0.75rem; font-size: 0.9rem; color: var(--muted); margin: 0.25rem 0; padding: 0; list-style: none; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.3rem; vertical-align: -0.1rem; }
details { margin-top: 0.5rem; }
footer { color: var(--muted); font-size: 0.85rem; max-width: 1100px; margin: 0 auto; padding: 1rem; }
"#;

/// The whole page: `title` and `subtitle` in the header, then `main`, then `footer` (all but
/// the titles already HTML).
pub fn document(title: &str, subtitle: &str, main: &str, footer: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
<header><h1>{title}</h1><p class=\"sub\">{subtitle}</p></header>\n\
<main>\n{main}</main>\n<footer>{footer}</footer>\n</body>\n</html>\n",
        title = escape(title),
        subtitle = escape(subtitle),
    )
}

/// A cell: its text (escaped here) and whether it is a number (right-aligned).
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            numeric: false,
        }
    }

    pub fn number(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            numeric: true,
        }
    }
}

/// A table with a caption and column headers; `empty` is said instead when there are no rows.
pub fn table(caption: &str, headers: &[(&str, bool)], rows: &[Vec<Cell>], empty: &str) -> String {
    if rows.is_empty() {
        return format!("<p class=\"empty\">{}</p>\n", escape(empty));
    }
    let mut html = format!(
        "<table>\n<caption>{}</caption>\n<thead><tr>",
        escape(caption)
    );
    for (header, numeric) in headers {
        let class = if *numeric { " class=\"n\"" } else { "" };
        html += &format!("<th scope=\"col\"{class}>{}</th>", escape(header));
    }
    html += "</tr></thead>\n<tbody>\n";
    for row in rows {
        html += "<tr>";
        for cell in row {
            let class = if cell.numeric { " class=\"n\"" } else { "" };
            html += &format!("<td{class}>{}</td>", escape(&cell.text));
        }
        html += "</tr>\n";
    }
    html + "</tbody>\n</table>\n"
}

/// A titled section holding `body` (HTML); `id` names it for links and tests.
pub fn section(id: &str, title: &str, body: &str) -> String {
    format!(
        "<section id=\"{id}\" aria-labelledby=\"{id}-title\">\n<h2 id=\"{id}-title\">{}</h2>\n{body}</section>\n",
        escape(title),
        id = escape(id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_shown_as_text() {
        assert_eq!(
            escape(r#"<script>alert(1)</script> & "x" 'y'"#),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;"
        );
        let html = table(
            "Campaigns",
            &[("campaign", false), ("sessions", true)],
            &[vec![
                Cell::text("<script>alert(1)</script>"),
                Cell::number("3"),
            ]],
            "none",
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"n\">3</td>")
        );
    }

    #[test]
    fn an_empty_table_is_a_sentence_not_a_broken_table() {
        let html = table(
            "Pages",
            &[("page", false)],
            &[],
            "No page views in this range.",
        );
        assert_eq!(
            html,
            "<p class=\"empty\">No page views in this range.</p>\n"
        );
    }

    #[test]
    fn the_document_is_self_contained() {
        let page = document(
            "footfall <report>",
            "2026-11-02 – 2026-11-03",
            "<p>x</p>",
            "",
        );
        assert!(page.starts_with("<!doctype html>"));
        assert!(page.contains("<title>footfall &lt;report&gt;</title>"));
        for external in ["<link", "<script src", "http://", "https://", "@import"] {
            assert!(!page.contains(external), "{external}");
        }
    }
}
