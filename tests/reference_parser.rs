//! A differential check: a deliberately simple parser written straight from the WHATWG
//! text (decode the whole stream, split it into lines, process each line) against the real
//! one, on random streams cut into random chunks.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{byte_soup, cut, feed_chunks, reference};
use proptest::prelude::*;
use wasm_eventsource::parser::{Event, Item, Parser};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn the_parser_agrees_with_the_spec_text(bytes in byte_soup(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..10)) {
        let chunks = cut(&bytes, &cuts);
        prop_assert_eq!(feed_chunks(&mut Parser::new(), &chunks), reference(&bytes));
    }
}

#[test]
fn the_reference_itself_reads_a_known_stream() {
    let out = reference(b"\xEF\xBB\xBFid: 1\r\nevent: t\rdata: a\ndata: b\n\n: c\nretry: 10\ndata: lost");
    assert_eq!(
        out,
        [Ok(Item::Event(Event::new("t", "a\nb", "1"))), Ok(Item::Comment("c".into())), Ok(Item::Retry(10))]
    );
}
