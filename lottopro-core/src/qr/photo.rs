//! Reading a ticket's QR code from a photo, in bounded time.
//!
//! The decoder (rqrr) tries every plausible triple of finder patterns (the
//! three squares in a code's corners) and copies the whole image for each
//! try, so its cost grows with the pixels times a power of the finder
//! patterns in the image: a 2.6 KB PNG tiled with them kept a core busy for
//! minutes, and the decoder offers no way to stop it. So the work is bounded
//! before it starts: the photo's size is read from its header and refused
//! above [`MAX_PHOTO_PIXELS`], it is scaled to [`PHOTO_SIDE`], and its
//! finder-pattern candidates are counted on the same black-and-white image
//! the decoder searches (one pass with the decoder's own 1:1:3:1:1 test,
//! confirmed down the column) and refused above [`MAX_FINDER_CANDIDATES`].
//! Between the steps the enclosing [`crate::cancel`] scope is checked, so a
//! host that runs this on a thread of its own under a deadline gets the
//! thread back within one step.

use std::io::Cursor;

use crate::cancel;
use crate::error::{Error, Result};

/// The longest side a photo is read at, in pixels: a phone's 12-megapixel
/// photo is scaled down first (a printed ticket's QR code stays readable,
/// and detection takes milliseconds instead of seconds).
pub const PHOTO_SIDE: u32 = 1600;

/// The most pixels a photo may have (16.8 million, 4096 × 4096; a phone's
/// 12-megapixel photo has 12.2 million): larger ones are refused from their
/// header, before a byte of them is decoded.
pub const MAX_PHOTO_PIXELS: u64 = 4096 * 4096;

/// The most finder-pattern candidates a photo may hold. A ticket's code has
/// three; a photo of one ticket shows a few more shapes that pass the
/// row-and-column test (print, glare). Past this the decoder's search would
/// cost seconds to hours, so the photo is refused instead.
pub const MAX_FINDER_CANDIDATES: usize = 12;

/// The most bytes decoding a photo may allocate.
const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;

/// The text of the first QR code found in a PNG or JPEG photo (`bytes`);
/// an error naming `photo` when the image cannot be read, is too large,
/// holds too many finder-pattern candidates or no readable QR code, and
/// `Error::Cancelled` when the enclosing [`crate::cancel`] scope says stop.
pub fn read_image(bytes: &[u8]) -> Result<String> {
    let bad = |m: String| Error::invalid("photo", m);
    let reader = || {
        let reader = image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| bad(format!("cannot be read: {e}")))?;
        if reader.format().is_none() {
            return Err(bad("is not a PNG or JPEG image".into()));
        }
        Ok(reader)
    };
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|e| bad(format!("cannot be read: {e}")))?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PHOTO_PIXELS {
        return Err(bad(format!(
            "is {width} × {height} pixels; at most {:.1} million are read",
            MAX_PHOTO_PIXELS as f64 / 1e6
        )));
    }
    let mut reader = reader()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| bad(format!("cannot be decoded: {e}")))?;
    cancel::check()?;
    let img = if img.width().max(img.height()) > PHOTO_SIDE {
        img.thumbnail(PHOTO_SIDE, PHOTO_SIDE)
    } else {
        img
    };
    let luma = img.to_luma8();
    drop(img);
    cancel::check()?;
    let (w, h) = (luma.width() as usize, luma.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        luma.get_pixel(x as u32, y as u32).0[0]
    });
    drop(luma);
    // The decoder's own colour for light pixels, to read its binarisation.
    let light = rqrr::PreparedImage::prepare_from_bitmap(1, 1, |_, _| false).get_pixel_at(0, 0);
    let dark: Vec<bool> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| prepared.get_pixel_at(x, y) != light)
        .collect();
    let found = finder_candidates(w, h, &dark, MAX_FINDER_CANDIDATES);
    drop(dark);
    if found > MAX_FINDER_CANDIDATES {
        return Err(bad(format!(
            "holds more than {MAX_FINDER_CANDIDATES} squares like a QR code's corners: \
             photograph one ticket's code, filling most of the picture"
        )));
    }
    cancel::check()?;
    for grid in prepared.detect_grids() {
        cancel::check()?;
        if let Ok((_, text)) = grid.decode() {
            return Ok(text);
        }
    }
    Err(bad(
        "holds no readable QR code: photograph the code flat, filling most of the picture".into(),
    ))
}

/// Whether five runs (dark, light, dark, light, dark) are in the ratio
/// 1:1:3:1:1 of a finder pattern, with the decoder's tolerance.
fn finder_ratio(runs: [usize; 5]) -> bool {
    let module = (runs[0] + runs[1] + runs[3] + runs[4]) / 4;
    let slack = module * 3 / 4;
    [1, 1, 3, 1, 1]
        .iter()
        .zip(runs)
        .all(|(k, run)| run + slack >= k * module && run <= k * module + slack)
}

