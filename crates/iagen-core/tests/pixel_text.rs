//! The pixel GPT's training text (tools/prepare_data.py pixeles) is what the Rust codec writes
//! for every digit of mnist.bin: the same pixels, and the digit's class or the unnamed token.

use iagen_core::pixel_text::{UNNAMED, encode};

#[test]
fn the_committed_pixel_text_is_the_codec_on_every_digit() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/assets/data/");
    let records = std::fs::read(format!("{data}mnist.bin")).unwrap();
    let text = std::fs::read_to_string(format!("{data}pixeles.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), records.len() / 785);
    for (i, (line, record)) in lines.iter().zip(records.chunks(785)).enumerate() {
        let named = encode(&record[1..], Some(record[0]));
        let expected = if line.starts_with(UNNAMED) {
            encode(&record[1..], None)
        } else {
            named
        };
        assert_eq!(*line, expected, "digit {i}");
    }
}
