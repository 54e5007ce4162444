//! Face engine benchmark: model load time, time per verification (detect +
//! align + embed) on each photo, the scores between the photos' largest
//! faces, and the peak resident memory.
//!
//! Usage: face_bench [MODELS_DIR [PHOTOS_DIR]]; both default to
//! $BP_TEST_FACE_ASSETS/{models,testimg} (BP_TEST_FACE_ASSETS defaults to
//! /var/tmp/bastion-profile-face). Run it in release: debug builds are
//! many times slower.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use server::face::engine::{decode_image, Embedding, Models};

const WARM_UP_RUNS: usize = 3;
const TIMED_RUNS: usize = 30;

fn main() -> Result<(), Box<dyn Error>> {
    let assets = std::env::var_os("BP_TEST_FACE_ASSETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/bastion-profile-face"));
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let models_dir = args.next().unwrap_or_else(|| assets.join("models"));
    let photos_dir = args.next().unwrap_or_else(|| assets.join("testimg"));

    let started = Instant::now();
    let models = Models::load(&models_dir)?;
    println!("model load: {:.0} ms ({})", ms(started.elapsed()), models_dir.display());

    let photos = photos_in(&photos_dir)?;
    if photos.is_empty() {
        return Err(format!("no JPEG or PNG photos in {}", photos_dir.display()).into());
    }
    println!(
        "per verification (detect + align + embed of the largest face), {TIMED_RUNS} runs \
         after {WARM_UP_RUNS} warm-up runs:"
    );
    let mut all = Vec::new();
    let mut embeddings: Vec<(String, Embedding)> = Vec::new();
    for path in &photos {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let img = decode_image(&std::fs::read(path)?)?;
        let verify = || -> Result<(usize, Option<Embedding>), Box<dyn Error>> {
            let faces = models.detect(&img)?;
            let embedding = match faces.first() {
                Some(face) => Some(models.embed(&img, face)?),
                None => None,
            };
            Ok((faces.len(), embedding))
        };
        for _ in 0..WARM_UP_RUNS {
            verify()?;
        }
        let mut times = Vec::with_capacity(TIMED_RUNS);
        let mut last = (0, None);
        for _ in 0..TIMED_RUNS {
            let t = Instant::now();
            last = verify()?;
            times.push(ms(t.elapsed()));
        }
        let (faces, embedding) = last;
        println!(
            "  {name:<14} {:>4}x{:<4} {faces} face(s)  {}",
            img.width(),
            img.height(),
            summary(&mut times)
        );
        all.extend(times);
        if let Some(e) = embedding {
            embeddings.push((name, e));
        }
    }
    println!("  {:<14} {:>16}  {}", "all photos", "", summary(&mut all));

    println!("cosine between the largest faces:");
    for (i, (a, ea)) in embeddings.iter().enumerate() {
        for (b, eb) in &embeddings[i + 1..] {
            println!("  {a:<14} {b:<14} {:.4}", ea.cosine(eb));
        }
    }
    match peak_memory_kib() {
        Some(kib) => println!("peak memory (VmHWM): {:.1} MB", kib as f64 / 1024.0),
        None => println!("peak memory: unavailable (no /proc/self/status)"),
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(times: &mut [f64]) -> String {
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    let at = |q: f64| {
        let ix = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(ix).copied().unwrap_or(f64::NAN)
    };
    format!("mean {mean:6.1} ms  p50 {:6.1} ms  p95 {:6.1} ms", at(0.5), at(0.95))
}

fn photos_in(dir: &Path) -> Result<Vec<PathBuf>, Box<dyn Error>> {
    let mut photos: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the photos directory {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "jpg" | "jpeg" | "png"))
        })
        .collect();
    photos.sort();
    Ok(photos)
}

/// The process's peak resident set size, from Linux's /proc.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
