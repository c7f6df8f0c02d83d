//! Rust declarations for a C archive's exported Go functions, generated from
//! the header cgo wrote for this very target (`Build::rust_bindings`).
//!
//! Hand-written `extern` blocks guess Go's C types, and a wrong guess links
//! fine and corrupts memory at run time (`GoInt` is 64-bit on amd64 and
//! 32-bit on armv7). The header cgo writes (`cmd/cgo/out.go`,
//! `writeExportHeader`) already holds the answer for the target: the Go
//! typedefs with their widths, the preamble's C types, and one prototype per
//! `//export`. `header.rs` parses it; this module maps each C type to the
//! Rust type with the same layout and writes a file for `include!`.
//!
//! The rule is *never silently wrong*: a type we cannot map exactly (a
//! bit-field struct, `long double`, an enum, a type from a system header or
//! under an `#ifdef` we cannot decide) becomes an opaque `#[repr(C)]` struct
//! when it is only used behind a pointer, with a doc comment saying why, and
//! a function that takes or returns it by value is left out of the extern
//! block with a comment. Both are reported as build warnings.
//!
//! The generated file is plain items (no inner attributes), so it can be
//! included anywhere, and uses only absolute `::core` paths. Its extern
//! block is `unsafe extern "C"` (the edition 2024 form, accepted by edition
//! 2021 since Rust 1.82).

mod header;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

use header::{CType, Param, Section};

/// What the generator needs to know about the target besides the header.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// The header's file name, for comments and messages.
    pub header_name: String,
    /// `GOOS/GOARCH`, for the file's opening comment.
    pub target: String,
    /// Whether C's `float _Complex` and `double _Complex` are passed and
    /// returned like a struct of two floats on this target (see [`complex_abi_is_struct`]).
    pub complex_by_value: bool,
}

/// A generated file and what the build should warn about.
#[derive(Debug)]
pub(crate) struct Bindings {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Whether a C `_Complex` value is passed and returned exactly like
/// `#[repr(C)] struct { re, im }` on a Go port. Layout (size, alignment) is
/// the same everywhere (C11 6.2.5p13: an array of two elements); the calling
/// convention is not: i386 returns `float _Complex` in EDX:EAX but a struct
/// through a hidden pointer, and soft-float ARM likewise. On these ports the
/// psABI treats a complex value as a two-member struct (amd64 SysV 3.2.3,
/// AAPCS64 homogeneous aggregates, AAPCS-VFP for hard-float ARM, the RISC-V
/// and LoongArch flattening rule); elsewhere functions passing complex values
/// are left out rather than guessed.
pub(crate) fn complex_abi_is_struct(goarch: &str, arch_level: Option<&str>) -> bool {
    match goarch {
        "amd64" | "arm64" | "riscv64" | "loong64" => true,
        "arm" => !arch_level.is_some_and(|l| l.contains("softfloat") || l.starts_with('5')),
        _ => false,
    }
}

/// A digest of the generator's own source: part of the no-op stamp's
/// fingerprint, so a changed generator rewrites the file even at the same
/// crate version (as during development of go-link-build itself).
pub(crate) fn generator_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let src = [include_str!("mod.rs"), include_str!("header.rs")].concat();
        crate::cache::hex(&crate::cache::digest(src.as_bytes()))
    })
}

/// Writes `rs` from the C archive's header (only when its content changes,
/// atomically) and returns the warnings for the build to print.
pub(crate) fn write(header: &Path, rs: &Path, target: &str, complex_by_value: bool) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(header).map_err(|e| Error::io("read", header, e))?;
    let header_name =
        header.file_name().map_or_else(|| header.display().to_string(), |n| n.to_string_lossy().into_owned());
    let opts = Options { header_name: header_name.clone(), target: target.to_string(), complex_by_value };
    let b = generate(&text, &opts).map_err(|e| {
        Error::new(
            ErrorKind::Unsupported,
            format!(
                "cannot generate Rust bindings from {}: {e}\nThe header is the one cgo wrote for the C archive. \
                 Turn Build::rust_bindings off and declare the functions by hand, and please report the header \
                 as a go-link-build bug.",
                header.display()
            ),
        )
    })?;
    if std::fs::read_to_string(rs).ok().as_deref() != Some(b.text.as_str()) {
        crate::cache::write_atomic(rs, b.text.as_bytes())?;
    }
    Ok(b.warnings
        .into_iter()
        .map(|w| format!("{}: {w}", rs.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())))
        .collect())
}

