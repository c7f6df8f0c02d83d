//! The C toolchain for cgo: compiler, archiver and what they support.
//!
//! The compiler comes from the `cc` crate for the target, so `CC`,
//! `CC_<target>`, `TARGET_CC`, `CFLAGS`, `AR` and friends mean exactly what
//! they mean to every other build script. Which optional flags it accepts is
//! probed the way cmd/go's `gccSupportsFlag` does (compile an empty file with
//! the flag, look for "unrecognized" and similar words), once per compiler,
//! and cached.
//!
//! # Cross targets
//!
//! For a cross target `cc` finds the cross compiler (`aarch64-linux-gnu-gcc`,
//! `x86_64-w64-mingw32-gcc`, …, or `CC_<target>`) and its archiver, and
//! chooses the target flags (`--target=`, `-arch`, `-m*`). The same command
//! runs every C step: the `cgo` tool's own compiler runs (`CC`), the C
//! compiles, the dynimport link, and link's external linker, which gets the
//! compiler as `-extld` and its target flags as `-extldflags` (cmd/go passes
//! the words of `CC` after the first the same way), and the archiver as
//! `-extar`.
//!
//! # Apple deployment targets
//!
//! `cc` turns `MACOSX_DEPLOYMENT_TARGET` (`IPHONEOS_DEPLOYMENT_TARGET` for
//! iOS) into `-mmacosx-version-min=` (`-miphoneos-version-min=`, …), the same
//! version rustc links the Rust side for. That flag is part of the compiler
//! command, so every cgo compile (runtime/cgo's included) and the external
//! link (through `-extldflags`) get it, and a C archive's `go.o` copies its
//! platform load command from those objects. The variable itself is passed to
//! every C step and to link, is reported to cargo, and is part of the
//! compiler's identity in cache keys. A value given with `Build::env`, which
//! `cc` cannot see, is added as the flag.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cache::{Cache, KeyBuilder};
use crate::context::BuildContext;
use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;

/// Optional flags cmd/go adds when the compiler accepts them.
const PROBED: &[&str] = &[
    "-fno-caret-diagnostics",
    "-Qunused-arguments",
    "-Wl,--no-gc-sections",
    "-fdebug-prefix-map=a=b",
    "-ffile-prefix-map=a=b",
    "-gno-record-gcc-switches",
    "-frandom-seed=1",
];

/// A C compiler and archiver for one target.
#[derive(Clone, Debug)]
pub(crate) struct CTool {
    /// The C compiler and the arguments `cc` chose for the target (`-m64`,
    /// `-fPIC`, `CFLAGS`, …).
    pub cc: Vec<OsString>,
    /// The C++ compiler, likewise.
    pub cxx: Vec<OsString>,
    /// The archiver, for link's `-extar`.
    pub ar: PathBuf,
    /// Environment the compiler needs (from `cc`), added to every C step.
    pub env: Vec<(OsString, OsString)>,
    /// The probed flags the compiler accepts.
    pub supported: Vec<String>,
    /// Identity for cache keys: command, arguments and `--version` output.
    pub id: String,
}

/// What `cc` needs to know outside a build script.
pub(crate) struct CToolRequest<'a> {
    pub target: &'a str,
    pub host: &'a str,
    pub out_dir: &'a Path,
    /// `CC`/`CXX`/`AR` given with `Build::env`, which `cc` cannot see.
    pub cc: Option<String>,
    pub cxx: Option<String>,
    pub ar: Option<String>,
    /// The environment view: every variable `cc` consults is read through it
    /// too, so it is reported to cargo and checked by the no-op stamp.
    pub env: &'a crate::env::Env,
}

/// The variables the `cc` crate reads for a target, in each of its spellings.
fn cc_vars(target: &str, host: &str) -> Vec<String> {
    let kind = if target == host { "HOST" } else { "TARGET" };
    let mut vars = Vec::new();
    for base in ["CC", "CFLAGS", "CXX", "CXXFLAGS", "AR", "ARFLAGS"] {
        vars.push(format!("{base}_{target}"));
        vars.push(format!("{base}_{}", target.replace('-', "_")));
        vars.push(format!("{kind}_{base}"));
        vars.push(base.to_string());
    }
    vars.push("CRATE_CC_NO_DEFAULTS".into());
    if target.contains("-apple-") {
        vars.extend(deployment_target_var(target).map(str::to_string));
        vars.push("SDKROOT".into());
    }
    vars
}

