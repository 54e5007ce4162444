use std::path::PathBuf;
use std::sync::OnceLock;

use image::{Rgb, RgbImage};

use super::align::{self, TEMPLATE};
use super::*;

// ---------------------------------------------------------------- geometry

fn transform(angle: f32, scale: f32, t: [f32; 2]) -> [[f32; 3]; 2] {
    let (s, c) = angle.sin_cos();
    [[scale * c, -scale * s, t[0]], [scale * s, scale * c, t[1]]]
}

fn assert_close(a: &[[f32; 3]; 2], b: &[[f32; 3]; 2], tol: f32) {
    for (ra, rb) in a.iter().zip(b) {
        for (x, y) in ra.iter().zip(rb) {
            assert!((x - y).abs() <= tol, "{a:?} != {b:?}");
        }
    }
}

#[test]
fn similarity_transform_recovers_a_known_transform() {
    let src = [[120.0, 80.0], [190.0, 95.0], [150.0, 130.0], [125.0, 170.0], [180.0, 175.0]];
    let truth = transform(0.35, 0.62, [-31.0, 17.5]);
    let dst = src.map(|p| align::apply(&truth, p));
    assert_close(&align::similarity_transform(&src, &dst), &truth, 1e-3);
}

#[test]
fn similarity_transform_of_the_template_onto_itself_is_the_identity() {
    let m = align::similarity_transform(&TEMPLATE, &TEMPLATE);
    assert_close(&m, &[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], 1e-4);
}

#[test]
fn similarity_transform_never_reflects() {
    // A mirrored face can only be matched exactly by a reflection.
    let mirrored = TEMPLATE.map(|[x, y]| [112.0 - x, y]);
    let m = align::similarity_transform(&mirrored, &TEMPLATE);
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    assert!(det > 0.0, "determinant {det}");
    assert!((m[0][0] - m[1][1]).abs() < 1e-6 && (m[0][1] + m[1][0]).abs() < 1e-6);
    let residual: f32 = mirrored
        .iter()
        .zip(&TEMPLATE)
        .map(|(s, d)| {
            let p = align::apply(&m, *s);
            (p[0] - d[0]).hypot(p[1] - d[1])
        })
        .sum();
    assert!(residual > 10.0, "a reflection slipped in: residual {residual}");
}

/// Pixel (x, y) holds (x, y, 7), so a sample tells where it was taken.
fn coordinate_image(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| Rgb([x as u8, y as u8, 7]))
}

#[test]
fn warp_samples_the_source_pixels_through_the_inverse_transform() {
    let img = coordinate_image(200, 200);
    // Output pixel (u, v) shows source pixel (2u + 10, 2v + 20).
    let m = [[0.5, 0.0, -5.0], [0.0, 0.5, -10.0]];
    let out = align::warp(&img, &m, 50, 40).unwrap();
    assert_eq!(out.dimensions(), (50, 40));
    assert_eq!(out.get_pixel(0, 0).0, [10, 20, 7]);
    assert_eq!(out.get_pixel(13, 29).0, [36, 78, 7]);
    assert_eq!(out.get_pixel(49, 39).0, [108, 98, 7]);
}

#[test]
fn warp_interpolates_between_pixels_and_is_black_outside() {
    let img = coordinate_image(100, 100);
    // Half a pixel to the right: the mean of two neighbours.
    let out = align::warp(&img, &[[1.0, 0.0, -0.5], [0.0, 1.0, 0.0]], 10, 10).unwrap();
    assert_eq!(out.get_pixel(3, 4).0, [4, 4, 7]); // 3.5 rounds up
                                                  // Shifted far away: nothing of the source is left.
    let away = align::warp(&img, &[[1.0, 0.0, 500.0], [0.0, 1.0, 0.0]], 10, 10).unwrap();
    assert!(away.pixels().all(|p| p.0 == [0, 0, 0]));
    // Rotated a quarter turn about the origin: (u, v) shows (v, -u), black
    // except on the first column.
    let turned = align::warp(&img, &transform(std::f32::consts::FRAC_PI_2, 1.0, [0.0; 2]), 5, 5);
    let turned = turned.unwrap();
    assert_eq!(turned.get_pixel(0, 3).0, [3, 0, 7]);
    assert_eq!(turned.get_pixel(2, 3).0, [0, 0, 0]);
    assert!(align::warp(&img, &[[0.0; 3]; 2], 5, 5).is_none());
}