/// The generator for tests outside the crate (the Go version matrix in
/// tests/tests/bindings.rs), exported as `go_link_build::test_hooks` with the
/// `test-hooks` feature. Not part of the API.
#[cfg(feature = "test-hooks")]
pub(crate) mod test_hooks {
    /// The generated text and warnings for a header's text.
    pub fn generate_bindings(header_text: &str, complex_by_value: bool) -> Result<(String, Vec<String>), String> {
        let opts = super::Options { header_name: "header.h".into(), target: "test".into(), complex_by_value };
        super::generate(header_text, &opts).map(|b| (b.text, b.warnings))
    }
}

/// Generates the Rust file for a header's text.
pub(crate) fn generate(header_text: &str, opts: &Options) -> std::result::Result<Bindings, String> {
    let parsed = header::parse(header_text)?;
    let mut g = Gen::new(&parsed, opts);
    g.run();
    Ok(Bindings { text: g.finish(), warnings: g.warnings })
}

/// The Rust type for a builtin C type or a standard typedef.
fn primitive(name: &str) -> Option<&'static str> {
    Some(match name {
        "char" => "::core::ffi::c_char",
        "signed char" => "::core::ffi::c_schar",
        "unsigned char" => "::core::ffi::c_uchar",
        "short" => "::core::ffi::c_short",
        "unsigned short" => "::core::ffi::c_ushort",
        "int" => "::core::ffi::c_int",
        "unsigned int" => "::core::ffi::c_uint",
        "long" => "::core::ffi::c_long",
        "unsigned long" => "::core::ffi::c_ulong",
        "long long" => "::core::ffi::c_longlong",
        "unsigned long long" => "::core::ffi::c_ulonglong",
        "float" => "::core::ffi::c_float",
        "double" => "::core::ffi::c_double",
        "_Bool" => "bool",
        // <stddef.h>, <stdint.h>, <sys/types.h>: the same width as the
        // pointer on every target Go supports (Rust guarantees usize/isize
        // match size_t/ptrdiff_t on these).
        "size_t" | "uintptr_t" => "usize",
        "ssize_t" | "ptrdiff_t" | "intptr_t" => "isize",
        "int8_t" => "i8",
        "int16_t" => "i16",
        "int32_t" => "i32",
        "int64_t" => "i64",
        "uint8_t" => "u8",
        "uint16_t" => "u16",
        "uint32_t" => "u32",
        "uint64_t" => "u64",
        _ => return None,
    })
}

/// Rust keywords that cannot name an item or parameter as is.
fn ident(name: &str) -> String {
    const RAW: [&str; 46] = [
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for",
        "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
        "struct", "trait", "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "typeof", "yield",
    ];
    match name {
        "self" | "Self" | "super" | "crate" | "_" => {
            if name == "_" {
                "_".into()
            } else {
                format!("{name}_")
            }
        }
        n if RAW.contains(&n) || n == "unsized" || n == "virtual" => format!("r#{n}"),
        n => n.to_string(),
    }
}

/// Where a type is used: by value (parameter, result, field) or behind a pointer.
#[derive(Clone, Copy, PartialEq)]
enum Use {
    Value,
    Pointee,
}

/// A named C type (typedef or struct tag) we looked at: its Rust name, or
/// why it cannot be mapped.
type Resolved = std::result::Result<String, String>;

struct Gen<'a> {
    h: &'a header::Header,
    opts: &'a Options,
    typedefs: BTreeMap<&'a str, &'a header::Typedef>,
    /// Typedef names defined twice, differently (several packages' preambles).
    conflicting: BTreeSet<&'a str>,
    tags: BTreeMap<&'a str, &'a header::TagDef>,
    done: BTreeMap<String, Resolved>,
    /// Named types being generated, and those of them referenced meanwhile
    /// (through a pointer: C allows no other recursion).
    in_progress: BTreeSet<String>,
    forward: BTreeSet<String>,
    opaque: BTreeSet<String>,
    /// Generated items, dependencies first.
    items: Vec<String>,
    go_items: Vec<String>,
    externs: Vec<String>,
    warnings: Vec<String>,
}

