//! What the request headers say: language, prefetch purpose and privacy signals.

/// The primary subtag of the most preferred language in an `Accept-Language` header
/// (`"de-CH, en;q=0.8"` → `de`); `None` for `*`, garbage or an empty header.
pub fn primary_language(accept_language: &str) -> Option<String> {
    let mut best: Option<(&str, f32)> = None;
    for entry in accept_language.split(',') {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| {
                q.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
            });
        let primary = tag.split('-').next().unwrap_or("");
        let valid =
            (1..=8).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
        if let (true, Some(q)) = (valid, quality) {
            if q > 0.0 && best.is_none_or(|(_, best_q)| q > best_q) {
                best = Some((primary, q));
            }
        }
    }
    best.map(|(primary, _)| primary.to_ascii_lowercase())
}

/// `prefetch` or `prerender` from `Sec-Purpose` (or the older `Purpose`) header.
pub fn purpose(header: &str) -> Option<&'static str> {
    let lower = header.to_ascii_lowercase();
    if lower.contains("prerender") {
        Some("prerender")
    } else if lower.contains("prefetch") {
        Some("prefetch")
    } else {
        None
    }
}

/// A `Sec-GPC` or `DNT` header that is switched on.
pub fn is_on(header: Option<&str>) -> bool {
    header.is_some_and(|v| v.trim() == "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_is_the_most_preferred_primary_tag() {
        assert_eq!(primary_language("en-US,en;q=0.9").as_deref(), Some("en"));
        assert_eq!(
            primary_language("fr;q=0.5, DE-ch;q=0.9, en;q=0.8").as_deref(),
            Some("de")
        );
        assert_eq!(primary_language("*").as_deref(), None);
        assert_eq!(primary_language("*, es").as_deref(), Some("es"));
        assert_eq!(primary_language("en;q=0, it;q=0.1").as_deref(), Some("it"));
        assert_eq!(primary_language("").as_deref(), None);
        assert_eq!(primary_language("\u{1F600};q=1, <script>").as_deref(), None);
        assert_eq!(primary_language("en;q=banana, pt").as_deref(), Some("pt"));
    }

    #[test]
    fn purpose_recognises_prefetch_and_prerender() {
        assert_eq!(purpose("prefetch"), Some("prefetch"));
        assert_eq!(purpose("prefetch;prerender"), Some("prerender"));
        assert_eq!(purpose("Prefetch"), Some("prefetch"));
        assert_eq!(purpose("navigate"), None);
    }

    #[test]
    fn privacy_signals_are_on_only_for_one() {
        assert!(is_on(Some("1")));
        assert!(is_on(Some(" 1 ")));
        assert!(!is_on(Some("0")));
        assert!(!is_on(Some("true")));
        assert!(!is_on(None));
    }
}