/// The variable that holds an Apple target's minimum OS version, as `cc`
/// and rustc read it.
fn deployment_target_var(target: &str) -> Option<&'static str> {
    let t = crate::target::RustTarget::from_triple(target);
    match t.os.as_str() {
        "macos" => Some("MACOSX_DEPLOYMENT_TARGET"),
        "ios" => Some("IPHONEOS_DEPLOYMENT_TARGET"),
        _ => None,
    }
}

/// The compiler flag `cc` passes for an Apple deployment target (none for Mac
/// Catalyst, where the version is part of `--target`).
fn deployment_target_flag(target: &str, version: &str) -> Option<String> {
    let t = crate::target::RustTarget::from_triple(target);
    match (t.os.as_str(), t.env.as_str()) {
        ("macos", _) => Some(format!("-mmacosx-version-min={version}")),
        ("ios", "sim") => Some(format!("-mios-simulator-version-min={version}")),
        ("ios", "macabi") => None,
        ("ios", _) => Some(format!("-miphoneos-version-min={version}")),
        _ => None,
    }
}

/// The words of a compiler command (after the program) that matter to a
/// link as well as to a compile: target, ABI, architecture, sysroot and
/// deployment version. Optimisation, warning and code generation flags
/// (`-O2`, `-ffunction-sections`, `-fPIC`, a user's `CFLAGS`) are left out.
pub(crate) fn target_link_flags(args: &[OsString]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = it.next() {
        if matches!(a.as_str(), "-target" | "-arch" | "-isysroot" | "--sysroot" | "-B") {
            if let Some(v) = it.next() {
                out.push(a);
                out.push(v);
            }
        } else if (a.starts_with("-m") && a.len() > 2)
            || a.starts_with("--target=")
            || a.starts_with("--sysroot=")
            || a.starts_with("--gcc-toolchain=")
            || a.starts_with("-fuse-ld=")
            || a.starts_with("-B")
        {
            out.push(a);
        }
    }
    out
}

/// The compiler command without the code generation defaults the `cc` crate
/// puts first (its optimisation level, `-ffunction-sections`,
/// `-fdata-sections`, `-fPIC`), which cmd/go does not give gcc: it runs `$CC`
/// with its own flags (`compilerCmd`) and `CGO_CFLAGS` (default `-O2 -g`).
/// With them, every C object got one section per function and per variable,
/// so C archives and cgo programs were 14–17 KB larger than `go build`'s.
/// Only the first occurrence of each is dropped: cc emits its defaults
/// before the target flags, the builder's flags and the user's `CFLAGS`,
/// so a user's own `-ffunction-sections` or `-O3` (later) stays.
///
/// The `-w` of cc's `warnings(false)` goes too: cmd/go gives gcc no warning
/// flags, so a `#warning` in a cgo preamble or a `-W…` diagnostic of a C
/// compile is shown, as `go build` shows it (README: tool output as
/// `cargo:warning`); `warnings(false)` only keeps cc's `-Wall -Wextra` out.
fn without_cc_defaults(argv: Vec<OsString>) -> Vec<OsString> {
    let mut dropped = [false; 5];
    let mut out = Vec::with_capacity(argv.len());
    for (i, a) in argv.into_iter().enumerate() {
        let kind = match a.to_str() {
            _ if i == 0 => None,
            Some("-O0" | "-O1" | "-O2" | "-O3" | "-Os" | "-Oz") => Some(0),
            Some("-ffunction-sections") => Some(1),
            Some("-fdata-sections") => Some(2),
            Some("-fPIC") => Some(3),
            Some("-w") => Some(4),
            _ => None,
        };
        match kind {
            Some(k) if !dropped[k] => dropped[k] = true,
            _ => out.push(a),
        }
    }
    out
}

