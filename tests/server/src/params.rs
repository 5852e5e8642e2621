//! Query parameters as raw bytes, so a test can send any byte stream (`%FF` included).

use percent_encoding::percent_decode;

/// The decoded `name=value` pairs of a query string.
pub struct Params(Vec<(String, Vec<u8>)>);

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        let pairs = query
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let plus_as_space = |text: &str| text.replace('+', " ");
                let name = percent_decode(plus_as_space(name).as_bytes()).decode_utf8_lossy().into_owned();
                (name, percent_decode(plus_as_space(value).as_bytes()).collect())
            })
            .collect();
        Params(pairs)
    }

    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_slice())
    }

    pub fn text(&self, name: &str) -> Option<String> {
        self.bytes(name).map(|value| String::from_utf8_lossy(value).into_owned())
    }

    pub fn number(&self, name: &str) -> Option<u64> {
        self.text(name)?.parse().ok()
    }
}
