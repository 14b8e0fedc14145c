//! Fuzzing every reader on stable Rust: the fixtures mutated at random (bytes flipped, cut, repeated, spliced,
//! tokens of the format inserted; the XML inside zip containers mutated and re-zipped) and each mutant read and
//! analysed in process. A panic or an input that takes too long fails the test; the input is saved under
//! `target/fuzz-failures/` and its own seed printed: `NIANBAO_FUZZ_REPLAY=<reader>:<seed>` makes that one input
//! again, on any machine. `NIANBAO_FUZZ_SEED` sets the run's seed, from which every input's seed follows;
//! `NIANBAO_FUZZ_READERS=html,text` fuzzes only those readers.
//!
//! A coverage-guided fuzzer (cargo-fuzz) needs a nightly toolchain, which the project's machines do not install;
//! this harness needs nothing. `NIANBAO_FUZZ_SECONDS` sets the time per reader (default 1 s, so that plain
//! `cargo test` stays quick; `.ci/run` gives it more).

use std::io::{Cursor, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use nianbao::doc::Document;
use nianbao::read::{self, ReadError};

mod common;
use common::root;

/// One input longer than this is a failure: every reader must stay near-linear.
const SLOW: Duration = Duration::from_secs(3);

struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The seed of one input: the run's seed and the input's number mixed (SplitMix64's finaliser), never zero (the
/// generator would stay at zero).
fn input_seed(run: u64, input: u64) -> u64 {
    let mut z = run ^ input.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) | 1
}

/// A reader under test: its seeds, the tokens of its format, and how it reads bytes.
struct Target {
    name: &'static str,
    seeds: Vec<Vec<u8>>,
    tokens: &'static [&'static str],
    /// Mutate the XML inside the zip rather than the zip's bytes.
    zipped: bool,
    read: fn(&[u8]) -> Result<Document, ReadError>,
}

fn files(dir: &str, keep: impl Fn(&Path) -> bool) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("fixture directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && keep(p))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).expect("fixture")).collect()
}

fn extension(path: &Path, ext: &str) -> bool {
    path.to_string_lossy().ends_with(ext)
}

/// Workbooks written by nianbao from the text fixtures: the XLSX seeds.
fn workbook_seeds() -> Vec<Vec<u8>> {
    let catalog = nianbao::template::Catalog::embedded();
    files("fixtures", |p| extension(p, ".txt"))
        .iter()
        .filter_map(|bytes| {
            let report = nianbao::inspect_bytes(bytes, "seed.txt").ok()?;
            let source = nianbao::write::SourceInfo::new("seed.txt", bytes);
            let writer = nianbao::write::OutputFormat::Xlsx.writer(catalog, Default::default());
            writer.files(&report, &source).ok()?.into_iter().find_map(|f| match f {
                nianbao::write::OutputFile::Made { bytes, .. } => Some(bytes),
                nianbao::write::OutputFile::Skipped { .. } => None,
            })
        })
        .collect()
}

fn decoded(bytes: &[u8], read: fn(&str, &str) -> Document) -> Result<Document, ReadError> {
    let text = nianbao::normalize::decode(bytes)?;
    Ok(read(&nianbao::normalize::strip_glosses(&text), "fuzz"))
}