impl CTool {
    /// Finds the C toolchain for a target through the `cc` crate.
    pub(crate) fn discover(req: &CToolRequest<'_>, cache: &Cache) -> Result<CTool> {
        for var in cc_vars(req.target, req.host) {
            let _ = req.env.var(&var);
        }
        let mut b = cc::Build::new();
        b.target(req.target)
            .host(req.host)
            .opt_level(2)
            .debug(false)
            .out_dir(req.out_dir)
            // We report cc's variables ourselves (see cc_vars), so the no-op
            // path can print them again; cc would only print them once.
            .cargo_metadata(false)
            .emit_rerun_if_env_changed(false)
            .cargo_warnings(false)
            // cgo code (runtime/cgo included) is built with -Werror by its own
            // #cgo lines; cc's default -Wall -Wextra would break it.
            .warnings(false)
            .extra_warnings(false);
        if let Some(cc) = &req.cc {
            b.compiler(cc);
        }
        if let Some(ar) = &req.ar {
            b.archiver(ar);
        }
        let no_cc = |e: cc::Error| {
            Error::new(
                ErrorKind::Toolchain,
                format!("no C compiler for {}: {e}\n{}", req.target, compiler_hint(req.target, req.host)),
            )
        };
        let tool = b.try_get_compiler().map_err(no_cc)?;
        if tool.is_like_msvc() {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "the C compiler for {} is {}, which is MSVC-compatible (cl.exe or clang-cl); cgo needs a gcc-compatible \
                     compiler (Go does not support MSVC, golang/go#20982).\nUse a `*-windows-gnu` target with mingw-w64 \
                     gcc (or set CC_{} to a gcc or clang), or build the Go code with cgo off (Build::binary, a sidecar).",
                    req.target,
                    tool.path().display(),
                    req.target.replace('-', "_")
                ),
            ));
        }
        let mut cxx_build = b.clone();
        cxx_build.cpp(true);
        if let Some(cxx) = &req.cxx {
            cxx_build.compiler(cxx);
        }
        let cxx_tool = cxx_build.try_get_compiler().ok();
        let ar = b.try_get_archiver().map_err(no_cc)?;
        let argv = |t: &cc::Tool| {
            let mut v = vec![t.path().as_os_str().to_owned()];
            v.extend(t.args().iter().cloned());
            v
        };
        let mut cc = without_cc_defaults(argv(&tool));
        let mut cxx = cxx_tool.as_ref().map(argv).map(without_cc_defaults).unwrap_or_else(|| cc.clone());
        let mut env: Vec<(OsString, OsString)> = tool.get_envs().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        let ar = PathBuf::from(ar.get_program());
        let deployment_target = deployment_target_var(req.target).and_then(|var| req.env.var(var).map(|v| (var, v)));
        if let Some((var, value)) = &deployment_target {
            env.push((var.into(), value.into()));
            // cc read the process environment; a Build::env value wins, as a later flag.
            if req.env.overridden(var).is_some() {
                if let Some(flag) = deployment_target_flag(req.target, value) {
                    cc.push(flag.clone().into());
                    cxx.push(flag.into());
                }
            }
        }

        // The compiler's identity: its command and what it says it is.
        let mut version = Invocation::new(&cc[0], req.out_dir);
        version.arg("--version");
        version.env = base_env(&env);
        let (_, text) = version.probe().map_err(|e| {
            Error::new(
                ErrorKind::Toolchain,
                format!(
                    "cannot run the C compiler {} for {}: {e}\n{}",
                    Path::new(&cc[0]).display(),
                    req.target,
                    compiler_hint(req.target, req.host)
                ),
            )
        })?;
        // The compiler binary's identity: a bare name is looked up on PATH.
        let program = Path::new(&cc[0]);
        let resolved = if program.components().count() > 1 {
            Some(program.to_path_buf())
        } else {
            crate::toolchain::find_program(&program.to_string_lossy(), &req.env.path().unwrap_or_default())
        };
        let meta = resolved.and_then(|p| std::fs::metadata(p).ok());
        let id = format!(
            "{:?} {:?} {} {}",
            cc,
            env,
            text.lines().next().unwrap_or(""),
            meta.map(|m| format!("{}:{}", m.len(), crate::toolchain::mtime_nanos(&m))).unwrap_or_default()
        );
        let supported = probe_flags(&cc, &env, &id, cache).map_err(|e| {
            Error::new(
                ErrorKind::Toolchain,
                format!("the C compiler for {}: {e}\n{}", req.target, compiler_hint(req.target, req.host)),
            )
        })?;
        Ok(CTool { cc, cxx, ar, env, supported, id })
    }

    /// What link needs for external linking and archiving.
    pub(crate) fn ext_link(&self, c_archive: bool) -> ExtLink {
        ExtLink {
            extld: self.cc[0].to_string_lossy().into_owned(),
            extldflags: target_link_flags(&self.cc[1..]),
            extar: c_archive.then(|| self.ar.display().to_string()),
            env: self.env.clone(),
        }
    }

    pub(crate) fn supports(&self, flag: &str) -> bool {
        self.supported.iter().any(|f| f == flag)
    }

    /// `compilerCmd`: the compiler with cmd/go's base flags for the target.
    pub(crate) fn base_cmd(
        &self,
        compiler: &[OsString],
        ctx: &BuildContext,
        incdir: &Path,
        workdir: &Path,
    ) -> Vec<OsString> {
        let mut a: Vec<OsString> = compiler.to_vec();
        a.push("-I".into());
        a.push(incdir.into());
        if ctx.goos != "windows" {
            a.push("-fPIC".into());
        }
        a.extend(gcc_arch_args(ctx).into_iter().map(OsString::from));
        a.push(if ctx.goos == "windows" { "-mthreads" } else { "-pthread" }.into());
        if ctx.goos == "aix" {
            a.push("-mcmodel=large".into());
        }
        for f in ["-fno-caret-diagnostics", "-Qunused-arguments", "-Wl,--no-gc-sections"] {
            if self.supports(f) {
                a.push(f.into());
            }
        }
        a.push("-fmessage-length=0".into());
        if self.supports("-fdebug-prefix-map=a=b") {
            let flag = if self.supports("-ffile-prefix-map=a=b") { "-ffile-prefix-map" } else { "-fdebug-prefix-map" };
            let mut f = OsString::from(format!("{flag}="));
            f.push(workdir.as_os_str());
            f.push("=/tmp/go-build");
            a.push(f);
        }
        if self.supports("-gno-record-gcc-switches") {
            a.push("-gno-record-gcc-switches".into());
        }
        if ctx.goos == "darwin" || ctx.goos == "ios" {
            a.push("-fno-common".into());
        }
        a
    }

    /// The prefix-map flag that makes a source directory reproducible
    /// (`ccompile` with -trimpath), if the compiler has one.
    pub(crate) fn prefix_map(&self, from: &Path, to: &str) -> Option<OsString> {
        if !self.supports("-fdebug-prefix-map=a=b") {
            return None;
        }
        let flag = if self.supports("-ffile-prefix-map=a=b") { "-ffile-prefix-map" } else { "-fdebug-prefix-map" };
        let mut f = OsString::from(format!("{flag}="));
        f.push(from.as_os_str());
        f.push(format!("=/_/{to}"));
        Some(f)
    }
}