#[test]
fn crop_puts_the_landmarks_on_the_template() {
    // Landmarks of a face twice the template's size, 30 px in.
    let landmarks = TEMPLATE.map(|[x, y]| [2.0 * x + 30.0, 2.0 * y + 30.0]);
    let img = coordinate_image(255, 255);
    let crop = align::crop(&img, &landmarks).unwrap();
    assert_eq!(crop.dimensions(), (112, 112));
    // Crop pixel (40, 50) comes from source (110, 130).
    assert_eq!(crop.get_pixel(40, 50).0, [110, 130, 7]);
    assert!(align::crop(&img, &[[5.0, 5.0]; 5]).is_none());
    assert!(align::crop(&img, &[[f32::NAN, 5.0]; 5]).is_none());
}

// ---------------------------------------------------------------- values

fn unit(seed: u32) -> Embedding {
    let mut values = [0.0f32; EMBEDDING_LEN];
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    for v in &mut values {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *v = (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
    }
    Embedding::normalised(values).unwrap()
}

#[test]
fn embeddings_round_trip_through_bytes_and_refuse_bad_ones() {
    let e = unit(3);
    let bytes = e.to_bytes();
    assert_eq!(bytes.len(), 512);
    assert_eq!(Embedding::from_bytes(&bytes), Some(e.clone()));
    assert_eq!(Embedding::from_bytes(&bytes[..511]), None);
    assert_eq!(Embedding::from_bytes(&[bytes.as_slice(), &[0]].concat()), None);
    let mut bad = bytes.clone();
    bad[8..12].copy_from_slice(&f32::NAN.to_le_bytes());
    assert_eq!(Embedding::from_bytes(&bad), None);
    bad[8..12].copy_from_slice(&f32::INFINITY.to_le_bytes());
    assert_eq!(Embedding::from_bytes(&bad), None);
}

#[test]
fn cosine_and_mean_behave_as_on_unit_vectors() {
    let (a, b) = (unit(1), unit(2));
    assert!((a.cosine(&a) - 1.0).abs() < 1e-5);
    assert!((a.cosine(&b) - b.cosine(&a)).abs() < 1e-6);
    assert!(a.cosine(&b).abs() < 0.5);
    assert_eq!(Embedding::mean(&[]), None);
    assert!((Embedding::mean(std::slice::from_ref(&a)).unwrap().cosine(&a) - 1.0).abs() < 1e-5);
    let m = Embedding::mean(&[a.clone(), b.clone()]).unwrap();
    assert!((m.cosine(&m) - 1.0).abs() < 1e-5, "the mean is normalised");
    assert!((m.cosine(&a) - m.cosine(&b)).abs() < 1e-5, "halfway between both");
    assert!(m.cosine(&a) > a.cosine(&b));
}

#[test]
fn embedding_debug_hides_the_values() {
    let e = unit(5);
    let shown = format!("{e:?}");
    assert_eq!(shown, "Embedding(<128 values>)");
}

#[test]
fn brightness_is_the_mean_luma_of_the_clipped_box() {
    let mut img = RgbImage::from_pixel(100, 100, Rgb([0, 0, 0]));
    for y in 50..100 {
        for x in 50..100 {
            img.put_pixel(x, y, Rgb([200, 200, 200]));
        }
    }
    let face = |x: f32, y: f32, w: f32, h: f32| Face {
        score: 1.0,
        x,
        y,
        width: w,
        height: h,
        landmarks: [[0.0; 2]; 5],
    };
    assert!((brightness(&img, &face(60.0, 60.0, 20.0, 20.0)) - 200.0).abs() < 0.1);
    assert!((brightness(&img, &face(0.0, 50.0, 100.0, 50.0)) - 100.0).abs() < 0.1);
    // Hanging over the bottom-right corner: only the lit part counts.
    assert!((brightness(&img, &face(80.0, 80.0, 500.0, 500.0)) - 200.0).abs() < 0.1);
    assert_eq!(brightness(&img, &face(300.0, 300.0, 20.0, 20.0)), 0.0);
    assert_eq!(brightness(&img, &face(f32::NAN, 0.0, f32::INFINITY, 10.0)), 0.0);
}

#[test]
fn models_are_shareable_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Models>();
}

// ---------------------------------------------------------------- decoding