fn targets() -> Vec<Target> {
    let mut text = files("fixtures", |p| extension(p, ".txt"));
    text.extend(files("fixtures/text", |_| true));
    text.extend(files("fixtures/prose", |p| !extension(p, ".md") || !extension(p, ".expect.md")));
    vec![
        Target {
            name: "text",
            seeds: text,
            tokens: &["|", "\n", "一、", "（三）", "9999999999999999999", "\u{feff}", "表三", "合计", "—", "\t", "  "],
            zipped: false,
            read: |b| decoded(b, nianbao::read::text::read_text),
        },
        Target {
            name: "html",
            seeds: files("fixtures/html", |p| extension(p, ".html")),
            tokens: &[
                "<td rowspan=65535 colspan=1000>",
                "<table>",
                "</tr>",
                "<tr>",
                "<b>",
                "<div>",
                "&#0;",
                "<!--",
                "<script>",
                "</td>",
                "<td>",
                "<p>",
            ],
            zipped: false,
            read: |b| decoded(b, nianbao::read::html::read_html),
        },
        Target {
            name: "xlsx",
            seeds: workbook_seeds(),
            tokens: &[
                "<c r=\"XFD1048576\" t=\"s\"><v>99</v></c>",
                "<mergeCell ref=\"A1:XFD1048576\"/>",
                "<v>1e308</v>",
                "<si><t>",
                "</row>",
                "<row r=\"1048576\">",
                "t=\"str\"",
                "<v>NaN</v>",
            ],
            zipped: true,
            read: |b| read::xlsx::read_xlsx(b, "fuzz"),
        },
        Target {
            name: "xls",
            seeds: files("fixtures/xls", |_| true),
            tokens: &["\u{0}\u{0}\u{0}\u{0}", "\u{ff}\u{ff}\u{ff}\u{ff}"],
            zipped: false,
            read: |b| read::xlsx::read_xlsx(b, "fuzz"),
        },
        Target {
            name: "docx",
            seeds: files("fixtures/formats", |p| extension(p, ".docx")),
            tokens: &[
                "<w:tc>",
                "<w:gridSpan w:val=\"9999\"/>",
                "<w:vMerge/>",
                "<w:tbl>",
                "</w:tr>",
                "<w:p>",
                "<w:t>1</w:t>",
            ],
            zipped: true,
            read: |b| read::docx::read_docx(b, "fuzz"),
        },
        Target {
            name: "doc",
            seeds: files("fixtures/formats", |p| extension(p, ".libreoffice.doc") || extension(p, ".wps")),
            tokens: &["\u{7}", "\u{d}", "\u{0}\u{0}\u{0}\u{0}", "\u{ff}\u{ff}\u{ff}\u{ff}"],
            zipped: false,
            read: |b| read::word::read_doc(b, "fuzz"),
        },
        Target {
            name: "rtf",
            seeds: files("fixtures/formats", |p| extension(p, ".rtf.doc")),
            tokens: &[
                "{",
                "}",
                "\\trowd",
                "\\cell",
                "\\row",
                "\\clvmgf",
                "\\clvmrg",
                "\\u-1?",
                "\\'b1",
                "\\par",
                "\\bin999999",
            ],
            zipped: false,
            read: |b| read::rtf::read_rtf(b, "fuzz"),
        },
        Target {
            name: "pdf",
            seeds: files("fixtures/formats", |p| extension(p, ".pdf")),
            tokens: &["obj", "stream", "endstream", "/Length 999999999", "BT", "Tj", "(", ")", "<<", ">>", "/Filter"],
            zipped: false,
            read: |b| read::pdf::read_pdf(b, "fuzz"),
        },
    ]
}

/// One byte-level mutation of `data`, with `tokens` of the format and `other` (another seed) to splice from.
fn mutate_bytes(data: &mut Vec<u8>, tokens: &[&str], other: &[u8], random: &mut Random) {
    let len = data.len();
    let at = random.below(len + 1);
    match random.below(7) {
        0 if len > 0 => {
            let i = random.below(len);
            data[i] ^= 1 << random.below(8);
        }
        1 if len > 0 => {
            let i = random.below(len);
            data[i] = [0u8, 0xff, b'<', b'>', b'|', b'\n', b'0', 0x80][random.below(8)];
        }
        2 => {
            let token = tokens[random.below(tokens.len())].as_bytes();
            data.splice(at..at, token.iter().copied());
        }
        3 if len > 0 => {
            let end = (at + random.below(256)).min(len);
            data.drain(at.min(end)..end);
        }
        4 if len > 0 => {
            // Repeat a stretch: the shape of bombs (nesting, many rows).
            let end = (at + 1 + random.below(64)).min(len);
            let piece: Vec<u8> = data[at.min(end)..end].to_vec();
            let times = 1 + random.below(64);
            for _ in 0..times {
                data.splice(end..end, piece.iter().copied());
            }
        }
        5 if !other.is_empty() => {
            let from = random.below(other.len());
            let end = (from + random.below(512)).min(other.len());
            data.splice(at..at, other[from..end].iter().copied());
        }
        _ => data.truncate(at),
    }
}

