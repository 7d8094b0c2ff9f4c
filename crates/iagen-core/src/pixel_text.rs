//! A digit as a line of text for a pixel GPT — the GPT's own model, with a vocabulary of pixels:
//! its class token (the digit, or [`UNNAMED`]), then 14 × 14 pixels in raster order, each the
//! mean of a 2 × 2 block of the 28 × 28 digit at one of four grey levels. 14 × 14 at four levels
//! keeps a digit's sequence at 196 tokens (28 × 28 would be 784: sixteen times the attention's
//! work) and the judge still reads such digits, upscaled, at 96.9 % (MODELS.md).
//! `tools/prepare_data.py pixeles` writes the training text the same way; a test holds the two
//! to the same lines.

/// The grey levels, from black to white, as the text writes them.
pub const LEVELS: [char; 4] = [' ', '.', '+', '#'];
/// The class token of a digit nobody asked for.
pub const UNNAMED: char = '?';
/// The side of the image the model writes.
pub const SIDE: usize = 14;
/// The side of the images it comes from and is shown at (MNIST's).
pub const FULL: usize = 28;

/// The class token: the digit's numeral, or [`UNNAMED`].
pub fn class_token(class: Option<u8>) -> char {
    match class {
        Some(c) if c < 10 => char::from(b'0' + c),
        Some(c) => panic!("class {c} is not a digit"),
        None => UNNAMED,
    }
}

/// The class a token names (`None` for [`UNNAMED`]), or why it is no class token.
pub fn class_of(token: char) -> Result<Option<u8>, String> {
    match token {
        UNNAMED => Ok(None),
        '0'..='9' => Ok(Some(token as u8 - b'0')),
        _ => Err(format!("{token:?} is no class token")),
    }
}

/// A 28 × 28 digit of bytes (0 black … 255 white) and its class as a line (no newline).
pub fn encode(pixels: &[u8], class: Option<u8>) -> String {
    assert_eq!(pixels.len(), FULL * FULL, "a 28 × 28 digit");
    let mut line = String::with_capacity(1 + SIDE * SIDE);
    line.push(class_token(class));
    for y in (0..FULL).step_by(2) {
        for x in (0..FULL).step_by(2) {
            let at = |dy: usize, dx: usize| f64::from(pixels[(y + dy) * FULL + x + dx]);
            let mean = (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4.0 / 255.0;
            // Rounding half up, as the data builder does.
            let level = ((mean * 3.0 + 0.5).floor() as usize).min(3);
            line.push(LEVELS[level]);
        }
    }
    line
}

/// The grey value (0 … 1) of a pixel token, or `None` for a character that is not one.
pub fn level_of(token: char) -> Option<f32> {
    LEVELS
        .iter()
        .position(|&c| c == token)
        .map(|i| i as f32 / 3.0)
}

/// The pixels written so far (tokens after the class token, at most 196), as a 28 × 28 image in
/// 0 … 1, each pixel a 2 × 2 block; pixels not written yet are black. Errors name the first
/// character that is not a pixel.
pub fn decode(pixels: &str) -> Result<Vec<f32>, String> {
    let mut image = vec![0.0; FULL * FULL];
    for (i, token) in pixels.chars().take(SIDE * SIDE).enumerate() {
        let value = level_of(token).ok_or_else(|| format!("{token:?} at pixel {i} is no pixel"))?;
        let (y, x) = (i / SIDE * 2, i % SIDE * 2);
        for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            image[(y + dy) * FULL + x + dx] = value;
        }
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_tokens_round_trip() {
        for c in 0..10 {
            assert_eq!(class_of(class_token(Some(c))), Ok(Some(c)));
        }
        assert_eq!(class_of(class_token(None)), Ok(None));
        assert!(class_of('#').is_err());
    }

    #[test]
    fn a_digit_round_trips_through_its_levels() {
        // Every 2 × 2 block one grey value: exactly one level each, in raster order.
        let mut pixels = vec![0u8; FULL * FULL];
        for (i, p) in pixels.iter_mut().enumerate() {
            let block = (i / FULL / 2) * SIDE + (i % FULL) / 2;
            *p = [0, 85, 170, 255][block % 4];
        }
        let line = encode(&pixels, Some(3));
        assert_eq!(line.chars().count(), 1 + SIDE * SIDE);
        assert!(line.starts_with("3 .+# .+#"));
        let image = decode(&line[1..]).unwrap();
        let back: Vec<u8> = image.iter().map(|v| (v * 255.0).round() as u8).collect();
        assert_eq!(back, pixels);
        assert_eq!(encode(&back, Some(3)), line);
    }

    #[test]
    fn a_partly_written_digit_is_black_after_its_last_pixel() {
        let image = decode("##").unwrap();
        assert_eq!(&image[..4], &[1.0, 1.0, 1.0, 1.0]);
        assert_eq!(image[4], 0.0);
        assert_eq!(image[FULL], 1.0);
        assert!(decode("#x").unwrap_err().contains("pixel 1"));
    }
}
