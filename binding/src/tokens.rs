//! Writing the batches of tokens described in the crate documentation.

use crate::swar::{is_ascii, utf16_len};
use alloc::string::String;
use alloc::vec::Vec;
use wasm_eventsource::{ItemRef, ParseError};

/// Bit 0 of a field's word: the field's text is in the wide string, not the ASCII one.
const WIDE: u32 = 1;

/// The tags of the tokens, as in the crate documentation's table. `js/tokens.js` names the
/// same char codes (`TAG`), and a test there reads this list to check that they agree.
pub mod tag {
    /// `c` + last event id: issue the request.
    pub const CONNECT: char = 'c';
    /// `o`: the stream is open.
    pub const OPEN: char = 'o';
    /// `m` + data: a `message`.
    pub const MESSAGE: char = 'm';
    /// `n` + type, data: a message of a named type.
    pub const NAMED: char = 'n';
    /// `M` + data, id: a `message` whose id is new.
    pub const MESSAGE_WITH_ID: char = 'M';
    /// `N` + type, data, id: a message of a named type whose id is new.
    pub const NAMED_WITH_ID: char = 'N';
    /// `I` + id: the last event id changed with no message.
    pub const ID: char = 'I';
    /// `k` + text: a comment line.
    pub const COMMENT: char = 'k';
    /// `t` + milliseconds: a valid `retry:` field.
    pub const RETRY: char = 't';
    /// `r` + delay, reason, whether `Retry-After` asked for the wait: reconnecting after
    /// the delay.
    pub const RECONNECT: char = 'r';
    /// `f` + reason, whether retries ran out: failed for good.
    pub const FAILED: char = 'f';
    /// `s` + limit: an event over the size limit was skipped.
    pub const EVENT_TOO_LARGE: char = 's';
    /// `i` + limit: an event whose id is over the limit was skipped.
    pub const ID_TOO_LARGE: char = 'i';
    /// `x` + bytes: an event was skipped, for want of that much memory.
    pub const OUT_OF_MEMORY: char = 'x';
}

/// One batch of tokens, and the last event id already told to JavaScript.
#[derive(Default)]
pub struct Tokens {
    /// Per token: its tag's char code, then one word per field (see [`Tokens::field`]).
    table: Vec<u32>,
    /// The fields that are all ASCII, one after another.
    ascii: String,
    /// The other fields, one after another.
    wide: String,
    /// Where JavaScript finds the published batch (see [`Tokens::publish`]).
    header: [u32; 6],
    /// Whether the batch was published: the next token starts a new one.
    published: bool,
    reported_id: String,
}

impl Tokens {
    /// Starts from an id JavaScript already knows (one it passed in).
    pub fn with_reported_id(reported_id: String) -> Tokens {
        Tokens { reported_id, ..Tokens::default() }
    }

    /// Appends one token: `tag` then `text`.
    pub fn push(&mut self, tag: char, text: &str) {
        self.start_batch();
        self.table.push(u32::from(tag));
        self.field(text);
    }

    /// Empties the batch if it was published: the next token starts a new one.
    fn start_batch(&mut self) {
        if self.published {
            self.published = false;
            self.clear();
        }
    }

    /// Appends a field to the previous token: its text goes to the ASCII or the wide string,
    /// and its word is its length in UTF-16 code units (what JavaScript slices by), shifted
    /// left once, with [`WIDE`] set for the wide string. Text that is all ASCII, which is
    /// most text, is then decoded by JavaScript as one-byte strings.
    pub fn field(&mut self, text: &str) {
        let word = if is_ascii(text) {
            self.ascii.push_str(text);
            length_word(text.len())
        } else {
            self.wide.push_str(text);
            length_word(utf16_len(text)) | WIDE
        };
        self.table.push(word);
    }

    /// Appends a token whose text is a number in decimal.
    pub fn number(&mut self, tag: char, value: u64) {
        self.push(tag, "");
        let start = self.ascii.len();
        push_decimal(&mut self.ascii, value);
        if let Some(word) = self.table.last_mut() {
            *word = length_word(self.ascii.len() - start);
        }
    }

    /// What the parser found: an event, a comment, a `retry:` field or a skipped event.
    pub fn item(&mut self, item: Result<ItemRef<'_>, ParseError>) {
        match item {
            Ok(ItemRef::Event(event)) => self.event(event.event_type_field(), event.data(), event.id()),
            Ok(ItemRef::Retry(millis)) => self.number(tag::RETRY, millis),
            Ok(ItemRef::Comment(text)) => self.push(tag::COMMENT, text),
            Err(error) => self.skipped(error),
        }
    }

