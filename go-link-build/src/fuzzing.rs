//! Entry points to every parser of untrusted text or bytes, for the cargo-fuzz
//! targets under `fuzz/` (feature `fuzzing`) and for the deterministic
//! mutation test below (part of the normal unit tests). Not part of the API:
//! compiled only for tests and with the `fuzzing` feature.
//!
//! Each entry takes arbitrary bytes and must return, whatever they are: a
//! panic or a hang is a bug. Results are discarded; what the parsers accept is
//! checked by their own unit tests.

use std::path::Path;

use crate::context::BuildContext;

/// Text parsers get the bytes as a string the way their callers read files:
/// `read_to_string` (which refuses invalid UTF-8) or lossily.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// go.mod: modfile.Parse (main module) and ParseLax (dependency).
pub fn go_mod(data: &[u8]) {
    let t = text(data);
    let _ = crate::gomod::parse_go_mod(&t, "go.mod");
    let _ = crate::gomod::parse_go_mod_lax(&t, "go.mod");
}

/// go.work: modfile.ParseWork.
pub fn go_work(data: &[u8]) {
    let _ = crate::gomod::parse_go_work(&text(data), "go.work");
}

/// go.sum and go.work.sum.
pub fn go_sum(data: &[u8]) {
    let _ = crate::modfetch::GoSum::parse(&text(data), "go.sum");
}

/// vendor/modules.txt.
pub fn modules_txt(data: &[u8]) {
    let _ = crate::modfetch::VendorList::parse(&text(data), "vendor/modules.txt");
}

/// Build constraints: a file header's `//go:build` / `// +build` lines and
/// each line as an expression.
pub fn build_constraints(data: &[u8]) {
    use crate::load::constraint;
    let _ = constraint::parse_file_header(data);
    let ctx = context();
    let _ = constraint::should_build(&ctx, data);
    for line in text(data).lines() {
        let _ = constraint::parse(line);
    }
    for name in text(data).split_whitespace() {
        let _ = constraint::good_os_arch_file(&ctx, name);
    }
}

/// `#cgo` lines of a preamble, and `#cgo pkg-config:` arguments.
pub fn cgo_lines(data: &[u8]) {
    let mut out = crate::cgoflags::CgoDirectives::default();
    let ctx = context();
    let _ = crate::cgoflags::parse_cgo_lines(&ctx, Path::new("/pkg"), "x.go", &text(data), 1, &mut out);
    let _ = crate::cgoflags::pkg_config_args(&out.pkg_config);
    // internal/quoted.Split, as CGO_CFLAGS and the like are split.
    let t = text(data);
    let _ = crate::cgoflags::env_list("CGO_CFLAGS", "-O2", &|_| Some(t.to_string()));
    let env = |_: &str| None;
    let _ = crate::cgoflags::cgo_flags(&out, &env);
}

/// `//go:embed` directives of a Go file, and embed patterns matched against
/// names (the first line is the pattern, the rest names).
pub fn embed_patterns(data: &[u8]) {
    let _ = crate::load::scan::find_embeds(data);
    let mut lines = data.split(|&b| b == b'\n');
    let pattern = lines.next().unwrap_or_default();
    for name in lines {
        let _ = crate::load::embed::path_match(pattern, name);
    }
}

/// `//go:debug` lines, and the `internal/godebugs` table of a GOROOT.
pub fn go_debug(data: &[u8]) {
    let t = text(data);
    for line in t.lines() {
        let _ = crate::load::scan::parse_go_debug(line);
    }
    let _ = crate::godebug::parse_table(&t);
}

/// A Go file's header: package clause, imports (with cgo preambles), and the
/// comments before it; string literals as the scanner unquotes them.
pub fn import_blocks(data: &[u8]) {
    let src = crate::load::scan::strip_bom(data);
    for complete in [false, true] {
        if let Ok(h) = crate::load::scan::scan_header(src, complete) {
            let _ = h.imports_c();
            for p in &h.cgo_preambles {
                let _ = p.text();
                let _ = p.text_lines();
            }
        }
        let _ = crate::load::scan::leading_comments(src, complete);
    }
    let _ = crate::load::scan::unquote(data);
}

