//! Face alignment as OpenCV's `FaceRecognizerSF::alignCrop` does it: the
//! five landmarks are fitted onto a fixed template by a similarity
//! transform, and the crop is warped into the recogniser's 112x112 input.

use image::{Rgb, RgbImage};

/// Side of the aligned crop SFace takes.
pub const CROP_SIDE: u32 = 112;

/// Where the landmarks of a frontal face sit in the 112x112 crop (right eye,
/// left eye, nose tip, right and left mouth corners): SFace was trained on
/// crops made with these points.
pub const TEMPLATE: [[f32; 2]; 5] = [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
];

/// The least-squares similarity transform (rotation, uniform scale,
/// translation; never a reflection) taking `src` onto `dst`, as a 2x3 matrix
/// `[[a, -b, tx], [b, a, ty]]`.
///
/// Closed form of Umeyama's method in 2-D: with both point sets centred,
/// `a + ib` is the complex ratio minimising the squared error. When all
/// `src` points coincide no rotation or scale is defined; the result is then
/// the translation between the centroids.
pub fn similarity_transform(src: &[[f32; 2]; 5], dst: &[[f32; 2]; 5]) -> [[f32; 3]; 2] {
    let n = src.len() as f64;
    let mean = |pts: &[[f32; 2]; 5]| {
        let (sx, sy) =
            pts.iter().fold((0.0, 0.0), |(x, y), p| (x + f64::from(p[0]), y + f64::from(p[1])));
        (sx / n, sy / n)
    };
    let (msx, msy) = mean(src);
    let (mdx, mdy) = mean(dst);
    let (mut dot, mut cross, mut var) = (0.0f64, 0.0f64, 0.0f64);
    for (s, d) in src.iter().zip(dst) {
        let (sx, sy) = (f64::from(s[0]) - msx, f64::from(s[1]) - msy);
        let (dx, dy) = (f64::from(d[0]) - mdx, f64::from(d[1]) - mdy);
        dot += sx * dx + sy * dy;
        cross += sx * dy - sy * dx;
        var += sx * sx + sy * sy;
    }
    let (a, b) = if var > 1e-12 { (dot / var, cross / var) } else { (1.0, 0.0) };
    let tx = mdx - (a * msx - b * msy);
    let ty = mdy - (b * msx + a * msy);
    [[a as f32, -b as f32, tx as f32], [b as f32, a as f32, ty as f32]]
}

/// Applies the 2x3 affine `m` to a point.
pub fn apply(m: &[[f32; 3]; 2], p: [f32; 2]) -> [f32; 2] {
    [m[0][0] * p[0] + m[0][1] * p[1] + m[0][2], m[1][0] * p[0] + m[1][1] * p[1] + m[1][2]]
}

/// The inverse of the affine `m`, or `None` when it collapses the plane.
pub fn invert(m: &[[f32; 3]; 2]) -> Option<[[f32; 3]; 2]> {
    let [[a, b, tx], [c, d, ty]] = m.map(|row| row.map(f64::from));
    let det = a * d - b * c;
    if !det.is_finite() || det.abs() < 1e-12 {
        return None;
    }
    let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
    let inv = [[ia, ib, -(ia * tx + ib * ty)], [ic, id, -(ic * tx + id * ty)]];
    Some(inv.map(|row| row.map(|v| v as f32)))
}

/// Warps `img` by `m` (image pixels to output pixels) into a `width` x
/// `height` image: bilinear sampling, black outside the source, rounded as
/// OpenCV's `warpAffine` on 8-bit images. `None` when `m` is not invertible.
pub fn warp(img: &RgbImage, m: &[[f32; 3]; 2], width: u32, height: u32) -> Option<RgbImage> {
    let inv = invert(m)?;
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    let pixel = |x: i64, y: i64| -> [f32; 3] {
        if x < 0 || y < 0 || x >= w || y >= h {
            [0.0; 3]
        } else {
            // In range: both are below the u32 dimensions.
            img.get_pixel(x as u32, y as u32).0.map(f32::from)
        }
    };
    let mut out = RgbImage::new(width, height);
    for (u, v, px) in out.enumerate_pixels_mut() {
        let [sx, sy] = apply(&inv, [u as f32, v as f32]);
        if !sx.is_finite() || !sy.is_finite() {
            continue;
        }
        let (fx0, fy0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - fx0, sy - fy0);
        // Far outside the source every tap is black; skipping also keeps the
        // float-to-int conversion meaningful.
        if fx0 < -2.0 || fy0 < -2.0 || fx0 > w as f32 + 1.0 || fy0 > h as f32 + 1.0 {
            continue;
        }
        let (x0, y0) = (fx0 as i64, fy0 as i64);
        let (p00, p10, p01, p11) =
            (pixel(x0, y0), pixel(x0 + 1, y0), pixel(x0, y0 + 1), pixel(x0 + 1, y0 + 1));
        let mut rgb = [0u8; 3];
        for (ch, value) in rgb.iter_mut().enumerate() {
            let top = p00[ch] * (1.0 - fx) + p10[ch] * fx;
            let bottom = p01[ch] * (1.0 - fx) + p11[ch] * fx;
            *value = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
        }
        *px = Rgb(rgb);
    }
    Some(out)
}

/// The aligned 112x112 crop of the face with these landmarks.
pub fn crop(img: &RgbImage, landmarks: &[[f32; 2]; 5]) -> Option<RgbImage> {
    if landmarks.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    // Coinciding landmarks define no scale or rotation to align by.
    let [x0, y0] = landmarks[0];
    let spread =
        landmarks.iter().map(|[x, y]| (x - x0).abs() + (y - y0).abs()).fold(0.0f32, f32::max);
    if spread < 1e-3 {
        return None;
    }
    let m = similarity_transform(landmarks, &TEMPLATE);
    warp(img, &m, CROP_SIDE, CROP_SIDE)
}
