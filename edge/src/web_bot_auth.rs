//! Whether a request is signed as a bot with Web Bot Auth (HTTP Message Signatures, RFC 9421,
//! with the `Signature-Agent` header of the IETF webbotauth drafts), and which agent it names.
//!
//! Only what the request says is recorded: the signature is not verified (that needs the
//! agent's key directory fetched and cached, which the edge does not do yet), so a signed
//! request is a bot by its own declaration, never a verified one.

use footfall_event::BotSignature;

/// Longest agent recorded; longer values are cut (they are URLs, normally a few dozen bytes).
const MAX_AGENT_LEN: usize = 200;

/// Reads the `Signature`, `Signature-Input` and `Signature-Agent` headers.
pub fn bot_signature(
    signature: Option<&str>,
    signature_input: Option<&str>,
    signature_agent: Option<&str>,
) -> BotSignature {
    let tagged = signature_input.is_some_and(|input| {
        input
            .split(';')
            .any(|parameter| parameter.trim() == r#"tag="web-bot-auth""#)
    });
    BotSignature {
        bot_signed: signature.is_some_and(|s| !s.trim().is_empty()) && tagged,
        bot_signature_agent: signature_agent.and_then(agent),
    }
}

/// The agent of a `Signature-Agent` value: a quoted string (`"https://chatgpt.com"`, the
/// first drafts) or a dictionary member (`sig1="https://chatgpt.com"`, later ones).
fn agent(header: &str) -> Option<String> {
    let first = header.split(',').next()?.trim();
    let value = match first.find(['=', '"']) {
        Some(at) if first.as_bytes()[at] == b'=' => &first[at + 1..],
        _ => first,
    };
    let value = value.trim().trim_matches('"').trim();
    (!value.is_empty()).then(|| value.chars().take(MAX_AGENT_LEN).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: &str = r#"sig1=("@authority" "signature-agent");created=1735689600;keyid="poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U";alg="ed25519";expires=1735693200;nonce="e8N7S2MFd/qrd6T2R3tdfAuuANngKI7LFtKYI/vowzk4lAZYadIX6wW25MwG7DCT9RUKAJ0qVkU0mEeLElW1qg==";tag="web-bot-auth""#;

    #[test]
    fn a_signed_request_names_its_agent_in_either_draft_form() {
        for agent_header in [r#""https://chatgpt.com""#, r#"sig1="https://chatgpt.com""#] {
            assert_eq!(
                bot_signature(Some("sig1=:dGVzdA==:"), Some(INPUT), Some(agent_header)),
                BotSignature {
                    bot_signed: true,
                    bot_signature_agent: Some("https://chatgpt.com".into()),
                },
                "{agent_header}"
            );
        }
    }

    #[test]
    fn a_signature_without_the_web_bot_auth_tag_is_not_a_bot_signature() {
        let other_tag = INPUT.replace("web-bot-auth", "other");
        assert!(!bot_signature(Some("sig1=:dGVzdA==:"), Some(&other_tag), None).bot_signed);
        assert!(!bot_signature(None, Some(INPUT), None).bot_signed);
        assert_eq!(bot_signature(None, None, None), BotSignature::default());
    }

    #[test]
    fn odd_agent_values_are_kept_short_or_dropped() {
        assert_eq!(agent(r#""""#), None);
        assert_eq!(agent("  "), None);
        let long = format!("\"https://{}.example\"", "a".repeat(500));
        assert_eq!(agent(&long).unwrap().len(), MAX_AGENT_LEN);
    }
}
