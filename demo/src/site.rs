//! The demo site (`scripts/local/site`) as a visitor sees it: its pages and the links on each,
//! so generated visits only follow links a person could click. A test keeps this map and the
//! HTML in step.

/// One page: its path and the pages it links to (besides the navigation every page has).
pub struct Page {
    pub path: &'static str,
    pub links: &'static [&'static str],
}

/// The navigation bar on every page.
pub const NAVIGATION: &[&str] = &["/", "/blog/", "/career/"];

/// The assets a browser loads with a page (and then keeps in its cache).
pub const ASSETS: &[&str] = &["/assets/style.css", "/assets/logo.svg"];

/// The data engineer job ad: the page the article's question is about.
pub const JOB_AD: &str = "/career/jobs/data-engineer";

/// Where a sent application lands: the demo's conversion page.
pub const CONVERSION: &str = "/career/thanks";

pub const PAGES: &[Page] = &[
    Page {
        path: "/",
        links: &[],
    },
    Page {
        path: "/blog/",
        links: &["/blog/server-side-tracking", "/blog/bounce-rate"],
    },
    Page {
        path: "/blog/server-side-tracking",
        links: &[JOB_AD],
    },
    Page {
        path: "/blog/bounce-rate",
        links: &[],
    },
    Page {
        path: "/career/",
        links: &[JOB_AD, "/career/jobs/frontend-developer"],
    },
    Page {
        path: JOB_AD,
        links: &["/career/apply?job=data-engineer"],
    },
    Page {
        path: "/career/jobs/frontend-developer",
        links: &["/career/apply?job=frontend-developer"],
    },
    Page {
        path: "/career/apply",
        links: &[],
    },
    Page {
        path: CONVERSION,
        links: &[],
    },
];

/// The page at `path_and_query` (its query ignored).
pub fn page(path_and_query: &str) -> Option<&'static Page> {
    let path = path_and_query.split('?').next().unwrap_or_default();
    PAGES.iter().find(|page| page.path == path)
}

/// Every link on the page at `path_and_query`, its own links first.
pub fn links(path_and_query: &str) -> Vec<&'static str> {
    let own = page(path_and_query)
        .map(|page| page.links)
        .unwrap_or_default();
    own.iter().chain(NAVIGATION).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn html(path: &str) -> String {
        let site = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/local/site");
        let path = path.trim_start_matches('/');
        let file = if path.is_empty() || path.ends_with('/') {
            site.join(path).join("index.html")
        } else {
            site.join(format!("{path}.html"))
        };
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    #[test]
    fn every_page_exists_and_carries_the_links_the_map_gives_it() {
        for page in PAGES {
            let html = html(page.path);
            for link in page.links.iter().chain(NAVIGATION).chain(ASSETS) {
                assert!(
                    html.contains(&format!("href=\"{link}\"")),
                    "{} does not link to {link}",
                    page.path
                );
            }
        }
    }

    #[test]
    fn the_application_form_sends_to_the_conversion_page() {
        assert!(html("/career/apply").contains(&format!("action=\"{CONVERSION}\"")));
    }

    #[test]
    fn links_ignore_the_query_and_end_with_the_navigation() {
        assert_eq!(
            links("/career/apply?job=x"),
            ["/", "/blog/", "/career/"],
            "the form is sent, not linked"
        );
        assert_eq!(
            links("/career/")[..2],
            [JOB_AD, "/career/jobs/frontend-developer"]
        );
    }
}