fn encode(img: &RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn decode_image_reads_jpeg_and_png() {
    let img = RgbImage::from_fn(64, 48, |x, y| Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
    assert_eq!(decode_image(&encode(&img, image::ImageFormat::Png)).unwrap(), img);
    let jpeg = decode_image(&encode(&img, image::ImageFormat::Jpeg)).unwrap();
    assert_eq!(jpeg.dimensions(), (64, 48));
}

#[test]
fn decode_image_refuses_garbage_and_oversized_images() {
    let is_image_error = |r: Result<RgbImage, EngineError>| matches!(r, Err(EngineError::Image(_)));
    assert!(is_image_error(decode_image(b"certainly not a picture")));
    assert!(is_image_error(decode_image(&[])));
    let png = encode(&RgbImage::new(32, 32), image::ImageFormat::Png);
    assert!(is_image_error(decode_image(&png[..png.len() / 2])), "truncated PNG");
    let mut jpeg = encode(&RgbImage::new(32, 32), image::ImageFormat::Jpeg);
    jpeg.truncate(jpeg.len() / 3);
    assert!(is_image_error(decode_image(&jpeg)), "truncated JPEG");
    let wide = encode(&RgbImage::new(4097, 4), image::ImageFormat::Png);
    let err = decode_image(&wide).unwrap_err();
    assert!(matches!(err, EngineError::Image(_)), "{err:?}");
    assert!(err.to_string().contains("4096"), "{err}");
    let tall = encode(&RgbImage::new(4, 4097), image::ImageFormat::Png);
    assert!(is_image_error(decode_image(&tall)));
    let wide_jpeg = encode(&RgbImage::new(4100, 8), image::ImageFormat::Jpeg);
    assert!(is_image_error(decode_image(&wide_jpeg)));
    let huge = [png.as_slice(), &vec![0u8; 8 * 1024 * 1024]].concat();
    assert!(is_image_error(decode_image(&huge)), "more than 8 MiB of input");
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    assert!(is_image_error(decode_image(gif)), "neither JPEG nor PNG");
}

// ---------------------------------------------------------------- loading

#[test]
fn load_reports_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = Models::load(dir.path()).err().unwrap();
    assert!(matches!(&err, LoadError::Missing(p) if p.ends_with(DETECTOR_FILE)), "{err:?}");
    assert!(err.to_string().contains("is missing"), "{err}");
}

#[test]
fn load_refuses_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DETECTOR_FILE), b"not a model").unwrap();
    let err = Models::load(dir.path()).err().unwrap();
    assert!(matches!(&err, LoadError::Invalid { file, .. } if file.ends_with(DETECTOR_FILE)));
    assert!(err.to_string().contains("SHA-256"), "{err}");
}

#[test]
fn load_refuses_a_file_that_is_not_the_pinned_model() {
    let Some(assets) = assets_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let models = assets.join("models");
    // The right detector, and the detector again under the recogniser's name.
    std::fs::copy(models.join(DETECTOR_FILE), dir.path().join(DETECTOR_FILE)).unwrap();
    std::fs::copy(models.join(DETECTOR_FILE), dir.path().join(RECOGNIZER_FILE)).unwrap();
    let err = Models::load(dir.path()).err().unwrap();
    match &err {
        LoadError::Invalid { file, reason } => {
            assert!(file.ends_with(RECOGNIZER_FILE), "{err:?}");
            assert!(reason.contains("SHA-256"), "{reason}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    eprintln!("wrong model file: {err}");
}

// ---------------------------------------------------------------- photos

/// The directory holding models/ and testimg/, or `None` (after a loud note)
/// when it is absent outside CI.
fn assets_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("BP_TEST_FACE_ASSETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/bastion-profile-face"));
    if dir.join("models").is_dir() && dir.join("testimg").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("face assets missing in {}: run scripts/fetch-face-assets.sh", dir.display());
    }
    // Straight to the stderr handle: libtest captures `eprintln!` of passing
    // tests, and a skip nobody sees is a silent pass.
    static NOTE: std::sync::Once = std::sync::Once::new();
    NOTE.call_once(|| {
        let note = format!(
            "\n*** SKIPPED the face photo tests: no assets in {0} \
             (run scripts/fetch-face-assets.sh {0}) ***\n\n",
            dir.display()
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
    });
    None
}

fn models() -> Option<&'static Models> {
    static MODELS: OnceLock<Models> = OnceLock::new();
    let dir = assets_dir()?;
    Some(MODELS.get_or_init(|| Models::load(&dir.join("models")).unwrap()))
}