/// The finder-pattern candidates of a `w` × `h` black-and-white image
/// (`dark`, row by row), counting at most `limit + 1`: each row's 1:1:3:1:1
/// runs whose centre column shows the same ratio, one per pattern (hits
/// closer than the pattern's size to a counted one are the same pattern).
fn finder_candidates(w: usize, h: usize, dark: &[bool], limit: usize) -> usize {
    let at = |x: usize, y: usize| dark[y * w + x];
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for y in 0..h {
        // The last five complete runs of this row: (start, length).
        let mut runs = [(0usize, 0usize); 5];
        let mut complete = 0;
        let mut start = 0;
        for x in 1..=w {
            if x < w && at(x, y) == at(start, y) {
                continue;
            }
            runs.rotate_left(1);
            runs[4] = (start, x - start);
            complete += 1;
            let ended_dark = at(start, y);
            start = x;
            if complete < 5 || !ended_dark || !finder_ratio(runs.map(|r| r.1)) {
                continue;
            }
            let (stone_start, stone_len) = runs[2];
            let cx = stone_start + stone_len / 2;
            let Some(cy) = column_centre(h, |y| at(cx, y), y, stone_len * 3) else {
                continue;
            };
            let size = runs.iter().map(|r| r.1).sum::<usize>();
            let known = found.iter().any(|&(fx, fy, fsize)| {
                let reach = size.max(fsize) / 2;
                fx.abs_diff(cx) <= reach && fy.abs_diff(cy) <= reach
            });
            if !known {
                found.push((cx, cy, size));
                if found.len() > limit {
                    return found.len();
                }
            }
        }
    }
    found.len()
}

/// The centre row of the finder pattern whose stone holds row `y` of a
/// column (`dark`, `h` rows), when the column shows 1:1:3:1:1 there; runs
/// longer than `longest` end the search.
fn column_centre(
    h: usize,
    dark: impl Fn(usize) -> bool,
    y: usize,
    longest: usize,
) -> Option<usize> {
    // The length of the run of `colour` starting at `from` going up or down.
    let run = |from: usize, colour: bool, up: bool| {
        let mut n = 0;
        let mut at = from;
        while n <= longest && dark(at) == colour {
            n += 1;
            if up {
                if at == 0 {
                    break;
                }
                at -= 1;
            } else {
                at += 1;
                if at == h {
                    break;
                }
            }
        }
        n
    };
    let up_stone = run(y, true, true);
    let down_stone = run(y, true, false);
    let top = (y + 1).checked_sub(up_stone)?;
    let bottom = y + down_stone;
    let light_up = run(top.checked_sub(1)?, false, true);
    let ring_up = run(top.checked_sub(1 + light_up)?, true, true);
    if bottom >= h {
        return None;
    }
    let light_down = run(bottom, false, false);
    if bottom + light_down >= h {
        return None;
    }
    let ring_down = run(bottom + light_down, true, false);
    let runs = [ring_up, light_up, bottom - top, light_down, ring_down];
    (runs.iter().all(|&r| r > 0 && r <= longest) && finder_ratio(runs))
        .then_some((top + bottom) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `side` × `side` image tiled with finder patterns of `module` pixels.
    fn tiled(side: usize, module: usize) -> Vec<bool> {
        let mut dark = vec![false; side * side];
        let tile = 9 * module;
        for y in 0..side {
            for x in 0..side {
                // Position inside the 7 × 7 pattern, with a module of margin.
                let (u, v) = ((x % tile) / module, (y % tile) / module);
                let inside = (1..=7).contains(&u) && (1..=7).contains(&v);
                let (u, v) = (u.wrapping_sub(1), v.wrapping_sub(1));
                let ring = u == 0 || u == 6 || v == 0 || v == 6;
                let stone = (2..=4).contains(&u) && (2..=4).contains(&v);
                dark[y * side + x] = inside && (ring || stone);
            }
        }
        dark
    }

    #[test]
    fn finder_patterns_are_counted_once_each() {
        // 4 × 4 tiles of 9 modules of 5 pixels.
        let dark = tiled(180, 5);
        assert_eq!(finder_candidates(180, 180, &dark, 100), 16);
        // The count stops just past the limit.
        assert_eq!(finder_candidates(180, 180, &dark, 5), 6);
        // Plain stripes (the row ratio, not the column's) count nothing.
        let stripes: Vec<bool> = (0..100 * 100).map(|i| (i % 100) % 14 < 7).collect();
        assert_eq!(finder_candidates(100, 100, &stripes, 10), 0);
    }

    /// `dark` as a PNG.
    fn png(side: usize, dark: &[bool]) -> Vec<u8> {
        let pixels: Vec<u8> = dark.iter().map(|&d| if d { 0 } else { 255 }).collect();
        let img = image::GrayImage::from_raw(side as u32, side as u32, pixels).unwrap();
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// `png` with its header saying `w` × `h` pixels.
    fn claiming(w: u32, h: u32, mut png: Vec<u8>) -> Vec<u8> {
        png[16..20].copy_from_slice(&w.to_be_bytes());
        png[20..24].copy_from_slice(&h.to_be_bytes());
        let mut crc = !0u32;
        for &b in &png[12..29] {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    0xEDB8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
        png[29..33].copy_from_slice(&(!crc).to_be_bytes());
        png
    }

    #[test]
    fn a_photo_tiled_with_finder_patterns_is_refused_before_the_search() {
        // 800 px of 12-pixel patterns: 49 of them, hours of the decoder's search.
        let started = std::time::Instant::now();
        let e = read_image(&png(800, &tiled(800, 12))).unwrap_err();
        assert!(e.to_string().contains("more than 12 squares"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Too many pixels is refused from the header.
        let e = read_image(&claiming(4100, 4100, png(1, &[false]))).unwrap_err();
        assert!(e.to_string().contains("4100 × 4100 pixels"), "{e}");
        // A scope that says stop stops it.
        let stop = cancel::Cancel::new();
        stop.cancel();
        let e = stop
            .scope(|| read_image(&png(180, &tiled(180, 5))))
            .unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Cancelled);
    }

    #[test]
    fn the_ratio_has_the_decoders_tolerance() {
        assert!(finder_ratio([4, 4, 12, 4, 4]));
        assert!(finder_ratio([3, 5, 11, 4, 4]));
        assert!(!finder_ratio([4, 4, 4, 4, 4]));
        assert!(!finder_ratio([4, 12, 12, 4, 4]));
    }
}