/// How link runs the external linker (`-extld`, `-extldflags`) and, for C
/// archives, the archiver (`-extar`), and what they need in the environment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ExtLink {
    pub extld: String,
    pub extldflags: Vec<String>,
    pub extar: Option<String>,
    /// `cc`'s environment for the compiler and the Apple deployment target.
    pub env: Vec<(OsString, OsString)>,
}

/// The environment for C steps: pass-through OS variables plus `cc`'s.
pub(crate) fn base_env(cc_env: &[(OsString, OsString)]) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = Vec::new();
    for k in crate::env::PASSTHROUGH {
        if let Some(v) = crate::env::passthrough(k) {
            env.push(((*k).into(), v));
        }
    }
    env.push(("TERM".into(), "dumb".into()));
    env.push(("LC_ALL".into(), "C".into()));
    env.extend(cc_env.iter().cloned());
    env
}

/// `gccArchArgs`.
pub(crate) fn gcc_arch_args(ctx: &BuildContext) -> Vec<&'static str> {
    let level = ctx.arch_level.as_ref().map(|(_, v)| v.as_str()).unwrap_or("");
    match ctx.goarch.as_str() {
        "386" => vec!["-m32"],
        "amd64" if ctx.goos == "darwin" => vec!["-arch", "x86_64", "-m64"],
        "amd64" => vec!["-m64"],
        "arm64" if ctx.goos == "darwin" => vec!["-arch", "arm64"],
        "arm" => vec!["-marm"],
        "s390x" => vec!["-m64", "-march=z13"],
        "mips64" | "mips64le" if level == "hardfloat" => vec!["-mabi=64", "-mhard-float"],
        "mips64" | "mips64le" if level == "softfloat" => vec!["-mabi=64", "-msoft-float"],
        "mips" | "mipsle" if level == "hardfloat" => {
            vec!["-mabi=32", "-march=mips32", "-mhard-float", "-mfp32", "-mno-odd-spreg"]
        }
        "mips" | "mipsle" if level == "softfloat" => vec!["-mabi=32", "-march=mips32", "-msoft-float"],
        "loong64" => vec!["-mabi=lp64d"],
        "ppc64" if ctx.goos == "aix" => vec!["-maix64"],
        _ => vec![],
    }
}