impl<'a> Gen<'a> {
    fn new(h: &'a header::Header, opts: &'a Options) -> Gen<'a> {
        let mut typedefs: BTreeMap<&str, &header::Typedef> = BTreeMap::new();
        let mut conflicting = BTreeSet::new();
        for t in &h.typedefs {
            if let Some(prev) = typedefs.insert(&t.name, t) {
                if prev.ty != t.ty {
                    conflicting.insert(t.name.as_str());
                }
            }
        }
        let mut tags: BTreeMap<&str, &header::TagDef> = BTreeMap::new();
        for t in &h.tags {
            if let Some(prev) = tags.insert(&t.tag, t) {
                if prev.record != t.record {
                    conflicting.insert(t.tag.as_str());
                }
            }
        }
        Gen {
            h,
            opts,
            typedefs,
            conflicting,
            tags,
            done: BTreeMap::new(),
            in_progress: BTreeSet::new(),
            forward: BTreeSet::new(),
            opaque: BTreeSet::new(),
            items: Vec::new(),
            go_items: Vec::new(),
            externs: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn run(&mut self) {
        // The Go types, in the header's order, whether or not an export uses them.
        let go_types: Vec<&str> = self
            .h
            .typedefs
            .iter()
            .filter(|t| t.section == Section::Go && t.name.starts_with("Go"))
            .map(|t| t.name.as_str())
            .collect();
        for name in go_types {
            if self.done.contains_key(name) {
                continue;
            }
            let before = self.items.len();
            if let Err(why) = self.typedef(name) {
                self.warnings.push(format!("the Go type {name} in {} cannot be mapped: {why}", self.opts.header_name));
            }
            let new: Vec<String> = self.items.drain(before..).collect();
            self.go_items.extend(new);
        }
        self.conveniences();
        for e in &self.h.exports {
            self.export(e);
        }
    }

    /// The Rust type of a C type used by value or behind a pointer.
    fn rust_type(&mut self, ty: &CType, usage: Use) -> Resolved {
        match ty {
            CType::Named(n) if n == "void" => match usage {
                Use::Pointee => Ok("::core::ffi::c_void".into()),
                Use::Value => Err("`void` is not a value type".into()),
            },
            CType::Named(n) => {
                if self.typedefs.contains_key(n.as_str()) {
                    let r = self.typedef(n);
                    self.behind_pointer(n, n, r, usage)
                } else if let Some(p) = primitive(n) {
                    Ok(p.into())
                } else {
                    let mut why = format!(
                        "`{n}` is not declared in the header's preamble (it may come from a system header, \
                         which go-link-build does not read)"
                    );
                    if let Some(first) = self.h.skipped.first() {
                        let _ = write!(why, "; note that a preamble declaration could not be parsed: {first}");
                    }
                    self.behind_pointer(n, n, Err(why), usage)
                }
            }
            CType::Tagged { tag, union } => {
                let rust_name = self.tag_name(tag, *union);
                let r = self.tag(tag, *union);
                let c_name = format!("{} {tag}", if *union { "union" } else { "struct" });
                self.behind_pointer(&c_name, &rust_name, r, usage)
            }
            CType::Enum(tag) => {
                let why = "the size of a C enum is the compiler's choice (use a fixed-width integer type)".to_string();
                if tag.is_empty() {
                    return Err(format!("an anonymous enum: {why}"));
                }
                self.behind_pointer(&format!("enum {tag}"), &format!("enum_{tag}"), Err(why), usage)
            }
            CType::Record(_) => Err("an anonymous struct or union outside a typedef".into()),
            CType::Complex { .. } => Err("a complex type outside a typedef".into()),
            CType::Ptr { pointee, pointee_const } => {
                if let CType::Func { ret, params, variadic } = &**pointee {
                    return self.fn_pointer(ret, params, *variadic);
                }
                let inner = self.rust_type(pointee, Use::Pointee)?;
                Ok(format!("{} {inner}", if *pointee_const { "*const" } else { "*mut" }))
            }
            CType::Array(elem, n) => {
                if *n == 0 {
                    return Err("a flexible or zero-length array".into());
                }
                if usage == Use::Pointee {
                    return Err("a pointer to an array".into());
                }
                let e = self.rust_type(elem, Use::Value)?;
                Ok(format!("[{e}; {n}]"))
            }
            CType::Func { .. } => Err("a function type used without a pointer".into()),
            CType::Unmappable(why) => Err(why.clone()),
        }
    }

    /// A type that cannot be mapped is still usable behind a pointer, as an
    /// opaque struct of that name.
    fn behind_pointer(&mut self, c_name: &str, rust_name: &str, r: Resolved, usage: Use) -> Resolved {
        match (r, usage) {
            (Ok(t), _) => Ok(t),
            (Err(why), Use::Pointee) => {
                let name = ident(rust_name);
                if self.opaque.insert(name.clone()) {
                    self.items.push(format!(
                        "/// Opaque: go-link-build cannot map the C type `{c_name}` to Rust ({}), so it is\n\
                         /// declared without fields and can be used only behind a pointer.\n\
                         #[repr(C)]\n\
                         #[allow(non_camel_case_types, dead_code)]\n\
                         pub struct {name} {{\n    \
                         _private: [u8; 0],\n    \
                         _not_send_sync_unpin: ::core::marker::PhantomData<(*mut u8, ::core::marker::PhantomPinned)>,\n\
                         }}\n",
                        one_line(&why)
                    ));
                    self.warnings.push(format!(
                        "the C type `{c_name}` is declared as an opaque struct `{name}` (usable only behind a pointer): {why}"
                    ));
                }
                Ok(name)
            }
            (Err(why), Use::Value) => Err(format!("`{c_name}` cannot be mapped: {why}")),
        }
    }

    fn fn_pointer(&mut self, ret: &CType, params: &[Param], variadic: bool) -> Resolved {
        let mut args = Vec::new();
        for p in params {
            args.push(self.rust_type(&p.ty, Use::Value)?);
        }
        if variadic {
            args.push("...".into());
        }
        let ret = self.ret_type(ret)?;
        Ok(format!("::core::option::Option<unsafe extern \"C\" fn({}){ret}>", args.join(", ")))
    }

    /// ` -> T`, or nothing for `void`.
    fn ret_type(&mut self, ret: &CType) -> Resolved {
        match ret {
            CType::Named(n) if n == "void" => Ok(String::new()),
            t => Ok(format!(" -> {}", self.rust_type(t, Use::Value)?)),
        }
    }

    fn tag_name(&self, tag: &str, union: bool) -> String {
        // cgo's `struct <Name>_return` keeps its name; other tags get C's
        // namespace as a prefix (`struct point` → `struct_point`, as cgo's
        // `C.struct_point`), since C keeps tags and typedef names apart.
        match self.tags.get(tag) {
            Some(t) if t.section == Section::Exports => tag.to_string(),
            _ => format!("{}_{tag}", if union { "union" } else { "struct" }),
        }
    }

    fn typedef(&mut self, name: &str) -> Resolved {
        let rust_name = ident(name);
        if let Some(r) = self.done.get(name) {
            return r.clone();
        }
        if self.in_progress.contains(name) {
            self.forward.insert(name.to_string());
            return Ok(rust_name);
        }
        let Some(&t) = self.typedefs.get(name) else {
            return Err(format!("`{name}` is not declared"));
        };
        self.in_progress.insert(name.to_string());
        let r = if self.conflicting.contains(name) {
            Err(format!("`{name}` is defined differently in two preambles"))
        } else if t.conditional {
            Err(format!("`{name}` is declared under an #if that go-link-build cannot evaluate"))
        } else {
            let doc = if t.section == Section::Go {
                go_doc(name)
            } else {
                format!("/// The C type `{name}` from the cgo preamble.\n")
            };
            match &t.ty {
                CType::Record(rec) => self.record(&rust_name, rec, &doc),
                CType::Complex { double_width } => {
                    let f = if *double_width { "::core::ffi::c_double" } else { "::core::ffi::c_float" };
                    self.items.push(format!(
                        "{doc}///\n/// C's `_Complex` has the layout of two floats, real part first (C11 6.2.5p13).\n\
                         #[repr(C)]\n#[derive(Clone, Copy, Debug, Default, PartialEq)]\n\
                         #[allow(non_camel_case_types, dead_code)]\npub struct {rust_name} {{\n    /// The real part.\n    pub re: {f},\n    \
                         /// The imaginary part.\n    pub im: {f},\n}}\n"
                    ));
                    Ok(rust_name.clone())
                }
                ty => {
                    let ty = ty.clone();
                    self.rust_type(&ty, Use::Value).map(|rt| {
                        self.items.push(format!(
                            "{doc}#[allow(non_camel_case_types, dead_code)]\npub type {rust_name} = {rt};\n"
                        ));
                        rust_name.clone()
                    })
                }
            }
        };
        self.settle(name, name, name, r)
    }

    /// Records a named type's outcome. One that failed after a pointer to it
    /// was written meanwhile is declared opaque, so that pointer still names a type.
    fn settle(&mut self, key: &str, c_name: &str, rust_name: &str, r: Resolved) -> Resolved {
        self.in_progress.remove(key);
        self.done.insert(key.to_string(), r.clone());
        if let (Err(why), true) = (&r, self.forward.remove(key)) {
            let _ = self.behind_pointer(c_name, rust_name, Err(why.clone()), Use::Pointee);
        }
        r
    }

    fn tag(&mut self, tag: &str, union: bool) -> Resolved {
        let rust_name = self.tag_name(tag, union);
        let key = format!("{} {tag}", if union { "union" } else { "struct" });
        if let Some(r) = self.done.get(&key) {
            return r.clone();
        }
        if self.in_progress.contains(&key) {
            self.forward.insert(key);
            return Ok(ident(&rust_name));
        }
        self.in_progress.insert(key.clone());
        let r = match self.tags.get(tag).copied() {
            None => Err(format!("`{key}` is declared but not defined in the header (an incomplete type)")),
            Some(_) if self.conflicting.contains(tag) => {
                Err(format!("`{key}` is defined differently in two preambles"))
            }
            Some(t) if t.conditional => {
                Err(format!("`{key}` is defined under an #if that go-link-build cannot evaluate"))
            }
            Some(t) if t.record.union != union => Err(format!("`{tag}` is used both as a struct and as a union")),
            Some(t) => {
                let doc = if t.section == Section::Exports {
                    format!("/// The results of {}, as cgo returns them.\n", tag.trim_end_matches("_return"))
                } else {
                    format!("/// The C type `{key}` from the cgo preamble.\n")
                };
                self.record(&ident(&rust_name), &t.record, &doc)
            }
        };
        self.settle(&key, &key, &rust_name, r)
    }

    /// A `#[repr(C)]` struct or union with the record's fields.
    fn record(&mut self, rust_name: &str, rec: &header::Record, doc: &str) -> Resolved {
        let fields = rec.fields.as_ref().map_err(Clone::clone)?;
        let mut body = String::new();
        for f in fields {
            let ty = self
                .rust_type(&f.ty, Use::Value)
                .map_err(|why| format!("its member `{}`: {why}", f.name.as_deref().unwrap_or("?")))?;
            if let Some(d) = &f.doc {
                let _ = writeln!(body, "    /// {}", one_line(d));
            }
            let _ = writeln!(body, "    pub {}: {ty},", ident(f.name.as_deref().unwrap_or("_")));
        }
        let kind = if rec.union { "union" } else { "struct" };
        self.items.push(format!(
            "{doc}#[repr(C)]\n#[derive(Clone, Copy)]\n#[allow(non_camel_case_types, non_snake_case, dead_code)]\n\
             pub {kind} {rust_name} {{\n{body}}}\n"
        ));
        Ok(rust_name.to_string())
    }

    /// `GoString::from_str`, `GoSlice::from_slice` and friends, when the
    /// header defines these types with cgo's fields.
    fn conveniences(&mut self) {
        let fields_of = |g: &Self, name: &str| -> Option<Vec<String>> {
            let mut t = g.typedefs.get(name)?;
            // GoString is `typedef _GoString_ GoString;`.
            while let CType::Named(n) = &t.ty {
                t = g.typedefs.get(n.as_str())?;
            }
            match &t.ty {
                CType::Record(r) => r.fields.as_ref().ok().map(|f| f.iter().filter_map(|p| p.name.clone()).collect()),
                _ => None,
            }
        };
        let ok = |g: &Self, name: &str| matches!(g.done.get(name), Some(Ok(_)));
        if ok(self, "GoString") && fields_of(self, "GoString").is_some_and(|f| f == ["p", "n"]) {
            self.go_items.push(GOSTRING_IMPL.to_string());
        }
        if ok(self, "GoSlice") && fields_of(self, "GoSlice").is_some_and(|f| f == ["data", "len", "cap"]) {
            self.go_items.push(GOSLICE_IMPL.to_string());
        }
    }

    fn export(&mut self, e: &header::Export) {
        let mut params = Vec::new();
        let mut problem: Option<String> = None;
        for (i, p) in e.params.iter().enumerate() {
            let pname = p.name.clone().unwrap_or_else(|| format!("p{i}"));
            if !self.opts.complex_by_value && self.is_complex(&p.ty) {
                problem.get_or_insert(format!(
                    "parameter `{pname}` is a complex number, which this target's C ABI does not pass like a \
                     struct of two floats"
                ));
            }
            match self.rust_type(&p.ty, Use::Value) {
                Ok(t) => params.push(format!("{}: {t}", ident(&pname))),
                Err(why) => {
                    problem.get_or_insert(format!("parameter `{pname}`: {why}"));
                }
            }
        }
        if !self.opts.complex_by_value && self.is_complex(&e.ret) {
            problem.get_or_insert(
                "its result is a complex number, which this target's C ABI does not return like a struct of two floats"
                    .into(),
            );
        }
        let ret = match self.ret_type(&e.ret) {
            Ok(r) => r,
            Err(why) => {
                problem.get_or_insert(format!("its result: {why}"));
                String::new()
            }
        };
        let mut out = String::new();
        if let Some(why) = problem {
            self.warnings.push(format!(
                "the Go export {} is left out of the Rust bindings: {why}; declare it by hand if you know its ABI",
                e.name
            ));
            let _ = writeln!(out, "    // {} is left out: {}.", e.name, one_line(&why));
            self.externs.push(out);
            return;
        }
        for d in &e.doc {
            let _ = writeln!(out, "    ///{}{d}", if d.is_empty() { "" } else { " " });
        }
        let _ = writeln!(out, "    pub fn {}({}){ret};", ident(&e.name), params.join(", "));
        self.externs.push(out);
    }

    /// Whether a type is a complex number by value (through typedefs).
    fn is_complex(&self, ty: &CType) -> bool {
        let mut ty = ty;
        for _ in 0..32 {
            match ty {
                CType::Complex { .. } => return true,
                CType::Named(n) => match self.typedefs.get(n.as_str()) {
                    Some(t) => ty = &t.ty,
                    None => return false,
                },
                _ => return false,
            }
        }
        false
    }

    fn finish(&self) -> String {
        let mut s = format!(
            "// Code generated by go-link-build from {} (the header cgo wrote for {}). DO NOT EDIT.\n\
             //\n\
             // The Rust declarations of the C archive's exported Go functions and of the types\n\
             // they use, with the layouts the header gives for this target. Include it with\n\
             // `include!(env!(\"GO_LINK_BUILD_RS_<NAME>\"))`; it needs Rust 1.82 or newer.\n\n",
            self.opts.header_name, self.opts.target
        );
        for item in &self.go_items {
            s.push_str(item);
            s.push('\n');
        }
        if let Some(bits) = self.h.pointer_bits {
            // cgo's header refuses to compile for another pointer width
            // (`_check_for_64_bit_pointer_matching_GoInt`); so does this file.
            let _ = writeln!(
                s,
                "const _: () = assert!(\n    ::core::mem::size_of::<*const u8>() * 8 == {bits},\n    \
                 \"these Go bindings were generated for a target with {bits}-bit pointers\"\n);\n"
            );
        }
        for item in &self.items {
            s.push_str(item);
            s.push('\n');
        }
        if !self.externs.is_empty() {
            s.push_str("#[allow(non_snake_case, dead_code, clippy::too_many_arguments)]\nunsafe extern \"C\" {\n");
            for (i, e) in self.externs.iter().enumerate() {
                if i > 0 {
                    s.push('\n');
                }
                s.push_str(e);
            }
            s.push_str("}\n");
        }
        s
    }
}

/// A comment's text on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The doc comment of a Go type.
fn go_doc(name: &str) -> String {
    let what = match name {
        "GoInt8" | "GoInt16" | "GoInt32" | "GoInt64" | "GoUint8" | "GoUint16" | "GoUint32" | "GoUint64" => {
            format!("Go's `{}`.", name[2..].to_ascii_lowercase())
        }
        "GoInt" => "Go's `int`: as wide as a pointer on this target.".into(),
        "GoUint" => "Go's `uint`: as wide as a pointer on this target.".into(),
        "GoUintptr" => "Go's `uintptr`.".into(),
        "GoFloat32" => "Go's `float32`.".into(),
        "GoFloat64" => "Go's `float64`.".into(),
        "GoComplex64" => "Go's `complex64`.".into(),
        "GoComplex128" => "Go's `complex128`.".into(),
        "GoString" => "Go's `string`: a pointer and a length, not NUL-terminated.".into(),
        "GoMap" => "A Go `map`: an opaque pointer that only Go may use.".into(),
        "GoChan" => "A Go `chan`: an opaque pointer that only Go may use.".into(),
        "GoInterface" => "A Go interface value: type and data words, opaque to Rust.".into(),
        "GoSlice" => "A Go slice: data pointer, length and capacity.".into(),
        _ => format!("The Go type `{name}` as cgo declares it."),
    };
    format!("/// {what}\n")
}

const GOSTRING_IMPL: &str = r#"#[allow(dead_code)]
impl GoString {
    /// A `GoString` that borrows `s`, to pass to a Go function.
    ///
    /// It is valid only during the call it is passed to: the borrow is not
    /// tracked, and Go must not keep the string after the call returns
    /// (cgo's pointer rules; copy it in Go with `strings.Clone` to keep it).
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(s: &str) -> GoString {
        GoString { p: s.as_ptr().cast(), n: s.len() as _ }
    }

