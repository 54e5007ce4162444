//! YuNet pre- and post-processing: letterboxing into the fixed detector
//! input, decoding the per-stride heads, non-maximum suppression.

use image::RgbImage;

use super::raster;
use super::Face;

/// Side of the square detector input; the plan is built for this size only.
pub(super) const INPUT_SIDE: usize = 640;
pub(super) const STRIDES: [usize; 3] = [8, 16, 32];
/// The output heads, in the order `decode` takes them.
pub(super) const HEADS: [&str; 4] = ["cls", "obj", "bbox", "kps"];
const SCORE_THRESHOLD: f32 = 0.6;
const NMS_IOU: f32 = 0.3;

/// The detector input (NCHW, BGR, 0-255) and the factors that map its
/// coordinates back onto the image.
pub(super) struct Letterbox {
    pub data: Vec<f32>,
    pub scale_x: f32,
    pub scale_y: f32,
}

/// Scales `img` so its longer side fills the input, top-left, zero padded:
/// one plan then fits any aspect ratio.
pub(super) fn letterbox(img: &RgbImage) -> Letterbox {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let longer = w.max(h).max(1) as f32;
    let side = INPUT_SIDE as f32;
    let new_w = ((w as f32 * side / longer).round() as usize).clamp(1, INPUT_SIDE);
    let new_h = ((h as f32 * side / longer).round() as usize).clamp(1, INPUT_SIDE);
    let resized = raster::resize_bilinear(img, new_w, new_h);
    let plane = INPUT_SIDE * INPUT_SIDE;
    let mut data = vec![0.0f32; 3 * plane];
    for y in 0..new_h {
        for x in 0..new_w {
            let px = resized[y * new_w + x];
            let at = y * INPUT_SIDE + x;
            // The model was trained on OpenCV's BGR order.
            data[at] = px[2];
            data[plane + at] = px[1];
            data[2 * plane + at] = px[0];
        }
    }
    Letterbox {
        data,
        scale_x: new_w as f32 / w.max(1) as f32,
        scale_y: new_h as f32 / h.max(1) as f32,
    }
}

/// The four heads of one stride, each flattened `[N, k]`.
pub(super) struct StrideOutputs<'a> {
    pub stride: usize,
    pub cls: &'a [f32],
    pub obj: &'a [f32],
    pub bbox: &'a [f32],
    pub kps: &'a [f32],
}

/// Turns the raw heads into faces in image pixels, largest first.
pub(super) fn decode(heads: &[StrideOutputs<'_>], scale_x: f32, scale_y: f32) -> Vec<Face> {
    let mut candidates = Vec::new();
    for head in heads {
        let cols = INPUT_SIDE / head.stride;
        let s = head.stride as f32;
        for idx in 0..cols * cols {
            let (Some(&cls), Some(&obj)) = (head.cls.get(idx), head.obj.get(idx)) else {
                break;
            };
            let score = (cls.clamp(0.0, 1.0) * obj.clamp(0.0, 1.0)).sqrt();
            if score.is_nan() || score < SCORE_THRESHOLD {
                continue;
            }
            let (Some(bbox), Some(kps)) =
                (head.bbox.get(idx * 4..idx * 4 + 4), head.kps.get(idx * 10..idx * 10 + 10))
            else {
                break;
            };
            let (r, c) = ((idx / cols) as f32, (idx % cols) as f32);
            let cx = (c + bbox[0]) * s;
            let cy = (r + bbox[1]) * s;
            let w = bbox[2].exp() * s;
            let h = bbox[3].exp() * s;
            let mut landmarks = [[0.0f32; 2]; 5];
            for (n, lm) in landmarks.iter_mut().enumerate() {
                *lm = [(kps[2 * n] + c) * s / scale_x, (kps[2 * n + 1] + r) * s / scale_y];
            }
            let face = Face {
                score,
                x: (cx - w / 2.0) / scale_x,
                y: (cy - h / 2.0) / scale_y,
                width: w / scale_x,
                height: h / scale_y,
                landmarks,
            };
            if [face.x, face.y, face.width, face.height].iter().all(|v| v.is_finite()) {
                candidates.push(face);
            }
        }
    }
    let mut faces = non_maximum_suppression(candidates, NMS_IOU);
    faces.sort_by(|a, b| (b.width * b.height).total_cmp(&(a.width * a.height)));
    faces
}

/// Keeps the best-scoring box of every cluster of boxes overlapping by more
/// than `iou`: the heads fire on several neighbouring cells per face.
pub(super) fn non_maximum_suppression(mut faces: Vec<Face>, iou: f32) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for face in faces {
        if kept.iter().all(|k| intersection_over_union(k, &face) <= iou) {
            kept.push(face);
        }
    }
    kept
}

pub(super) fn intersection_over_union(a: &Face, b: &Face) -> f32 {
    let ix = ((a.x + a.width).min(b.x + b.width) - a.x.max(b.x)).max(0.0);
    let iy = ((a.y + a.height).min(b.y + b.height) - a.y.max(b.y)).max(0.0);
    let inter = ix * iy;
    let union = a.width * a.height + b.width * b.height - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}