/// What to do when the target has no working C compiler.
fn compiler_hint(target: &str, host: &str) -> String {
    let var = format!("CC_{}", target.replace('-', "_"));
    if target.contains("-apple-") && !host.contains("-apple-") {
        format!(
            "cgo for Apple targets needs Apple's clang and SDK: build on macOS (Xcode or its Command Line Tools), or set \
             {var} (and AR_{}) to a cross toolchain such as osxcross.",
            target.replace('-', "_")
        )
    } else if target.contains("-windows-gnu") {
        format!(
            "cgo for Windows needs mingw-w64 gcc (Debian: gcc-mingw-w64-x86-64 or gcc-mingw-w64-i686) or llvm-mingw \
             clang; install it or set {var} to it."
        )
    } else {
        format!(
            "cgo needs a C compiler for the target: install one (for example `gcc`, or a cross gcc such as Debian's \
             gcc-aarch64-linux-gnu) or set {var} to it."
        )
    }
}

/// Probes each optional flag once per compiler identity; cached.
fn probe_flags(cc: &[OsString], env: &[(OsString, OsString)], id: &str, cache: &Cache) -> Result<Vec<String>> {
    let mut k = KeyBuilder::new("cc-probe");
    k.line("cc", id);
    for f in PROBED {
        k.line("flag", f);
    }
    let key = k.finish();
    if let Some(text) = cache.get_bytes(&key) {
        return Ok(String::from_utf8_lossy(&text).lines().map(str::to_string).collect());
    }
    let tmp = cache.temp_dir()?;
    // First, whether it compiles C for the target at all (a host compiler
    // given flags for another platform does not).
    let mut base = Invocation::new(&cc[0], tmp.path());
    for a in &cc[1..] {
        base.arg(a);
    }
    base.arg("-c").arg("-x").arg("c").arg("-").arg("-o").arg(tmp.path().join("probe.o"));
    base.env = base_env(env);
    let (ok, out) = base.probe()?;
    if !ok {
        return Err(Error::new(
            ErrorKind::Toolchain,
            format!("cannot compile an empty C file:\n$ {}\n{}", base.display(), out.trim_end()),
        ));
    }
    let mut supported = Vec::new();
    for flag in PROBED {
        let mut inv = Invocation::new(&cc[0], tmp.path());
        for a in &cc[1..] {
            inv.arg(a);
        }
        inv.arg(*flag);
        inv.arg("-O2").arg("-g");
        if !flag.starts_with("-Wl,") {
            inv.arg("-c");
        }
        inv.arg("-x").arg("c").arg("-").arg("-o").arg(tmp.path().join("probe.o"));
        inv.env = base_env(env);
        let (_, out) = inv.probe()?;
        let bad = ["unrecognized", "unknown", "unrecognised", "is not supported", "not recognized", "unsupported"];
        if !bad.iter().any(|w| out.contains(w)) {
            supported.push(flag.to_string());
        }
    }
    drop(tmp);
    cache.put_bytes(&key, supported.join("\n").as_bytes())?;
    Ok(supported)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    fn words(s: &str) -> Vec<OsString> {
        s.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn link_flags_keep_the_target_and_drop_the_rest() {
        // cc's command for armv7-unknown-linux-gnueabihf with a user CFLAGS.
        let armv7 = words(
            "-O2 -ffunction-sections -fdata-sections -fPIC -march=armv7-a -mthumb-interwork -mfpu=vfpv3-d16 -mfloat-abi=hard -DX=1 -Wall",
        );
        assert_eq!(
            target_link_flags(&armv7),
            ["-march=armv7-a", "-mthumb-interwork", "-mfpu=vfpv3-d16", "-mfloat-abi=hard"]
        );
        // cc's clang command for aarch64-apple-darwin from another host.
        let darwin = words(
            "-O2 -ffunction-sections -fdata-sections -fPIC --target=arm64-apple-macosx -mmacosx-version-min=11.0 -isysroot /sdk",
        );
        assert_eq!(
            target_link_flags(&darwin),
            ["--target=arm64-apple-macosx", "-mmacosx-version-min=11.0", "-isysroot", "/sdk"]
        );
        // gcc driving a darwin cross toolchain: -arch takes a value.
        assert_eq!(target_link_flags(&words("-arch arm64 -m64 -g")), ["-arch", "arm64", "-m64"]);
        assert!(target_link_flags(&words("-O2 -g -fPIC -I/x")).is_empty());
    }

    #[test]
    fn compile_command_drops_ccs_codegen_defaults_only() {
        let cmd = |s: &str| without_cc_defaults(words(s)).join(OsStr::new(" ")).to_string_lossy().into_owned();
        // cc's command for x86_64-unknown-linux-gnu (opt_level 2, debug off, warnings off).
        assert_eq!(cmd("cc -O2 -ffunction-sections -fdata-sections -fPIC -m64 -w"), "cc -m64");
        assert_eq!(cmd("cc -O2 -w -I/x -w"), "cc -I/x -w", "a -w of the user's own (CFLAGS) stays");
        // The target flags stay, and so does what a user's CFLAGS repeats.
        assert_eq!(
            cmd("arm-linux-gnueabihf-gcc -O2 -ffunction-sections -fdata-sections -fPIC -march=armv7-a -mfloat-abi=hard -O3 -ffunction-sections"),
            "arm-linux-gnueabihf-gcc -march=armv7-a -mfloat-abi=hard -O3 -ffunction-sections"
        );
        assert_eq!(
            cmd("clang --target=arm64-apple-macosx -isysroot /sdk"),
            "clang --target=arm64-apple-macosx -isysroot /sdk"
        );
    }

    #[test]
    fn apple_deployment_target_variables_and_flags() {
        assert_eq!(deployment_target_var("aarch64-apple-darwin"), Some("MACOSX_DEPLOYMENT_TARGET"));
        assert_eq!(deployment_target_var("x86_64-apple-darwin"), Some("MACOSX_DEPLOYMENT_TARGET"));
        assert_eq!(deployment_target_var("aarch64-apple-ios"), Some("IPHONEOS_DEPLOYMENT_TARGET"));
        assert_eq!(deployment_target_var("aarch64-apple-ios-macabi"), Some("IPHONEOS_DEPLOYMENT_TARGET"));
        assert_eq!(deployment_target_var("x86_64-unknown-linux-gnu"), None);
        let flag = |t: &str| deployment_target_flag(t, "11.0");
        assert_eq!(flag("aarch64-apple-darwin").as_deref(), Some("-mmacosx-version-min=11.0"));
        assert_eq!(flag("aarch64-apple-ios").as_deref(), Some("-miphoneos-version-min=11.0"));
        assert_eq!(flag("aarch64-apple-ios-sim").as_deref(), Some("-mios-simulator-version-min=11.0"));
        assert_eq!(flag("x86_64-apple-ios").as_deref(), Some("-mios-simulator-version-min=11.0"));
        assert_eq!(flag("aarch64-apple-ios-macabi"), None);
        let vars = cc_vars("aarch64-apple-darwin", "x86_64-unknown-linux-gnu");
        assert!(vars.iter().any(|v| v == "MACOSX_DEPLOYMENT_TARGET"), "{vars:?}");
        assert!(vars.iter().any(|v| v == "CC_aarch64_apple_darwin"), "{vars:?}");
        assert!(!cc_vars("aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu").iter().any(|v| v.contains("DEPLOY")));
    }
}
