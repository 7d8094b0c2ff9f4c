//! Writing images for people and for numpy: a grid of 28×28 samples, an 8-bit grey PNG
//! (zlib "stored" blocks: no compressor needed, files stay small at these sizes) and a `.npy`
//! array of bytes.

use crate::image_data::{PIXELS, SIDE};

/// Grey pixels `width × height`, row-major.
pub struct GreyImage {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// `images` (`n × 784` bytes) tiled `cols` per row with a one-pixel black gutter.
pub fn grid(images: &[u8], cols: usize) -> GreyImage {
    let n = images.len() / PIXELS;
    let rows = n.div_ceil(cols.max(1));
    let cell = SIDE + 1;
    let (width, height) = (cols * cell + 1, rows * cell + 1);
    let mut pixels = vec![0u8; width * height];
    for (k, image) in images.chunks_exact(PIXELS).enumerate() {
        let (x0, y0) = (1 + (k % cols) * cell, 1 + (k / cols) * cell);
        for (y, row) in image.chunks_exact(SIDE).enumerate() {
            let start = (y0 + y) * width + x0;
            pixels[start..start + SIDE].copy_from_slice(row);
        }
    }
    GreyImage {
        width,
        height,
        pixels,
    }
}

/// The PNG file of `image`.
pub fn png(image: &GreyImage) -> Vec<u8> {
    let mut raw = Vec::with_capacity((image.width + 1) * image.height);
    for row in image.pixels.chunks_exact(image.width) {
        raw.push(0); // filter: none
        raw.extend_from_slice(row);
    }
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&(image.width as u32).to_be_bytes());
    header.extend_from_slice(&(image.height as u32).to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, deflate, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A `.npy` (format 1.0) file holding `data` as a C-order uint8 array of `shape`.
pub fn npy_u8(shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let tuple = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut header = format!("{{'descr': '|u1', 'fortran_order': False, 'shape': {tuple}, }}");
    // The header, with its 10-byte preamble, is padded with spaces to a multiple of 64.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + byte as u32) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_reference_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn grid_places_each_image_in_its_cell() {
        let mut images = vec![0u8; 3 * PIXELS];
        images[PIXELS..2 * PIXELS].fill(200);
        let g = grid(&images, 2);
        assert_eq!((g.width, g.height), (59, 59));
        assert_eq!(g.pixels[g.width + 1 + SIDE + 1], 200); // second cell, first row
        assert_eq!(g.pixels[g.width + 1], 0);
    }

    #[test]
    fn png_and_npy_have_their_headers() {
        let file = png(&grid(&vec![9u8; PIXELS], 1));
        assert_eq!(&file[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&file[12..16], b"IHDR");
        assert_eq!(&file[file.len() - 8..file.len() - 4], b"IEND");
        let npy = npy_u8(&[2, 28, 28], &vec![1u8; 2 * PIXELS]);
        let header_len = u16::from_le_bytes([npy[8], npy[9]]) as usize;
        assert_eq!((10 + header_len) % 64, 0);
        assert!(String::from_utf8_lossy(&npy[10..10 + header_len]).contains("(2, 28, 28)"));
        assert_eq!(npy.len(), 10 + header_len + 2 * PIXELS);
    }
}
