//! The seller's logo on documents: PNG or JPEG, checked and read for embedding.

use super::*;

/// A logo ready for the PDF: its samples as the file stores them (JPEG) or compressed (PNG).
pub(super) struct Logo {
    pub(super) data: Vec<u8>,
    pub(super) filter: Filter,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) components: u8,
    pub(super) alpha: Option<Vec<u8>>,
}

/// Checks that a logo file can be printed.
pub(crate) fn check_logo(path: &Path) -> Result<()> {
    load_logo(path).map(|_| ())
}

/// Reads a PNG or JPEG logo; the error says what is wrong with the file.
pub(super) fn load_logo(path: &Path) -> Result<Logo> {
    let bad =
        |why: String| Error::invalid("logo_path", format!("the logo {}: {why}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot be read ({e})")))?;
    if bytes.starts_with(&[0xFF, 0xD8]) {
        // JPEG: the file goes in as it is; its size and colours come from the frame header.
        let mut i = 2;
        while i + 9 < bytes.len() {
            if bytes[i] != 0xFF {
                i += 1;
                continue;
            }
            let marker = bytes[i + 1];
            let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
            if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
                let height = u32::from(u16::from_be_bytes([bytes[i + 5], bytes[i + 6]]));
                let width = u32::from(u16::from_be_bytes([bytes[i + 7], bytes[i + 8]]));
                let components = bytes[i + 9];
                return Ok(Logo {
                    data: bytes,
                    filter: Filter::DctDecode,
                    width,
                    height,
                    components,
                    alpha: None,
                });
            }
            i += 2 + length;
        }
        return Err(bad("is a JPEG without a frame header".into()));
    }
    if bytes.starts_with(b"\x89PNG") {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder
            .read_info()
            .map_err(|e| bad(format!("is not a readable PNG ({e})")))?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| bad("is too large".into()))?;
        let mut buf = vec![0; size];
        let info = reader
            .next_frame(&mut buf)
            .map_err(|e| bad(format!("is not a readable PNG ({e})")))?;
        buf.truncate(info.buffer_size());
        let (samples, alpha, components) = match info.color_type {
            png::ColorType::Rgb => (buf, None, 3),
            png::ColorType::Grayscale => (buf, None, 1),
            png::ColorType::Rgba => {
                let rgb = buf
                    .chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect();
                let a = buf.chunks_exact(4).map(|p| p[3]).collect();
                (rgb, Some(a), 3)
            }
            png::ColorType::GrayscaleAlpha => {
                let g = buf.chunks_exact(2).map(|p| p[0]).collect();
                let a = buf.chunks_exact(2).map(|p| p[1]).collect();
                (g, Some(a), 1)
            }
            png::ColorType::Indexed => {
                return Err(bad("uses a palette this reader did not expand".into()));
            }
        };
        let level = miniz_oxide::deflate::CompressionLevel::DefaultLevel as u8;
        return Ok(Logo {
            data: miniz_oxide::deflate::compress_to_vec_zlib(&samples, level),
            filter: Filter::FlateDecode,
            width: info.width,
            height: info.height,
            components,
            alpha: alpha.map(|a: Vec<u8>| miniz_oxide::deflate::compress_to_vec_zlib(&a, level)),
        });
    }
    Err(bad("is neither a PNG nor a JPEG file".into()))
}
