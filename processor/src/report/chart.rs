//! Hand-made SVG charts, inline in the page: a line chart of daily series and stacked daily
//! bars of shares. Each is an image with a title and a one-line description for screen readers;
//! the page puts the same numbers in a table next to it.

use super::html::escape;

/// Colours of the series, in order: distinguishable, and each at least 4.5:1 on white.
pub const PALETTE: &[&str] = &[
    "#0b5cad", "#b4490b", "#2e7d32", "#6a3d9a", "#8a6d00", "#a3195b", "#4a535e",
];

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 28.0;

/// One named series of daily values.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<f64>,
}

/// Daily `series` over `days` (labels), one line each, on a shared axis from zero.
pub fn lines(title: &str, description: &str, days: &[String], series: &[Series]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0, f64::max);
    let scale = nice_ceiling(max);
    let mut svg = frame(title, description, days, scale, false);
    for (i, line) in series.iter().enumerate() {
        let points: Vec<String> = line
            .values
            .iter()
            .enumerate()
            .map(|(d, v)| format!("{:.1},{:.1}", x(d, days.len()), y(*v, scale)))
            .collect();
        let colour = PALETTE[i % PALETTE.len()];
        if points.len() == 1 {
            let (px, py) = points[0].split_once(',').unwrap_or(("0", "0"));
            svg += &format!("<circle cx=\"{px}\" cy=\"{py}\" r=\"3\" fill=\"{colour}\"/>");
        } else {
            svg += &format!(
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
                points.join(" ")
            );
        }
    }
    svg + "</svg>\n" + &legend(series.iter().map(|s| s.name))
}

/// Daily stacked bars of shares (0..1): one bar per day, one segment per series.
pub fn stacked_shares(
    title: &str,
    description: &str,
    days: &[String],
    series: &[Series],
) -> String {
    let totals: Vec<f64> = (0..days.len())
        .map(|d| {
            series
                .iter()
                .map(|s| s.values.get(d).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let scale = nice_ceiling(totals.iter().copied().fold(0.0, f64::max)).clamp(0.01, 1.0);
    let mut svg = frame(title, description, days, scale, true);
    let slot = (WIDTH - LEFT - RIGHT) / days.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    for d in 0..days.len() {
        let mut stacked = 0.0;
        for (i, s) in series.iter().enumerate() {
            let value = s.values.get(d).copied().unwrap_or(0.0);
            if value <= 0.0 {
                continue;
            }
            let (top, bottom) = (y(stacked + value, scale), y(stacked, scale));
            svg += &format!(
                "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                LEFT + slot * d as f64 + (slot - bar) / 2.0,
                bottom - top,
                PALETTE[i % PALETTE.len()]
            );
            stacked += value;
        }
    }
    svg + "</svg>\n" + &legend(series.iter().map(|s| s.name))
}

/// The SVG's opening, its accessible name, the value axis (from zero to `scale`) and a few day
/// labels.
fn frame(title: &str, description: &str, days: &[String], scale: f64, percent: bool) -> String {
    let id = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>();
    let mut svg = format!(
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(title),
        escape(description)
    );
    for step in 0..=4 {
        let value = scale * f64::from(step) / 4.0;
        let label = if percent {
            format!("{:.0}%", value * 100.0)
        } else {
            format_axis(value)
        };
        let at = y(value, scale);
        svg += &format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{at:.1}\" y2=\"{at:.1}\" stroke=\"#d5dae0\"/>\
<text x=\"{}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#4a535e\">{label}</text>",
            WIDTH - RIGHT,
            LEFT - 4.0,
            at + 4.0
        );
    }
    let every = days.len().div_ceil(7).max(1);
    for (d, day) in days.iter().enumerate().filter(|(d, _)| d % every == 0) {
        let label = day.get(5..).unwrap_or(day); // MM-DD
        svg += &format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#4a535e\">{}</text>",
            x(d, days.len()),
            HEIGHT - 8.0,
            escape(label)
        );
    }
    svg
}

fn legend<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let items: String = names
        .enumerate()
        .map(|(i, name)| {
            format!(
                "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
                PALETTE[i % PALETTE.len()],
                escape(name)
            )
        })
        .collect();
    format!("<ul class=\"legend\">{items}</ul>\n")
}

/// The x of day `d` of `days`: the middle of its slot.
fn x(d: usize, days: usize) -> f64 {
    let slot = (WIDTH - LEFT - RIGHT) / days.max(1) as f64;
    LEFT + slot * (d as f64 + 0.5)
}

fn y(value: f64, scale: f64) -> f64 {
    let plot = HEIGHT - TOP - BOTTOM;
    TOP + plot - (value / scale).clamp(0.0, 1.0) * plot
}

/// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `max` (1 for nothing).
fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&v| v >= max)
        .unwrap_or(10.0 * magnitude)
}

fn format_axis(value: f64) -> String {
    if value >= 1000.0 {
        format!("{:.1}k", value / 1000.0)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: usize) -> Vec<String> {
        (1..=n).map(|d| format!("2026-11-{d:02}")).collect()
    }

    #[test]
    fn a_line_chart_names_itself_and_draws_a_line_per_series() {
        let svg = lines(
            "Visitors <daily>",
            "Visitors, sessions and page views per day.",
            &days(3),
            &[
                Series {
                    name: "visitors",
                    values: vec![1.0, 4.0, 2.0],
                },
                Series {
                    name: "page views",
                    values: vec![3.0, 9.0, 5.0],
                },
            ],
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"visitors--daily--t\">Visitors &lt;daily&gt;</title>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(
            svg.contains(">10</text>"),
            "the axis ends at a round 10: {svg}"
        );
    }

    #[test]
    fn nothing_to_draw_is_still_a_valid_chart() {
        let svg = lines("Empty", "No data.", &[], &[]);
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        let bars = stacked_shares(
            "Shares",
            "None.",
            &days(2),
            &[Series {
                name: "search",
                values: vec![0.0, 0.0],
            }],
        );
        assert!(!bars.contains("NaN") && !bars.contains("<rect"));
    }

    #[test]
    fn shares_stack_within_their_day() {
        let svg = stacked_shares(
            "Crawler share",
            "Share of requests by crawler category per day.",
            &days(1),
            &[
                Series {
                    name: "search",
                    values: vec![0.25],
                },
                Series {
                    name: "ai_crawler",
                    values: vec![0.25],
                },
            ],
        );
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">50%</text>"), "{svg}");
    }

    #[test]
    fn round_axis_tops() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(21.0), 25.0);
        assert_eq!(nice_ceiling(0.31), 0.5);
        assert_eq!(nice_ceiling(120.0), 200.0);
    }
}