/// A module zip's directory and entry names, checked as extraction checks
/// them (nothing is written).
pub fn zip_directory(data: &[u8]) {
    let _ = crate::modfetch::check_zip_bytes(data, "example.com/m", "v1.0.0");
}

/// The `go object …` header of an object file or archive.
pub fn object_header(data: &[u8]) {
    if let Some(h) = crate::toolchain::header_of_archive(data) {
        let _ = crate::toolchain::parse_object_header(&h);
    }
    for line in text(data).lines() {
        let _ = crate::toolchain::parse_object_header(line);
    }
}

/// `$GOROOT/VERSION`'s first line.
pub fn version_file(data: &[u8]) {
    let t = text(data);
    let first = t.lines().next().unwrap_or("").trim();
    let _ = crate::toolchain::parse_go_version(first);
}

/// `pkg-config --cflags/--libs` output.
pub fn pkg_config_output(data: &[u8]) {
    if let Ok(flags) = crate::cgoflags::split_pkg_config_output(data) {
        let env = |_: &str| None;
        let _ = crate::cgoflags::check_flags("CFLAGS", "pkg-config --cflags", &flags, &env);
    }
}

/// A fuzz entry point.
pub type Entry = fn(&[u8]);

/// Every entry point by name (the fuzz targets' names).
pub const TARGETS: &[(&str, Entry)] = &[
    ("go_mod", go_mod),
    ("go_work", go_work),
    ("go_sum", go_sum),
    ("modules_txt", modules_txt),
    ("build_constraints", build_constraints),
    ("cgo_lines", cgo_lines),
    ("embed_patterns", embed_patterns),
    ("go_debug", go_debug),
    ("import_blocks", import_blocks),
    ("zip_directory", zip_directory),
    ("object_header", object_header),
    ("version_file", version_file),
    ("pkg_config_output", pkg_config_output),
];