/// Mutates one part of a zip container and writes the container again.
fn mutate_zip(seed: &[u8], tokens: &[&str], random: &mut Random) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(seed)).ok()?;
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).ok()?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        parts.push((entry.name().ok()?.to_string(), bytes));
    }
    let xml: Vec<usize> = (0..parts.len()).filter(|&i| parts[i].0.ends_with(".xml")).collect();
    let victim = *xml.get(random.below(xml.len()))?;
    let other = parts[random.below(parts.len())].1.clone();
    for _ in 0..1 + random.below(4) {
        mutate_bytes(&mut parts[victim].1, tokens, &other, random);
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in &parts {
        out.start_file(name.as_str(), options).ok()?;
        out.write_all(bytes).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

/// FNV-1a of a reader's name: each reader's inputs follow from the run's seed apart from the others'.
fn hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

fn seconds_per_reader() -> f64 {
    std::env::var("NIANBAO_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0)
}

fn save_failure(target: &str, input: &[u8]) -> PathBuf {
    let dir = root().join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{target}-{}.bin", std::process::id()));
    let _ = std::fs::write(&path, input);
    path
}

/// One mutated input of `target`, made from its seed alone.
fn mutant(target: &Target, seed: u64) -> Vec<u8> {
    let mut random = Random(seed);
    let seed_bytes = &target.seeds[random.below(target.seeds.len())];
    if target.zipped && random.below(4) > 0 {
        return mutate_zip(seed_bytes, target.tokens, &mut random).unwrap_or_else(|| seed_bytes.clone());
    }
    let mut data = seed_bytes.clone();
    let other = target.seeds[random.below(target.seeds.len())].clone();
    for _ in 0..1 + random.below(8) {
        mutate_bytes(&mut data, target.tokens, &other, &mut random);
    }
    data
}

/// Reads and analyses one input; the error names the input's replay and where it was saved.
fn survive(target: &Target, seed: u64) -> Result<Duration, String> {
    let input = mutant(target, seed);
    let run = || {
        let began = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            if let Ok(doc) = (target.read)(&input) {
                let _ = nianbao::analyse(&doc);
            }
        }));
        (outcome, began.elapsed())
    };
    let (outcome, took) = run();
    let failed = match outcome {
        Err(_) => "panicked".to_string(),
        // A slow input is read once more: the machine's own pauses are not the reader's, a slow path is slow again.
        Ok(()) if took > SLOW => match run() {
            (_, again) if again > SLOW => format!("took {took:?}, then {again:?}"),
            _ => return Ok(took),
        },
        Ok(()) => return Ok(took),
    };
    let path = save_failure(target.name, &input);
    Err(format!(
        "{}: a mutated input {failed}; NIANBAO_FUZZ_REPLAY={}:{seed} makes it again; saved to {}",
        target.name,
        target.name,
        path.display()
    ))
}

#[test]
fn every_reader_survives_mutated_fixtures() {
    let seed = std::env::var("NIANBAO_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1
    });
    eprintln!("fuzz seed: {seed} (NIANBAO_FUZZ_SEED={seed} replays it); {} s per reader", seconds_per_reader());
    let budget = Duration::from_secs_f64(seconds_per_reader());
    let replay = std::env::var("NIANBAO_FUZZ_REPLAY").ok();
    let only = std::env::var("NIANBAO_FUZZ_READERS").ok();
    for target in targets() {
        if only.as_deref().is_some_and(|only| !only.split(',').any(|name| name == target.name)) {
            continue;
        }
        assert!(!target.seeds.is_empty(), "{}: no seed among the fixtures", target.name);
        if let Some(replay) = &replay {
            let (name, input) = replay.split_once(':').expect("NIANBAO_FUZZ_REPLAY is <reader>:<seed>");
            if name == target.name {
                let took =
                    survive(&target, input.parse().expect("the seed is a number")).unwrap_or_else(|e| panic!("{e}"));
                eprintln!("{name}: the input took {took:?}");
            }
            continue;
        }
        let start = Instant::now();
        let mut runs = 0usize;
        while start.elapsed() < budget {
            if let Err(failure) = survive(&target, input_seed(seed ^ hash(target.name), runs as u64)) {
                panic!("{failure} (run seed {seed})");
            }
            runs += 1;
        }
        eprintln!("{}: {runs} mutated inputs read", target.name);
    }
}
