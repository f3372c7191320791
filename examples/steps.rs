use std::io::{BufRead, Read};
use std::time::Instant;
fn main() {
    let path = "target/bench/passthrough-200mb.jsonl.zst";
    let t = Instant::now();
    let mut raw = Vec::new();
    zstd::stream::read::Decoder::new(std::fs::File::open(path).unwrap()).unwrap().read_to_end(&mut raw).unwrap();
    println!("decompress {:.3}", t.elapsed().as_secs_f64());
    let lines: Vec<&[u8]> = raw.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    let t = Instant::now();
    let mut n = 0;
    for l in &lines { n += std::str::from_utf8(l).unwrap().len(); }
    println!("from_utf8 {:.3} {n}", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let mut maps = Vec::new();
    for l in &lines { let m: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(l).unwrap(); maps.push(m); }
    println!("parse map {:.3}", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let mut out = Vec::with_capacity(raw.len() + 1000);
    for m in &maps { serde_json::to_writer(&mut out, m).unwrap(); out.push(b'\n'); }
    println!("serialize {:.3}", t.elapsed().as_secs_f64());
    for level in [-7, -3, -1, 1, 2, 3] {
        let t = Instant::now();
        let mut c = zstd::bulk::Compressor::new(level).unwrap();
        let mut total = 0;
        for chunk in out.chunks(4 << 20) { total += c.compress(chunk).unwrap().len(); }
        println!("compress level {level} {:.3} ratio {:.2}", t.elapsed().as_secs_f64(), out.len() as f64 / total as f64);
    }
    let t = Instant::now();
    let mut k = 0;
    for m in &maps { if eurocurate::stages::normalize::nfc_stable_fast(m["text"].as_str().unwrap()) { k += 1; } }
    println!("nfc fast {:.3} {k}", t.elapsed().as_secs_f64());
    let _ = std::io::stdin().lock().lines();
}
