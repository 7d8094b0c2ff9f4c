//! Writing images for people and for numpy: a grid of 28×28 samples, an 8-bit grey PNG
//! (compressed, by the `png` crate) and a `.npy` array of bytes.

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
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, image.width as u32, image.height as u32);
    encoder.set_color(::png::ColorType::Grayscale);
    encoder.set_depth(::png::BitDepth::Eight);
    encoder.set_compression(::png::Compression::Balanced);
    // Writing to memory fails only on an inconsistent header, which `GreyImage` rules out.
    let mut writer = encoder.write_header().expect("valid PNG header");
    writer
        .write_image_data(&image.pixels)
        .expect("width × height grey pixels");
    writer.finish().expect("PNG written to memory");
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn png_decodes_to_the_same_pixels_and_is_compressed() {
        let mut images = vec![0u8; 4 * PIXELS];
        images[..PIXELS].fill(9);
        images[2 * PIXELS + 5] = 255;
        let image = grid(&images, 2);
        let file = png(&image);
        assert!(file.len() < image.pixels.len() / 4, "{} bytes", file.len());
        let mut reader = ::png::Decoder::new(std::io::Cursor::new(file))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(
            (info.width as usize, info.height as usize),
            (image.width, image.height)
        );
        assert_eq!(info.color_type, ::png::ColorType::Grayscale);
        assert_eq!(pixels, image.pixels);
    }

    #[test]
    fn npy_has_its_header() {
        let npy = npy_u8(&[2, 28, 28], &vec![1u8; 2 * PIXELS]);
        let header_len = u16::from_le_bytes([npy[8], npy[9]]) as usize;
        assert_eq!((10 + header_len) % 64, 0);
        assert!(String::from_utf8_lossy(&npy[10..10 + header_len]).contains("(2, 28, 28)"));
        assert_eq!(npy.len(), 10 + header_len + 2 * PIXELS);
    }
}
