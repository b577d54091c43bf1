//! The tokens against real user agents: the instances in the processor's crawler list
//! (`processor/data/crawler-user-agents.json`) whose pattern is one of our tokens are claimed by
//! that token's operator, so the whole-word match holds up on what crawlers actually send.

use footfall_bots::{claimed_operator, operators};
use serde_json::Value;

#[test]
fn crawler_list_instances_claim_the_operator_of_their_token() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../processor/data/crawler-user-agents.json"
    );
    let list: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut checked = 0;
    for entry in list.as_array().unwrap() {
        // Patterns such as `Googlebot\/` or `PerplexityBot\/`: the token and a slash.
        let pattern = entry["pattern"].as_str().unwrap().replace("\\/", "/");
        let token = pattern.trim_end_matches('/');
        let Some(operator) = operators().iter().find(|operator| {
            operator
                .tokens
                .iter()
                .any(|t| t.eq_ignore_ascii_case(token))
        }) else {
            continue;
        };
        for instance in entry["instances"].as_array().into_iter().flatten() {
            let user_agent = instance.as_str().unwrap();
            let claimed = claimed_operator(user_agent).map(|operator| operator.name);
            assert_eq!(claimed, Some(operator.name), "{pattern}: {user_agent}");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} instances checked");
}
