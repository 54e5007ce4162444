//! Pixel work on decoded images: resizing, planar float tensors, luma.

use image::RgbImage;

use super::Face;

/// Bilinear resize to `new_w` x `new_h`, pixel centres aligned as OpenCV's
/// `INTER_LINEAR` does (the detector's reference pre-processing), edges
/// replicated. Returns row-major RGB floats.
pub(super) fn resize_bilinear(img: &RgbImage, new_w: usize, new_h: usize) -> Vec<[f32; 3]> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 {
        return vec![[0.0; 3]; new_w * new_h];
    }
    let raw = img.as_raw();
    let taps = |out: usize, src: usize| -> Vec<(usize, usize, f32)> {
        let ratio = src as f32 / out.max(1) as f32;
        (0..out)
            .map(|i| {
                let pos = ((i as f32 + 0.5) * ratio - 0.5).max(0.0);
                let lo = (pos.floor() as usize).min(src - 1);
                let hi = (lo + 1).min(src - 1);
                (lo, hi, (pos - lo as f32).clamp(0.0, 1.0))
            })
            .collect()
    };
    let xs = taps(new_w, w);
    let ys = taps(new_h, h);
    let sample = |x: usize, y: usize, ch: usize| f32::from(raw[(y * w + x) * 3 + ch]);
    let mut out = Vec::with_capacity(new_w * new_h);
    for &(y0, y1, fy) in &ys {
        for &(x0, x1, fx) in &xs {
            let mut px = [0.0f32; 3];
            for (ch, v) in px.iter_mut().enumerate() {
                let top = sample(x0, y0, ch) * (1.0 - fx) + sample(x1, y0, ch) * fx;
                let bottom = sample(x0, y1, ch) * (1.0 - fx) + sample(x1, y1, ch) * fx;
                *v = top * (1.0 - fy) + bottom * fy;
            }
            out.push(px);
        }
    }
    out
}

/// The image as an NCHW float tensor, RGB order, 0-255: the layout SFace
/// takes (it normalises internally).
pub(super) fn rgb_planes(img: &RgbImage) -> Vec<f32> {
    let plane = img.width() as usize * img.height() as usize;
    let mut data = vec![0.0f32; 3 * plane];
    for (i, px) in img.pixels().enumerate() {
        for ch in 0..3 {
            data[ch * plane + i] = f32::from(px.0[ch]);
        }
    }
    data
}

/// Mean Rec. 601 luma over the face's box clipped to the image; 0 when the
/// box lies outside it.
pub(super) fn mean_luma(img: &RgbImage, face: &Face) -> f32 {
    let clip = |v: f32, max: u32| -> u32 {
        if v.is_nan() {
            0
        } else {
            // `as` saturates, so huge or negative boxes stay in range.
            (v.max(0.0) as u32).min(max)
        }
    };
    let x0 = clip(face.x.floor(), img.width());
    let y0 = clip(face.y.floor(), img.height());
    let x1 = clip((face.x + face.width).ceil(), img.width());
    let y1 = clip((face.y + face.height).ceil(), img.height());
    let mut sum = 0.0f64;
    let mut count = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let [r, g, b] = img.get_pixel(x, y).0;
            sum += 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
            count += 1;
        }
    }
    if count == 0 {
        0.0
    } else {
        (sum / count as f64) as f32
    }
}
