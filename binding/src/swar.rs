//! Word-at-a-time ("SWAR") scans of the text a batch carries, the binding's two hand-rolled
//! fast paths. Each has a plain equivalent in std ([`str::is_ascii`], counting
//! [`str::encode_utf16`]), and the tests below check them against it on arbitrary text.

/// Whether `text` is all ASCII, 64 bytes at a time in 64-bit words ([`str::is_ascii`] goes
/// a 32-bit word at a time on wasm32, which made it a third of the time of long events).
pub fn is_ascii(text: &str) -> bool {
    let (blocks, rest) = text.as_bytes().as_chunks::<64>();
    blocks.iter().all(|block| {
        let (words, _) = block.as_chunks::<8>();
        words.iter().fold(0, |any, word| any | u64::from_ne_bytes(*word)) & 0x8080_8080_8080_8080 == 0
    }) && rest.is_ascii()
}

/// The length of `text` in UTF-16 code units: one per char, two for those beyond U+FFFF.
/// That is its bytes, less its continuation bytes (0b10xxxxxx), plus the lead bytes of
/// four-byte sequences (0b11110xxx), counted eight bytes at a time.
pub fn utf16_len(text: &str) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (words, rest) = text.as_bytes().as_chunks::<8>();
    let (mut continuations, mut four_byte_leads) = (0, 0);
    for word in words {
        let word = u64::from_ne_bytes(*word);
        continuations += (word & !(word << 1) & HIGH).count_ones() as usize;
        four_byte_leads += (word & (word << 1) & (word << 2) & (word << 3) & HIGH).count_ones() as usize;
    }
    for &byte in rest {
        continuations += usize::from(byte & 0xC0 == 0x80);
        four_byte_leads += usize::from(byte >= 0xF0);
    }
    text.len() - continuations + four_byte_leads
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text with every kind of char: ASCII, two-, three- and four-byte sequences, at any
    /// alignment and length (the word loops and their tails).
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                any::<char>(),
                proptest::char::range(' ', '~'),
                Just('é'),
                Just('😀'),
                Just('\u{FFFF}')
            ],
            0..300,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn is_ascii_is_std(text in text()) {
            prop_assert_eq!(is_ascii(&text), text.is_ascii());
        }

        #[test]
        fn utf16_len_counts_utf16_units(text in text()) {
            prop_assert_eq!(utf16_len(&text), text.encode_utf16().count());
        }

        #[test]
        fn is_ascii_finds_one_high_byte_anywhere(len in 0usize..200, at in 0usize..200) {
            let mut text = "a".repeat(len);
            if at < len {
                text.replace_range(at..=at, "é");
            }
            prop_assert_eq!(is_ascii(&text), text.is_ascii());
        }
    }
}
