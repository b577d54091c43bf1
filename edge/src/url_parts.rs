//! Path and query of a request URL, decoded into the event's `path` and `query` fields.
//!
//! Decoding is lossy on purpose: invalid percent-encoding stays as it was and bytes that are not
//! UTF-8 become U+FFFD, so a hostile URL still produces a well-formed event.

use footfall_event::QueryParam;
use percent_encoding::percent_decode_str;

/// The non-empty segments of a URL path, percent-decoded.
pub fn path_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .collect()
}

/// Query parameters in order, repeats kept, `+` and percent-encoding decoded.
pub fn query_params(query: &str) -> Vec<QueryParam> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(param, value)| QueryParam {
            param: param.into_owned(),
            value: value.into_owned(),
        })
        .collect()
}

/// The first non-empty value of `name` among decoded query parameters.
pub fn first_value<'q>(query: &'q [QueryParam], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|p| p.param == name && !p.value.is_empty())
        .map(|p| p.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        query_params(query)
            .into_iter()
            .map(|p| (p.param, p.value))
            .collect()
    }

    #[test]
    fn path_segments_are_decoded_and_empty_ones_dropped() {
        assert_eq!(
            path_segments("/en//jobs/data%20engineer/"),
            ["en", "jobs", "data engineer"]
        );
        assert_eq!(path_segments("/"), Vec::<String>::new());
        assert_eq!(path_segments("/caf%C3%A9"), ["café"]);
    }

    #[test]
    fn invalid_encoding_and_non_utf8_are_kept_safely() {
        assert_eq!(
            path_segments("/%zz/%FF%FEa/%"),
            ["%zz", "\u{FFFD}\u{FFFD}a", "%"]
        );
        assert_eq!(
            pairs("a=%FF&%E2%82=x"),
            [
                ("a".into(), "\u{FFFD}".into()),
                ("\u{FFFD}".into(), "x".into())
            ]
        );
    }

    #[test]
    fn query_keeps_order_and_repeats() {
        assert_eq!(
            pairs("gh_jid=4082751002&utm_source=linkedin&tag=a&tag=b&flag&q=a+b%26c"),
            [
                ("gh_jid".into(), "4082751002".into()),
                ("utm_source".into(), "linkedin".into()),
                ("tag".into(), "a".into()),
                ("tag".into(), "b".into()),
                ("flag".into(), "".into()),
                ("q".into(), "a b&c".into()),
            ]
        );
        assert_eq!(pairs(""), vec![]);
    }

    #[test]
    fn crlf_in_the_query_is_data_not_structure() {
        let params = query_params("x=%0d%0aSet-Cookie:%20a=1");
        assert_eq!(params[0].value, "\r\nSet-Cookie: a=1");
        // serde_json escapes control characters, so the event line stays one line.
        assert!(!serde_json::to_string(&params).unwrap().contains('\n'));
    }

    #[test]
    fn first_value_skips_empty_values() {
        let query = query_params("utm_campaign=&utm_campaign=spring&utm_campaign=autumn");
        assert_eq!(first_value(&query, "utm_campaign"), Some("spring"));
        assert_eq!(first_value(&query, "utm_source"), None);
    }
}
