//! A word's fingerprint, ignoring ASCII case: the token matcher's prefilter.
//!
//! The build script sets one bit of a 4,096-bit filter per token; the matcher hashes each word of
//! a user agent while scanning it and looks a word up in the token table only when its bit is
//! set, so most words cost a few instructions per byte and no comparison. Shared with the build
//! script, so both compute the same bits.

/// The filter's size in `u64`s: 4,096 bits, so with 70 tokens about 3% of the words of real
/// browser user agents (uap-core's test suite) pass it without being a token.
pub const FILTER_WORDS: usize = 64;

/// The hash so far, extended by one byte (ASCII case folded).
pub fn extend(hash: u32, byte: u8) -> u32 {
    hash.rotate_left(5) ^ u32::from(byte.to_ascii_lowercase())
}

/// The hash of a whole word.
#[allow(
    dead_code,
    reason = "the build script hashes whole tokens; the matcher extends the hash as it scans"
)]
pub fn word_hash(word: &[u8]) -> u32 {
    word.iter().fold(0, |hash, &byte| extend(hash, byte))
}

/// The filter bit of a word with this hash and length, as `(word index, bit mask)`.
pub fn filter_bit(hash: u32, length: usize) -> (usize, u64) {
    let mixed = (hash ^ (length as u32).rotate_left(16)).wrapping_mul(0x9e37_79b1);
    let bit = (mixed >> 20) as usize; // the top 12 bits: 0..4096
    (bit / 64, 1 << (bit % 64))
}
