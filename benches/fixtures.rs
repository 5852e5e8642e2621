//! The benchmark fixtures: deterministic event streams shared by the native and browser
//! benchmarks (the browser page builds the same streams from the same recipe in JS).

/// One named fixture: the bytes, how they are chunked, and how many events they hold.
pub struct Fixture {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub chunk: usize,
    pub events: usize,
}

/// `scale` divides every size (1 for the real run, larger for the smoke run).
pub fn all(scale: usize) -> Vec<Fixture> {
    vec![
        tokens(scale),
        lines_1k(scale),
        multiline_64k(scale),
        mixed(scale),
        big_line(scale, usize::MAX),
        big_line(scale, 64),
        big_line(scale, 1),
    ]
}

/// Small LLM-token-style events: `data: {"token":"..."}`.
fn tokens(scale: usize) -> Fixture {
    let count = 200_000 / scale;
    let mut bytes = Vec::new();
    for n in 0..count {
        bytes.extend_from_slice(format!("data: {{\"token\":\"tok{}\",\"i\":{n}}}\n\n", n % 977).as_bytes());
    }
    Fixture { name: "LLM tokens (~40 B events)", bytes, chunk: 16 * 1024, events: count }
}

/// Events of one 1 KiB data line.
fn lines_1k(scale: usize) -> Fixture {
    let count = 8_192 / scale;
    let line: String = (0..1024).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    let mut bytes = Vec::new();
    for _ in 0..count {
        bytes.extend_from_slice(b"data: ");
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\n\n");
    }
    Fixture { name: "1 KiB data lines", bytes, chunk: 64 * 1024, events: count }
}

/// 64 KiB events made of 80-byte data lines.
fn multiline_64k(scale: usize) -> Fixture {
    let count = (128 / scale).max(1);
    let line: String = (0..80).map(|i| (b'A' + (i % 26) as u8) as char).collect();
    let mut bytes = Vec::new();
    for _ in 0..count {
        for _ in 0..(64 * 1024 / 86) {
            bytes.extend_from_slice(b"data: ");
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        bytes.push(b'\n');
    }
    Fixture { name: "64 KiB multi-line events", bytes, chunk: 64 * 1024, events: count }
}

/// A mix: ids, event types, comments, retry, CRLF, multi-byte text, varied sizes.
fn mixed(scale: usize) -> Fixture {
    let count = 100_000 / scale;
    let mut bytes = Vec::new();
    for n in 0..count {
        match n % 5 {
            0 => bytes.extend_from_slice(
                format!("id: {n}\nevent: update\ndata: {{\"n\":{n},\"ok\":true}}\n\n").as_bytes(),
            ),
            1 => bytes.extend_from_slice(
                format!(": keep-alive {n}\r\nid: {n}\r\ndata: line one\r\ndata: line two é€\r\n\r\n")
                    .as_bytes(),
            ),
            2 => bytes.extend_from_slice(format!("data: {}\n\n", "x".repeat(200 + n % 300)).as_bytes()),
            3 => bytes.extend_from_slice(format!("retry: 3000\nevent: tick\ndata: {n}\n\n").as_bytes()),
            _ => bytes.extend_from_slice(format!("id: {n}\ndata:{}\n\n", "😀 ".repeat(8)).as_bytes()),
        }
    }
    Fixture { name: "mixed (ids, types, comments)", bytes, chunk: 16 * 1024, events: count }
}

/// One 8 MiB data line, fed in `chunk`-byte pieces (`usize::MAX`: all at once).
fn big_line(scale: usize, chunk: usize) -> Fixture {
    let size = (8 << 20) / scale;
    let mut bytes = b"data: ".to_vec();
    bytes.resize(6 + size, b'z');
    bytes.extend_from_slice(b"\n\n");
    let name = match chunk {
        1 => "8 MiB line, 1-byte chunks",
        64 => "8 MiB line, 64-byte chunks",
        _ => "8 MiB line, one chunk",
    };
    let chunk = chunk.min(bytes.len());
    Fixture { name, bytes, chunk, events: 1 }
}