    /// An event (`event_type` empty for `message`): `m` + data or `n` + type, data, or, when
    /// its id is not the last one reported, `M` + data, id or `N` + type, data, id. Nothing
    /// is allocated unless the id grew.
    pub fn event(&mut self, event_type: &str, data: &str, id: &str) {
        if data.len() > CAPACITY_KEPT && !self.has_room_for(data) {
            self.number(tag::OUT_OF_MEMORY, data.len() as u64);
            return;
        }
        let new_id = id != self.reported_id;
        match (event_type.is_empty(), new_id) {
            (true, false) => self.push(tag::MESSAGE, data),
            (true, true) => self.push(tag::MESSAGE_WITH_ID, data),
            (false, new_id) => {
                self.push(if new_id { tag::NAMED_WITH_ID } else { tag::NAMED }, event_type);
                self.field(data);
            }
        }
        if new_id {
            self.field(id);
            self.reported_id.clear();
            self.reported_id.push_str(id);
        }
    }

    /// `I` + `id` when the last event id is not the one JavaScript was last told.
    pub fn last_event_id(&mut self, id: &str) {
        if id != self.reported_id {
            self.push(tag::ID, id);
            self.reported_id.clear();
            self.reported_id.push_str(id);
        }
    }

    /// A skipped event: `s` + the size limit it passed, `i` + the id length limit, or `x` +
    /// the bytes of memory that could not be had.
    pub fn skipped(&mut self, error: ParseError) {
        match error {
            ParseError::EventTooLarge { limit } => self.number(tag::EVENT_TOO_LARGE, limit as u64),
            ParseError::IdTooLarge { limit } => self.number(tag::ID_TOO_LARGE, limit as u64),
            ParseError::OutOfMemory { requested } => self.number(tag::OUT_OF_MEMORY, requested as u64),
            _ => self.number(tag::OUT_OF_MEMORY, 0),
        }
    }

    /// Whether the string that `text` goes to can grow by its length: a large event whose copy
    /// cannot be had is reported as skipped (`x`) instead of stopping the module. Smaller
    /// fields fit in the capacity kept between batches.
    fn has_room_for(&mut self, text: &str) -> bool {
        self.start_batch();
        let string = if is_ascii(text) { &mut self.ascii } else { &mut self.wide };
        string.try_reserve(text.len()).is_ok()
    }

    /// Ends the batch and returns where it is: the address of six words, which are the
    /// table's address and length in words, then the ASCII string's address and length in
    /// bytes, then the wide string's. They stay valid until the next call into the module.
    /// An empty batch has a table of length 0.
    pub fn publish(&mut self) -> *const u32 {
        if self.published {
            self.clear();
        }
        self.published = true;
        self.header = [
            address(self.table.as_ptr()),
            saturate(self.table.len()),
            address(self.ascii.as_ptr()),
            saturate(self.ascii.len()),
            address(self.wide.as_ptr()),
            saturate(self.wide.len()),
        ];
        self.header.as_ptr()
    }

    /// Empties the batch, keeping a bounded capacity: after a huge event, its memory goes
    /// back to the allocator instead of staying with the source.
    fn clear(&mut self) {
        self.table.clear();
        self.table.shrink_to(CAPACITY_KEPT / 4);
        self.ascii.clear();
        self.ascii.shrink_to(CAPACITY_KEPT);
        self.wide.clear();
        self.wide.shrink_to(CAPACITY_KEPT);
    }
}

/// How many bytes each of a batch's buffers keeps between batches.
const CAPACITY_KEPT: usize = 64 * 1024;

/// A pointer as wasm32 memory addresses it.
fn address<T>(pointer: *const T) -> u32 {
    saturate(pointer as usize)
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A field's length word without the [`WIDE`] bit. No text in a 4 GiB memory reaches 2^31
/// code units (its bytes are held twice over), so the shift loses nothing.
fn length_word(units: usize) -> u32 {
    saturate(units) << 1
}

/// Writes `value` in decimal without the formatting machinery (it costs wasm bytes).
fn push_decimal(out: &mut String, value: u64) {
    if value >= 10 {
        push_decimal(out, value / 10);
    }
    out.push(char::from(b'0' + (value % 10) as u8));
}