fn photo(name: &str) -> RgbImage {
    let dir = assets_dir().unwrap().join("testimg");
    decode_image(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

/// The embedding of the only face in `img`.
fn single_embedding(models: &Models, img: &RgbImage, what: &str) -> Embedding {
    let faces = models.detect(img).unwrap();
    assert_eq!(faces.len(), 1, "{what}: {faces:?}");
    assert!(faces[0].score >= 0.8, "{what}: {faces:?}");
    models.embed(img, &faces[0]).unwrap()
}

#[test]
fn single_portraits_have_exactly_one_confident_face() {
    let Some(models) = models() else { return };
    for name in ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"] {
        let img = photo(name);
        let faces = models.detect(&img).unwrap();
        eprintln!("{name} ({}x{}): {faces:?}", img.width(), img.height());
        assert_eq!(faces.len(), 1, "{name}: {faces:?}");
        let f = faces[0];
        assert!(f.score >= 0.8, "{name}: {f:?}");
        assert!(f.x >= -f.width * 0.2 && f.x + f.width <= img.width() as f32 * 1.1);
        // Right eye (image left) left of the left eye, eyes above the mouth.
        assert!(f.landmarks[0][0] < f.landmarks[1][0], "{name}: {f:?}");
        assert!(f.landmarks[0][1] < f.landmarks[3][1], "{name}: {f:?}");
        let light = brightness(&img, &f);
        assert!(light > 30.0 && light < 240.0, "{name}: brightness {light}");
    }
}

#[test]
fn group_photo_has_six_faces_largest_first() {
    let Some(models) = models() else { return };
    let faces = models.detect(&photo("t1.jpg")).unwrap();
    let scores: Vec<f32> = faces.iter().map(|f| f.score).collect();
    eprintln!("t1.jpg: {} faces, scores {scores:?}", faces.len());
    assert_eq!(faces.len(), 6, "{faces:?}");
    let areas: Vec<f32> = faces.iter().map(|f| f.width * f.height).collect();
    assert!(areas.windows(2).all(|w| w[0] >= w[1]), "{areas:?}");
}

#[test]
fn same_person_matches_and_different_people_do_not() {
    let Some(models) = models() else { return };
    let names = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"];
    let embeddings: Vec<Embedding> =
        names.iter().map(|n| single_embedding(models, &photo(n), n)).collect();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            let score = embeddings[i].cosine(&embeddings[j]);
            eprintln!("score {} vs {}: {score:.4}", names[i], names[j]);
            let same = names[i].starts_with("obama") == names[j].starts_with("obama");
            if same {
                assert!(score >= DEFAULT_MATCH_THRESHOLD, "{} vs {}: {score}", names[i], names[j]);
            } else {
                assert!(score < DEFAULT_MATCH_THRESHOLD, "{} vs {}: {score}", names[i], names[j]);
            }
        }
    }
    let template = Embedding::mean(&embeddings[1..3]).unwrap();
    let enrolled = template.cosine(&embeddings[0]);
    eprintln!("score obama.jpg vs template(obama2, obama3): {enrolled:.4}");
    assert!(enrolled >= DEFAULT_MATCH_THRESHOLD);
}

#[test]
fn a_slightly_altered_photo_still_matches_itself_closely() {
    let Some(models) = models() else { return };
    let img = photo("obama.jpg");
    let original = single_embedding(models, &img, "obama.jpg");
    let (w, h) = img.dimensions();
    // Cropped by 7% off the top-left, and brighter by 25 levels.
    let (dx, dy) = (w * 7 / 100, h * 7 / 100);
    let mut altered = image::imageops::crop_imm(&img, dx, dy, w - dx, h - dy).to_image();
    for p in altered.pixels_mut() {
        p.0 = p.0.map(|c| c.saturating_add(25));
    }
    let score = original.cosine(&single_embedding(models, &altered, "altered obama.jpg"));
    eprintln!("score obama.jpg vs itself cropped and brightened: {score:.4}");
    assert!(score > 0.9, "{score}");
    // Through a JPEG round trip at a webcam-like size, as the browser sends.
    let small = image::imageops::resize(&img, w / 2, h / 2, image::imageops::FilterType::Triangle);
    let frame = decode_image(&encode(&small, image::ImageFormat::Jpeg)).unwrap();
    let score = original.cosine(&single_embedding(models, &frame, "half-size jpeg"));
    eprintln!("score obama.jpg vs itself half size as JPEG: {score:.4}");
    assert!(score > 0.9, "{score}");
}

#[test]
fn blank_and_noise_images_have_no_face() {
    let Some(models) = models() else { return };
    let mut state = 12_345u32;
    let noise = RgbImage::from_fn(480, 360, |_, _| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let [a, b, c, _] = state.to_le_bytes();
        Rgb([a, b, c])
    });
    for (what, img) in [
        ("black", RgbImage::new(640, 480)),
        ("grey", RgbImage::from_pixel(300, 500, Rgb([128, 128, 128]))),
        ("noise", noise),
        ("empty", RgbImage::new(0, 0)),
    ] {
        let faces = models.detect(&img).unwrap();
        assert!(faces.is_empty(), "{what}: {faces:?}");
    }
}

#[test]
fn inference_from_several_threads_gives_the_same_embedding() {
    let Some(models) = models() else { return };
    let img = photo("biden.jpg");
    let alone = single_embedding(models, &img, "biden.jpg");
    let results: Vec<Embedding> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..2).map(|_| s.spawn(|| single_embedding(models, &img, "biden.jpg"))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for e in results {
        assert!((e.cosine(&alone) - 1.0).abs() < 1e-5);
    }
}
