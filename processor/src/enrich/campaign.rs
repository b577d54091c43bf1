//! Where a visit came from: utm parameters, ad click ids, and the referrer's host and medium.

use footfall_event::{Attribution, Medium, QueryParam};

/// Ad click ids, in the order they are looked for.
const CLICK_IDS: &[&str] = &[
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "fbclid",
    "ttclid",
    "li_fat_id",
    "twclid",
    "yclid",
];

/// Registrable names (host without `www.`) or suffixes of search engines.
const SEARCH: &[&str] = &[
    "google.",
    "bing.com",
    "duckduckgo.com",
    "search.yahoo.",
    "yahoo.com",
    "yandex.",
    "baidu.com",
    "ecosia.org",
    "qwant.com",
    "startpage.com",
    "search.brave.com",
    "kagi.com",
    "naver.com",
    "seznam.cz",
];
const SOCIAL: &[&str] = &[
    "facebook.com",
    "m.facebook.com",
    "l.facebook.com",
    "instagram.com",
    "t.co",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "lnkd.in",
    "reddit.com",
    "old.reddit.com",
    "pinterest.",
    "youtube.com",
    "tiktok.com",
    "news.ycombinator.com",
    "bsky.app",
    "mastodon.social",
    "threads.net",
    "xing.com",
];
const WEBMAIL: &[&str] = &[
    "mail.google.com",
    "outlook.live.com",
    "outlook.office.com",
    "mail.yahoo.com",
    "mail.proton.me",
];

/// Attributes a page request from its query, its referrer and the site's own host.
pub fn attribute(query: &[QueryParam], referrer: Option<&str>, site_host: &str) -> Attribution {
    let param = |name: &str| {
        query
            .iter()
            .find(|p| p.param.eq_ignore_ascii_case(name) && !p.value.trim().is_empty())
            .map(|p| p.value.trim().to_string())
    };
    let click_id = CLICK_IDS
        .iter()
        .find_map(|name| param(name).map(|v| format!("{name}:{v}")));
    let referrer_host = referrer.and_then(host_of);
    let utm_medium = param("utm_medium");
    let referrer_medium = medium(
        referrer_host.as_deref(),
        site_host,
        utm_medium.as_deref(),
        click_id.is_some(),
    );
    Attribution {
        referrer_host,
        referrer_medium,
        utm_source: param("utm_source"),
        utm_medium,
        utm_campaign: param("utm_campaign"),
        utm_term: param("utm_term"),
        utm_content: param("utm_content"),
        click_id,
    }
}

fn medium(
    referrer_host: Option<&str>,
    site_host: &str,
    utm_medium: Option<&str>,
    clicked_an_ad: bool,
) -> Medium {
    let site = strip_www(site_host.split(':').next().unwrap_or(site_host));
    if referrer_host.is_some_and(|r| strip_www(r).eq_ignore_ascii_case(site)) {
        return Medium::Internal;
    }
    let tagged = utm_medium.map(str::to_ascii_lowercase);
    match tagged.as_deref() {
        _ if clicked_an_ad => return Medium::Paid,
        Some(
            "cpc" | "ppc" | "paid" | "paidsearch" | "paid_search" | "paid-social" | "paid_social"
            | "display" | "cpm" | "banner",
        ) => return Medium::Paid,
        Some("email" | "e-mail" | "newsletter") => return Medium::Email,
        Some("social" | "social-media" | "social_media" | "sm") => return Medium::Social,
        Some("organic") => return Medium::Search,
        _ => {}
    }
    let Some(host) = referrer_host else {
        return if tagged.is_some() {
            Medium::Other
        } else {
            Medium::Direct
        };
    };
    let host = strip_www(host);
    let listed = |list: &[&str]| {
        list.iter().any(|entry| {
            if entry.ends_with('.') {
                host.starts_with(entry)
            } else {
                host == *entry || host.ends_with(&format!(".{entry}"))
            }
        })
    };
    if listed(WEBMAIL) {
        Medium::Email
    } else if listed(SEARCH) {
        Medium::Search
    } else if listed(SOCIAL) {
        Medium::Social
    } else {
        Medium::Other
    }
}

/// The lower-case host of a URL (`https://www.Google.com/search?q=x` → `www.google.com`).
pub fn host_of(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| &h[1..])?
    } else {
        host_port.split(':').next()?
    };
    Some(host.to_ascii_lowercase()).filter(|h| !h.is_empty())
}

fn strip_www(host: &str) -> &str {
    host.strip_prefix("www.").unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<QueryParam> {
        pairs
            .iter()
            .map(|(p, v)| QueryParam {
                param: p.to_string(),
                value: v.to_string(),
            })
            .collect()
    }

    #[test]
    fn the_articles_visit_is_social_with_its_campaign() {
        let q = query(&[
            ("gh_jid", "4082751002"),
            ("utm_medium", "social"),
            ("utm_source", "linkedin"),
            ("utm_campaign", "buffer"),
        ]);
        let a = attribute(&q, None, "www.project-a.com");
        assert_eq!(a.referrer_medium, Medium::Social);
        assert_eq!(
            (a.utm_source.as_deref(), a.utm_campaign.as_deref()),
            (Some("linkedin"), Some("buffer"))
        );
        assert_eq!((a.referrer_host, a.click_id), (None, None));
    }

    #[test]
    fn mediums_from_referrers() {
        let medium_of =
            |referrer: Option<&str>| attribute(&[], referrer, "www.example.com").referrer_medium;
        assert_eq!(medium_of(None), Medium::Direct);
        assert_eq!(
            medium_of(Some("https://example.com/blog")),
            Medium::Internal
        );
        assert_eq!(medium_of(Some("https://www.google.de/")), Medium::Search);
        assert_eq!(medium_of(Some("https://duckduckgo.com/")), Medium::Search);
        assert_eq!(medium_of(Some("https://t.co/abc")), Medium::Social);
        assert_eq!(
            medium_of(Some("https://www.linkedin.com/feed/")),
            Medium::Social
        );
        assert_eq!(
            medium_of(Some("https://mail.google.com/mail/u/0/")),
            Medium::Email
        );
        assert_eq!(
            medium_of(Some("https://blog.other.org/post")),
            Medium::Other
        );
        assert_eq!(medium_of(Some("not a url at all")), Medium::Other);
    }

    #[test]
    fn tags_and_click_ids_outrank_the_referrer() {
        let paid = attribute(
            &query(&[("gclid", "abc")]),
            Some("https://www.google.com/"),
            "example.com",
        );
        assert_eq!(
            (paid.referrer_medium, paid.click_id.as_deref()),
            (Medium::Paid, Some("gclid:abc"))
        );
        let email = attribute(&query(&[("utm_medium", "Newsletter")]), None, "example.com");
        assert_eq!(email.referrer_medium, Medium::Email);
        let cpc = attribute(
            &query(&[("utm_medium", "cpc"), ("utm_source", "bing")]),
            Some("https://www.bing.com/"),
            "example.com",
        );
        assert_eq!(cpc.referrer_medium, Medium::Paid);
        let unknown_tag = attribute(&query(&[("utm_medium", "qr-code")]), None, "example.com");
        assert_eq!(unknown_tag.referrer_medium, Medium::Other);
    }

    #[test]
    fn hosts_are_extracted_robustly() {
        assert_eq!(
            host_of("https://user:pw@WWW.Example.com:8443/x?y#z").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(
            host_of("http://[2001:db8::1]:80/").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(
            host_of("android-app://com.google.android.gm/").as_deref(),
            Some("com.google.android.gm")
        );
        assert_eq!(host_of("").as_deref(), None);
    }
}