    /// The bytes of the string.
    ///
    /// # Safety
    ///
    /// `p` must point to `n` bytes that stay valid and unchanged while the
    /// slice is used (a string from [`GoString::from_str`] whose source is
    /// still borrowed, or one Go handed over with that guarantee).
    pub unsafe fn as_bytes(&self) -> &[u8] {
        if self.n <= 0 || self.p.is_null() {
            return &[];
        }
        // SAFETY: the caller guarantees `p` points to `n` readable bytes.
        unsafe { ::core::slice::from_raw_parts(self.p.cast::<u8>(), self.n as usize) }
    }
}
"#;

const GOSLICE_IMPL: &str = r#"#[allow(dead_code)]
impl GoSlice {
    /// A `GoSlice` that borrows `s`, to pass to a Go function that only reads it.
    ///
    /// It is valid only during the call it is passed to; Go must neither keep
    /// it after the call nor write through it.
    pub fn from_slice<T>(s: &[T]) -> GoSlice {
        GoSlice { data: s.as_ptr() as *mut ::core::ffi::c_void, len: s.len() as _, cap: s.len() as _ }
    }

    /// A `GoSlice` that borrows `s` mutably, for a Go function that may write
    /// its elements. Valid only during the call; Go must not keep it.
    pub fn from_mut_slice<T>(s: &mut [T]) -> GoSlice {
        GoSlice { data: s.as_mut_ptr().cast(), len: s.len() as _, cap: s.len() as _ }
    }

    /// The elements of the slice.
    ///
    /// # Safety
    ///
    /// `data` must point to `len` initialised values of type `T` that stay
    /// valid and unchanged while the returned slice is used.
    pub unsafe fn as_slice<T>(&self) -> &[T] {
        if self.len <= 0 || self.data.is_null() {
            return &[];
        }
        // SAFETY: the caller guarantees `data` points to `len` values of `T`.
        unsafe { ::core::slice::from_raw_parts(self.data.cast::<T>(), self.len as usize) }
    }

    /// The bytes of a `[]byte`.
    ///
    /// # Safety
    ///
    /// As for [`GoSlice::as_slice`] with `T = u8`.
    pub unsafe fn as_bytes(&self) -> &[u8] {
        // SAFETY: forwarded to the caller.
        unsafe { self.as_slice::<u8>() }
    }
}
"#;

#[cfg(test)]
mod tests;