fn context() -> BuildContext {
    BuildContext {
        race: false,
        cover: false,
        goroot: "/goroot".into(),
        goos: "linux".into(),
        goarch: "amd64".into(),
        cgo_enabled: true,
        arch_level: Some(("GOAMD64".into(), "v1".into())),
        experiments: Vec::new(),
        goexperiment_env: None,
        go_minor: 26,
        user_tags: vec!["tag".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// splitmix64: a fixed, dependency-free sequence.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                (self.next() % n as u64) as usize
            }
        }
    }

    /// Insertions: multi-byte UTF-8 (2, 3 and 4 bytes, zero-width, BOM),
    /// invalid UTF-8, and the punctuation the parsers care about.
    const INSERTS: &[&[u8]] = &[
        "é".as_bytes(),
        "ü".as_bytes(),
        "€".as_bytes(),
        "𝄞".as_bytes(),
        "\u{200b}".as_bytes(),
        "\u{feff}".as_bytes(),
        "\u{2028}".as_bytes(),
        b"\xff",
        b"\xc3",
        b"\xe2\x82",
        b"\0",
        b"\r\n",
        b"\n",
        b"\t",
        b" ",
        b"\"",
        b"`",
        b"'",
        b"\\",
        b"(",
        b")",
        b"[",
        b"]",
        b",",
        b"=>",
        b"//",
        b"/*",
        b"*/",
        b"${SRCDIR}",
        b"#cgo ",
        b"//go:",
        b"@",
        b"!",
        b"&&",
        b"||",
        b"=",
        b"..",
        b"*",
        b"PK\x05\x06",
        b"PK\x06\x07",
    ];

    /// One mutant of `seed`: one to four of byte flips, truncations, UTF-8 and
    /// punctuation insertions, deletions and token duplications.
    fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
        let mut b = seed.to_vec();
        for _ in 0..1 + rng.below(4) {
            match rng.below(6) {
                0 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                1 => {
                    let n = rng.below(b.len() + 1);
                    b.truncate(n);
                }
                2 | 3 => {
                    let i = rng.below(b.len() + 1);
                    let ins = INSERTS[rng.below(INSERTS.len())];
                    b.splice(i..i, ins.iter().copied());
                }
                4 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    let n = 1 + rng.below(8.min(b.len() - i));
                    b.drain(i..i + n);
                }
                _ => {
                    // Duplicate a token: a run of bytes between white space.
                    let i = rng.below(b.len() + 1);
                    let start = b[..i].iter().rposition(|c| c.is_ascii_whitespace()).map_or(0, |p| p + 1);
                    let end = b[i..].iter().position(|c| c.is_ascii_whitespace()).map_or(b.len(), |p| i + p);
                    let tok: Vec<u8> = b[start..end].to_vec();
                    let at = rng.below(b.len() + 1);
                    b.splice(at..at, tok.into_iter().chain([b' ']));
                }
            }
        }
        b
    }

    fn seeds(name: &str) -> Vec<Vec<u8>> {
        let s: &[&str] = match name {
            "go_mod" => &[
                "// c\nmodule example.com/m // x\n\ngo 1.22.3\ntoolchain go1.23.1\ngodebug (\n\tpanicnil=1\n)\n\
                 require (\n\texample.com/a v1.2.3 // indirect\n\t\"example.com/b\" v0.0.0-20200101000000-abcdefabcdef\n)\n\
                 exclude example.com/c v1.0.0\nreplace example.com/a v1.2.3 => ../a\nreplace example.com/b => example.com/b2 v2.0.0+incompatible\n\
                 retract [v1.0.0, v1.0.1] // oops\nretract v0.9.0\ntool example.com/a/cmd\nignore ./x\n",
                "module x\n",
            ],
            "go_work" => &["go 1.22\ntoolchain go1.22.1\nuse (\n\t./a\n\t\"./b c\"\n)\nuse ./d\nreplace x.com/y v1.0.0 => ../y\ngodebug x=1\n"],
            "go_sum" => &["example.com/a v1.2.3 h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\
                           example.com/a v1.2.3/go.mod h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"],
            "modules_txt" => &["# example.com/a v1.2.3\n## explicit; go 1.21\nexample.com/a\nexample.com/a/b\n\
                                # example.com/c v1.0.0 => ../c\n## explicit\nexample.com/c\n# example.com/d => ./d\n"],
            "build_constraints" => &[
                "// Copyright\n\n//go:build linux && (amd64 || !cgo) && go1.21\n// +build linux,amd64 !cgo\n\npackage x\n",
                "x_linux_amd64.go y_windows.go z_test.go linux.go",
            ],
            "cgo_lines" => &["#cgo CFLAGS: -I${SRCDIR}/include -DX=1 -O2\n#cgo linux,amd64 LDFLAGS: -lm \"-L/a b\"\n\
                              #cgo !windows CPPFLAGS: -DY\n#cgo pkg-config: --static zlib libpng\n#cgo noescape f\n#include <stdio.h>\n"],
            "embed_patterns" => &[
                "package x\n\nimport _ \"embed\"\n\n//go:embed a.txt \"b c.txt\" `d/*.json` all:e\nvar s string\n",
                "d/[a-c]*.json\nd/b.json\nd/x.json\n\\*",
            ],
            "go_debug" => &[
                "//go:debug panicnil=1\n//go:debug default=go1.21\n",
                "var All = []Info{\n\t{Name: \"panicnil\", Package: \"runtime\", Changed: 21, Old: \"1\"},\n\t//{Name: \"x\"},\n\
                 \t{Name: `y`, Package: \"z\", Opaque: true},\n}\nvar Removed = []RemovedInfo{\n\t{Name: \"old\", Removed: 22},\n}\n",
            ],
            "import_blocks" => &["\u{feff}// Package x.\npackage x\n\nimport (\n\t\"fmt\"\n\tm \"math\"\n\t_ `unsafe`\n)\n\n\
                                  /*\n#include <stdio.h>\n#cgo LDFLAGS: -lm\n*/\nimport \"C\"\n\nfunc f() {}\n"],
            "object_header" => &["!<arch>\n__.PKGDEF       0           0     0     644     40        `\n\
                                  go object linux amd64 go1.26.8 X:regabiwrappers,greenteagc\n"],
            "version_file" => &["go1.26.8\ntime 2025-11-01T00:00:00Z\n", "go1.22rc1\n"],
            "pkg_config_output" => &["-I/usr/include/libpng16 -DFOO=\"a b\" -pthread\n", "-L/usr/lib -lpng16 -lz\n"],
            _ => &[],
        };
        let mut out: Vec<Vec<u8>> = s.iter().map(|s| s.as_bytes().to_vec()).collect();
        if name == "zip_directory" {
            let t = crate::modfetch::testutil::TempDir::new("fuzz-seed");
            let z = t.path().join("m.zip");
            crate::modfetch::testutil::write_zip(
                &z,
                &[
                    ("example.com/m@v1.0.0/go.mod".into(), "module example.com/m\n"),
                    ("example.com/m@v1.0.0/a.go".into(), "package m\n"),
                    ("example.com/m@v1.0.0/d/".into(), ""),
                    ("example.com/m@v1.0.0/d/LICENSE".into(), "x"),
                ],
            );
            out.push(std::fs::read(&z).unwrap());
        }
        out
    }

    /// fuzz/ has the cargo-fuzz layout and one target per entry point (what
    /// `cargo fuzz list` lists), each calling the entry of its name.
    #[test]
    fn every_entry_has_a_fuzz_target() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
        let toml = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
        assert!(toml.contains("[package.metadata]\ncargo-fuzz = true"), "{toml}");
        assert!(toml.contains("features = [\"fuzzing\"]"), "{toml}");
        let bins = toml.matches("[[bin]]").count();
        assert_eq!(bins, TARGETS.len(), "fuzz/Cargo.toml has {bins} targets");
        for (name, _) in TARGETS {
            assert!(toml.contains(&format!("name = \"{name}\"\npath = \"fuzz_targets/{name}.rs\"")), "{name}");
            let src = std::fs::read_to_string(fuzz.join(format!("fuzz_targets/{name}.rs"))).unwrap();
            assert!(src.contains(&format!("go_link_build::fuzzing::{name}(data)")), "{name}: {src}");
        }
        let root = std::fs::read_to_string(fuzz.join("../Cargo.toml")).unwrap();
        assert!(root.contains("exclude = [\"fuzz\"]"), "the workspace must exclude fuzz/");
    }

    const MUTANTS_PER_PARSER: usize = 2_000;

    /// The deterministic mutation run: 2,000 mutants per parser from a fixed
    /// seed, each parsed under `catch_unwind`; the first panicking input is
    /// shown. A parser that does not finish its mutants within a minute
    /// (a hang, or run-away work) fails the test rather than blocking it.
    #[test]
    fn no_parser_panics_on_mutants() {
        for &(name, entry) in TARGETS {
            let seeds = seeds(name);
            assert!(!seeds.is_empty(), "no seed for {name}");
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let mut rng = Rng(0x676f_2d6c_696e_6b00 ^ name.len() as u64);
                let mut failure = None;
                // The seeds themselves first, then the mutants.
                let inputs = seeds.clone().into_iter().chain((0..MUTANTS_PER_PARSER).map(|i| {
                    let seed = &seeds[i % seeds.len()];
                    mutate(seed, &mut rng)
                }));
                let mut ran = 0;
                for input in inputs {
                    ran += 1;
                    if catch_unwind(AssertUnwindSafe(|| entry(&input))).is_err() {
                        failure = Some(String::from_utf8_lossy(&input).into_owned());
                        break;
                    }
                }
                let _ = tx.send((ran, failure));
            });
            let (ran, failure) = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("{name}: the mutants did not finish within 60 s (a hang?)"));
            assert!(failure.is_none(), "{name} panicked on the input {failure:?}");
            assert!(ran > MUTANTS_PER_PARSER, "{name}: ran {ran}");
        }
    }
}
