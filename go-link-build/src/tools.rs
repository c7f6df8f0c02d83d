//! Argument lists for compile, asm and link, exactly as cmd/go builds them
//! for the running Go version (`cmd/go/internal/work/gc.go`).
//!
//! Architecture invariant: no IO. Each function turns a request into an
//! [`Invocation`]; planning puts it into a step, the executor runs it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::context::BuildContext;
use crate::exec::Invocation;
use crate::toolchain::{Host, Tool, Toolchain};

/// What kind of output the link step produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum BuildMode {
    /// A standalone program.
    Exe,
    /// A C archive (`-buildmode=c-archive`).
    CArchive,
}

impl BuildMode {
    /// The `-buildmode=` value link gets (`default` maps to `pie` where Go
    /// defaults to PIE: darwin, ios, android, windows).
    pub(crate) fn link_flag(self, goos: &str) -> &'static str {
        match self {
            BuildMode::CArchive => "c-archive",
            BuildMode::Exe if matches!(goos, "darwin" | "ios" | "android" | "windows") => "pie",
            BuildMode::Exe => "exe",
        }
    }

    /// The value recorded in build info (`-buildmode=exe` even where link gets `pie`).
    pub(crate) fn info_name(self) -> &'static str {
        match self {
            BuildMode::CArchive => "c-archive",
            BuildMode::Exe => "exe",
        }
    }

    /// Whether every compile and asm gets `-shared` (position-independent
    /// code), as `buildModeInit` decides.
    pub(crate) fn shared_codegen(self, goos: &str, goarch: &str) -> bool {
        match self {
            BuildMode::CArchive => match goos {
                "darwin" | "ios" => goarch == "arm64",
                "dragonfly" | "freebsd" | "illumos" | "linux" | "netbsd" | "openbsd" | "solaris" => true,
                _ => false,
            },
            // Default-PIE targets (`platform.DefaultPIE`) compile with -shared, except windows.
            BuildMode::Exe => matches!(goos, "darwin" | "ios" | "android"),
        }
    }
}

/// Std packages whose function declarations may lack bodies, which are
/// therefore never compiled with `-complete` (unchanged 1.21–1.27).
const NEVER_COMPLETE: &[&str] = &[
    "bytes",
    "internal/poll",
    "net",
    "os",
    "runtime/metrics",
    "runtime/pprof",
    "runtime/trace",
    "sync",
    "syscall",
    "time",
];

/// Go 1.21's list of packages compiled with `-+` (compiling the runtime).
const RUNTIME_121: &[&str] = &[
    "internal/abi",
    "internal/bytealg",
    "internal/coverage/rtcov",
    "internal/cpu",
    "internal/goarch",
    "internal/goos",
    "runtime",
    "runtime/internal/atomic",
    "runtime/internal/math",
    "runtime/internal/sys",
    "runtime/internal/syscall",
];

/// What the compile of one package needs to know.
pub(crate) struct CompileRequest<'a> {
    pub tc: &'a Toolchain,
    pub ctx: &'a BuildContext,
    pub import_path: &'a str,
    /// The `-p` value: the import path, or `main`.
    pub p: &'a str,
    pub standard: bool,
    /// `-lang` value (`go1.22`), or none.
    pub lang: Option<String>,
    pub complete: bool,
    pub shared: bool,
    pub trimpath: String,
    pub objdir: &'a Path,
    /// `-o`: the export data, or the whole archive without `linkobj`.
    pub output: PathBuf,
    /// `-linkobj`: where the object code goes, apart from the export data.
    pub linkobj: Option<PathBuf>,
    /// `-buildid`. None for go-link-build's own compiles: an ID derived from
    /// the action key would land in the export data and make it change
    /// whenever the key does, defeating early cutoff (package build IDs
    /// never reach the linked output).
    pub build_id: Option<String>,
    pub has_asm: bool,
    pub embedcfg: bool,
    pub files: Vec<PathBuf>,
    pub concurrency: usize,
    /// The flags of `-gcflags` for this package, after go-link-build's own
    /// (`gcToolchain.gc`: `defaultGcFlags`, then `forcedGcflags` and the
    /// package's `-gcflags`, then `-nolocalimports -importcfg …`).
    pub gcflags: Vec<String>,
    /// `-installsuffix` (`race` with `-race`), after `-complete`.
    pub installsuffix: Option<&'a str>,
    /// `-pgoprofile`: the PGO profile (raw for 1.21/1.22, preprocessed for 1.23+).
    pub pgoprofile: Option<PathBuf>,
    /// `-coveragecfg`: what the cover tool wrote for the compiler (`-cover`).
    pub coveragecfg: Option<PathBuf>,
}

/// The environment every Go tool runs with: the build context, GOROOT, and
/// the pass-through OS variables.
pub(crate) fn tool_env(ctx: &BuildContext, goroot: Option<&Path>) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = ctx.tool_env().into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    env.push(("GOROOT".into(), goroot.map(|p| p.as_os_str().to_owned()).unwrap_or_default()));
    for k in crate::env::PASSTHROUGH.iter().chain(GC_KNOBS) {
        if let Some(v) = crate::env::passthrough(k) {
            env.push(((*k).into(), v));
        }
    }
    env
}

/// The Go runtime's garbage-collector settings. A user who sets them gets
/// them in every tool, as `go build` (which passes its whole environment)
/// would give them; they change how much memory a tool uses and how fast it
/// runs, never what it writes.
const GC_KNOBS: &[&str] = &["GOGC", "GOMEMLIMIT"];

/// The garbage collector of compile and link when the user set neither
/// `GOGC` nor `GOMEMLIMIT` (with either set, they reach every tool as the
/// user set them). The collector's default (GOGC=100) makes the tools spend
/// a sixth of their CPU time collecting. A compile's heap is short-lived and
/// small next to the machine's memory, so compile runs without collecting
/// until its heap reaches a share of the memory (`GOGC=off`,
/// `GOMEMLIMIT=min(memory / (2 x cores), 2 GiB)`), from where the limit
/// keeps it collecting: compiling `runtime` took 4.3 s of CPU against 6.3 s
/// with the defaults and 5.0 s with GOGC=400 (net/http: 2.7, 3.5, 3.4 s;
/// peak RSS 680 MB for runtime, 310 MB by default). The link's heap grows
/// with the whole program, so link keeps collecting, less often
/// (`GOGC=400`), bounded by half the memory. Where memory is short (a
/// compile's share under 512 MiB, or half of it under 1 GiB for the link)
/// the tools keep Go's defaults, which for compile include its own starting
/// heap (`gc.Main`, `base.AdjustStartingHeap`, which yields to any GOGC or
/// GOMEMLIMIT). No output depends on these settings and no key holds them.
fn gc_settings(tool: Tool, memory: Option<u64>, cores: usize) -> Vec<(&'static str, String)> {
    const MIB: u64 = 1 << 20;
    match (tool, memory) {
        (Tool::Compile, Some(mem)) => {
            let share = (mem / (2 * cores.max(1) as u64)).min(2048 * MIB);
            if share < 512 * MIB {
                return Vec::new();
            }
            vec![("GOGC", "off".into()), ("GOMEMLIMIT", format!("{}MiB", share / MIB))]
        }
        // Memory unknown (not Unix): a compile's usual footprint.
        (Tool::Compile, None) => vec![("GOGC", "off".into()), ("GOMEMLIMIT", "1024MiB".into())],
        (_, Some(mem)) if mem / 2 < 1024 * MIB => Vec::new(),
        (_, Some(mem)) => vec![("GOGC", TOOL_GOGC.into()), ("GOMEMLIMIT", format!("{}MiB", mem / 2 / MIB))],
        (_, None) => vec![("GOGC", TOOL_GOGC.into())],
    }
}

/// `GOGC` of the link (see [`gc_settings`]).
pub(crate) const TOOL_GOGC: &str = "400";

/// Adds [`gc_settings`] to a compile or link unless the user's settings
/// (passed through by [`tool_env`]) are there.
fn gc_tuning(inv: &mut Invocation, tool: Tool, host: Host) {
    if inv.env.iter().any(|(k, _)| GC_KNOBS.iter().any(|g| k == g)) {
        return;
    }
    for (k, v) in gc_settings(tool, host.memory, host.cores) {
        inv.env(k, v);
    }
}

/// Decides `-complete` (the rule in gc.go, identical in 1.21–1.27): no
/// non-Go sources and not one of the body-less std packages.
pub(crate) fn complete(standard: bool, import_path: &str, n_non_go: usize) -> bool {
    n_non_go == 0 && !(standard && NEVER_COMPLETE.contains(&import_path))
}

pub(crate) fn compile(req: &CompileRequest<'_>) -> Invocation {
    let tc = req.tc;
    let o = req.objdir;
    let mut inv = Invocation::new(tc.tool(Tool::Compile), o);
    inv.env = tool_env(req.ctx, Some(&tc.goroot));
    gc_tuning(&mut inv, Tool::Compile, tc.host);
    inv.arg("-o").arg(&req.output);
    if let Some(l) = &req.linkobj {
        inv.arg("-linkobj").arg(l);
    }
    inv.arg("-trimpath").arg(&req.trimpath);
    inv.arg("-p").arg(req.p);
    if let Some(lang) = &req.lang {
        inv.arg(format!("-lang={lang}"));
    }
    if req.standard {
        inv.arg("-std");
    }
    if req.complete {
        inv.arg("-complete");
    }
    if tc.minor == 21 && req.standard && RUNTIME_121.contains(&req.import_path) {
        inv.arg("-+");
    }
    if let Some(s) = req.installsuffix {
        inv.arg("-installsuffix").arg(s);
    }
    if let Some(id) = &req.build_id {
        inv.arg("-buildid").arg(id);
    }
    inv.arg("-goversion").arg(&tc.version);
    // gcToolchain.gc: -coveragecfg right after -goversion.
    if let Some(cfg) = &req.coveragecfg {
        let mut flag = OsString::from("-coveragecfg=");
        flag.push(cfg);
        inv.arg(flag);
    }
    // gcToolchain.gc: after -goversion and -coveragecfg, before -symabis.
    if let Some(profile) = &req.pgoprofile {
        inv.arg(crate::load::pgo::compile_flag(profile));
    }
    if req.shared {
        inv.arg("-shared");
    }
    if req.ctx.goarch == "wasm" || req.ctx.goos == "plan9" {
        inv.arg("-dwarf=false");
    }
    if req.has_asm {
        inv.arg("-symabis").arg(o.join("symabis"));
    }
    inv.arg(format!("-c={}", req.concurrency.clamp(1, 4)));
    for f in &req.gcflags {
        inv.arg(f);
    }
    inv.arg("-nolocalimports");
    inv.arg("-importcfg").arg(o.join("importcfg"));
    if req.embedcfg {
        inv.arg("-embedcfg").arg(o.join("embedcfg"));
    }
    inv.arg("-pack");
    if req.has_asm {
        inv.arg("-asmhdr").arg(o.join("go_asm.h"));
    }
    for f in &req.files {
        inv.arg(f);
    }
    inv
}

/// What an assembly step needs.
pub(crate) struct AsmRequest<'a> {
    pub tc: &'a Toolchain,
    pub ctx: &'a BuildContext,
    pub import_path: &'a str,
    pub standard: bool,
    pub shared: bool,
    pub trimpath: String,
    pub objdir: &'a Path,
    pub pkg_dir: &'a Path,
}

/// The `-D` defines cmd/go adds for the target's arch level (`asmArgs`),
/// gated by the Go version that introduced them.
pub(crate) fn arch_defines(ctx: &BuildContext, go_minor: u32) -> Vec<String> {
    let level = ctx.arch_level.as_ref().map(|(_, v)| v.as_str()).unwrap_or("");
    let mut d = Vec::new();
    match ctx.goarch.as_str() {
        "386" => d.push(format!("GO386_{level}")),
        "amd64" => d.push(format!("GOAMD64_{level}")),
        "mips" | "mipsle" => d.push(format!("GOMIPS_{level}")),
        "mips64" | "mips64le" => d.push(format!("GOMIPS64_{level}")),
        "ppc64" | "ppc64le" => {
            if level == "power10" {
                d.push("GOPPC64_power10".into());
            }
            if level == "power10" || level == "power9" {
                d.push("GOPPC64_power9".into());
            }
            d.push("GOPPC64_power8".into());
        }
        "riscv64" if go_minor >= 23 => d.push(format!("GORISCV64_{level}")),
        "arm" if go_minor >= 22 => {
            if level.contains('7') {
                d.push("GOARM_7".into());
            }
            if level.contains('7') || level.contains('6') {
                d.push("GOARM_6".into());
            }
            d.push("GOARM_5".into());
        }
        "arm64" if go_minor >= 23 => {
            let base = level.split(',').next().unwrap_or("");
            let lse = level.split(',').any(|o| o == "lse") || (base != "v8.0" && !base.is_empty());
            if lse {
                d.push("GOARM64_LSE".into());
            }
        }
        _ => {}
    }
    d
}

/// Packages whose assembly may define ABIInternal functions and which got
/// `-compiling-runtime` from Go 1.21's cmd/go (`objabi.IsRuntimePackagePath`).
fn is_runtime_package_121(p: &str) -> bool {
    matches!(p, "runtime" | "reflect" | "syscall" | "internal/bytealg") || p.starts_with("runtime/internal/")
}

/// The common part of both assembler passes; the caller appends the mode.
pub(crate) fn asm_base(req: &AsmRequest<'_>) -> Invocation {
    let tc = req.tc;
    let mut inv = Invocation::new(tc.tool(Tool::Asm), req.pkg_dir);
    inv.env = tool_env(req.ctx, Some(&tc.goroot));
    inv.arg("-p").arg(req.import_path);
    inv.arg("-trimpath").arg(&req.trimpath);
    let mut objdir_inc = req.objdir.as_os_str().to_owned();
    objdir_inc.push(std::path::MAIN_SEPARATOR_STR);
    inv.arg("-I").arg(objdir_inc);
    inv.arg("-I").arg(tc.goroot.join("pkg").join("include"));
    inv.arg("-D").arg(format!("GOOS_{}", req.ctx.goos));
    inv.arg("-D").arg(format!("GOARCH_{}", req.ctx.goarch));
    if req.shared {
        inv.arg("-shared");
    }
    if tc.minor == 21 && req.standard && is_runtime_package_121(req.import_path) {
        inv.arg("-compiling-runtime");
    }
    if tc.minor >= 27 && req.standard {
        inv.arg("-std");
    }
    for def in arch_defines(req.ctx, tc.minor) {
        inv.arg("-D").arg(def);
    }
    inv
}

/// What the link step needs.
pub(crate) struct LinkRequest<'a> {
    pub tc: &'a Toolchain,
    pub ctx: &'a BuildContext,
    /// The user's settings (mode, `-s -w`, `-X` settings, trimpath).
    pub cfg: LinkConfig<'a>,
    pub output: PathBuf,
    pub importcfg: PathBuf,
    pub main_archive: PathBuf,
    pub godebug_default: &'a str,
    pub build_id: String,
    /// Whether the program is a command of `$GOROOT/src/cmd`, which gets its
    /// own build ID as `-X=cmd/internal/objabi.buildID=` (see [`cmd_build_id`]).
    pub cmd_build_id: bool,
    /// `-extld`, `-extldflags`, `-extar` and their environment (cgo builds).
    pub ext: Option<&'a crate::ctool::ExtLink>,
    /// The main package's `-ldflags` (`root.Package.Internal.Ldflags`), after
    /// `-buildid` and the `-X` values as cmd/go puts them.
    pub ldflags: &'a [String],
    /// `-installsuffix` (`race` with `-race`), first after `-importcfg`.
    pub installsuffix: Option<&'a str>,
    /// `MACOSX_DEPLOYMENT_TARGET`, for the Mach-O minimum OS version the
    /// internal linker writes (`-macos`, Go 1.27+; before, always 12.0/13.0).
    pub macos_min: Option<&'a str>,
    pub cwd: PathBuf,
}

/// The user's settings the link reads, borrowed from the build request.
#[derive(Clone, Copy)]
pub(crate) struct LinkConfig<'a> {
    pub mode: BuildMode,
    pub strip: bool,
    /// User `-X importpath.name=value` settings.
    pub x: &'a [(String, String)],
    pub trimpath: bool,
}

impl<'a> From<&crate::request::Request<'a>> for LinkConfig<'a> {
    fn from(r: &crate::request::Request<'a>) -> LinkConfig<'a> {
        LinkConfig { mode: r.mode, strip: r.cfg.strip, x: &r.cfg.x, trimpath: r.cfg.trimpath }
    }
}

/// Whether link gets `-X=cmd/internal/objabi.buildID=<build ID>`, as
/// `gcToolchain.ld` gives it (1.21–1.27) to a GOROOT command (`cmd/...`)
/// unless the target must link externally without cgo
/// (`platform.MustLinkExternal(goos, goarch, false)`): Go's tools report
/// their own build ID from it.
pub(crate) fn cmd_build_id(standard: bool, import_path: &str, goos: &str, goarch: &str) -> bool {
    let must_link_external = match goos {
        "android" => goarch != "arm64",
        "ios" => goarch == "arm64",
        _ => false,
    };
    standard && import_path.starts_with("cmd/") && !must_link_external
}

/// The GOROOT link runs with and the `GOROOT_FINAL` it gets, which decide
/// the binary's `runtime.defaultGOROOT` (what `runtime.GOROOT()` returns when
/// `GOROOT` is unset), as `gcToolchain.ld` (cmd/go/internal/work/gc.go) sets
/// them:
///
/// - 1.21/1.22 with `-trimpath`: `GOROOT_FINAL=$GOROOT`, the literal
///   seven-character string (`trimPathGoRootFinal`), which link treats as
///   "leave `runtime.defaultGOROOT` unset" (go.dev/issue/51461), so
///   `runtime.GOROOT()` is `""`;
/// - 1.23+ with `-trimpath`: an empty `GOROOT` (link skips the setting);
/// - without `-trimpath`: `GOROOT=<root>`, which link records.
///
/// The pair is part of the link's cache key (it changes the output).
pub(crate) fn link_goroot(tc: &Toolchain, trimpath: bool) -> (Option<&Path>, Option<&'static str>) {
    match (trimpath, tc.minor >= 23) {
        (true, true) => (None, None),
        (true, false) => (Some(tc.goroot.as_path()), Some("$GOROOT")),
        (false, _) => (Some(tc.goroot.as_path()), None),
    }
}

pub(crate) fn link(req: &LinkRequest<'_>) -> Invocation {
    let tc = req.tc;
    let mut inv = Invocation::new(tc.tool(Tool::Link), &req.cwd);
    let cfg = req.cfg;
    let (goroot, goroot_final) = link_goroot(tc, cfg.trimpath);
    inv.env = tool_env(req.ctx, goroot);
    gc_tuning(&mut inv, Tool::Link, tc.host);
    if let Some(v) = goroot_final {
        inv.env("GOROOT_FINAL", v);
    }
    inv.arg("-o").arg(&req.output);
    inv.arg("-importcfg").arg(&req.importcfg);
    if let Some(s) = req.installsuffix {
        inv.arg("-installsuffix").arg(s);
    }
    if cfg.strip {
        inv.arg("-s").arg("-w");
    }
    if req.cmd_build_id {
        inv.arg(format!("-X=cmd/internal/objabi.buildID={}", req.build_id));
    }
    if !req.godebug_default.is_empty() {
        inv.arg(format!("-X=runtime.godebugDefault={}", req.godebug_default));
    }
    inv.arg(format!("-buildmode={}", cfg.mode.link_flag(&req.ctx.goos)));
    inv.arg(format!("-buildid={}", req.build_id));
    for (k, v) in cfg.x {
        inv.arg(format!("-X={k}={v}"));
    }
    for f in req.ldflags {
        inv.arg(f);
    }
    if let Some(v) = req.macos_min.as_ref().filter(|_| req.ctx.goos == "darwin" && tc.minor >= 27) {
        inv.arg(format!("-macos={v}"));
    }
    if let Some(ext) = req.ext {
        inv.arg(format!("-extld={}", ext.extld));
        // The user's -extldflags (link keeps the last one) are added to the
        // target's, not replaced by them.
        let mut extldflags = ext.extldflags.clone();
        if let Some(user) = last_extldflags(req.ldflags).filter(|_| !ext.extldflags.is_empty()) {
            extldflags.extend(crate::goport::quoted_split(&user).unwrap_or_else(|_| vec![user]));
        }
        if !extldflags.is_empty() {
            inv.arg(format!("-extldflags={}", crate::goport::quoted_join(&extldflags)));
        }
        if let Some(extar) = &ext.extar {
            inv.arg(format!("-extar={extar}"));
        }
        inv.env.extend(ext.env.iter().cloned());
    }
    inv.arg(&req.main_archive);
    inv
}

/// The value of the last `-extldflags` in linker flags (`-extldflags=V`,
/// `-extldflags V`, one or two dashes), as link's flag parsing keeps it.
fn last_extldflags(ldflags: &[String]) -> Option<String> {
    let mut last = None;
    let mut it = ldflags.iter();
    while let Some(f) = it.next() {
        let Some(body) = f.strip_prefix("--").or_else(|| f.strip_prefix('-')) else { continue };
        if body == "extldflags" {
            last = it.next().cloned();
        } else if let Some(v) = body.strip_prefix("extldflags=") {
            last = Some(v.to_string());
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::tests::linux_amd64;

    fn tc(minor: u32) -> Toolchain {
        Toolchain {
            goroot: "/go".into(),
            version: format!("go1.{minor}.1"),
            minor,
            tool_dir: "/go/pkg/tool/linux_amd64".into(),
            found_by: "test".into(),
            host: Host { memory: Some(24 << 30), cores: 2 },
        }
    }

    fn args(inv: &Invocation) -> String {
        inv.args.iter().map(|a| a.to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn compile_runtime_121_vs_126() {
        let ctx = linux_amd64();
        for (minor, expect) in [
            (21, "-o /o/_pkg_.a -trimpath /go/src/runtime=>runtime;/o=> -p runtime -std -+ -buildid a/a -goversion go1.21.1 -symabis /o/symabis -c=2 -nolocalimports -importcfg /o/importcfg -pack -asmhdr /o/go_asm.h /go/src/runtime/proc.go"),
            (26, "-o /o/_pkg_.a -trimpath /go/src/runtime=>runtime;/o=> -p runtime -lang=go1.26 -std -buildid a/a -goversion go1.26.1 -coveragecfg=/o/coveragecfg -pgoprofile=/p/pgo.preprofile -symabis /o/symabis -c=2 -N -l -nolocalimports -importcfg /o/importcfg -pack -asmhdr /o/go_asm.h /go/src/runtime/proc.go"),
        ] {
            let tc = tc(minor);
            let req = CompileRequest {
                tc: &tc,
                ctx: &ctx,
                import_path: "runtime",
                p: "runtime",
                standard: true,
                lang: (minor >= 23).then(|| format!("go1.{minor}")),
                complete: complete(true, "runtime", 11),
                shared: false,
                trimpath: "/go/src/runtime=>runtime;/o=>".into(),
                objdir: Path::new("/o"),
                output: "/o/_pkg_.a".into(),
                linkobj: None,
                build_id: Some("a/a".into()),
                has_asm: true,
                embedcfg: false,
                files: vec!["/go/src/runtime/proc.go".into()],
                concurrency: 2,
                // -gcflags go after -c=N, before -nolocalimports, as in `go build -x -gcflags=-N\ -l`.
                gcflags: if minor == 26 { vec!["-N".into(), "-l".into()] } else { Vec::new() },
                installsuffix: None,
                pgoprofile: (minor >= 23).then(|| "/p/pgo.preprofile".into()),
                // gc.go: -coveragecfg between -goversion and -pgoprofile.
                coveragecfg: (minor == 26).then(|| "/o/coveragecfg".into()),
            };
            assert_eq!(args(&compile(&req)), expect);
        }
    }

    #[test]
    fn gc_tuning_yields_to_the_users_settings() {
        let gogc = |inv: &Invocation| -> Vec<String> {
            inv.env
                .iter()
                .filter(|(k, _)| GC_KNOBS.iter().any(|g| k == g))
                .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
                .collect()
        };
        let host = Host { memory: Some(24 << 30), cores: 2 };
        let mut inv = Invocation::new("compile", "/o");
        gc_tuning(&mut inv, Tool::Compile, host);
        assert_eq!(gogc(&inv), ["GOGC=off", "GOMEMLIMIT=2048MiB"]);
        for (k, v) in [("GOGC", "50"), ("GOMEMLIMIT", "1GiB")] {
            for tool in [Tool::Compile, Tool::Link] {
                let mut inv = Invocation::new("link", "/o");
                inv.env(k, v);
                gc_tuning(&mut inv, tool, host);
                assert_eq!(gogc(&inv), [format!("{k}={v}")], "the user's {k} alone");
            }
        }
    }

    #[test]
    fn gc_settings_scale_with_memory_and_cores() {
        const GIB: u64 = 1 << 30;
        let s = |tool, mem, cores| -> Vec<String> {
            gc_settings(tool, mem, cores).into_iter().map(|(k, v)| format!("{k}={v}")).collect()
        };
        // A compile's share: memory / (2 x cores), at most 2 GiB.
        assert_eq!(s(Tool::Compile, Some(24 * GIB), 2), ["GOGC=off", "GOMEMLIMIT=2048MiB"]);
        assert_eq!(s(Tool::Compile, Some(32 * GIB), 16), ["GOGC=off", "GOMEMLIMIT=1024MiB"]);
        assert_eq!(s(Tool::Compile, Some(7 * GIB), 4), ["GOGC=off", "GOMEMLIMIT=896MiB"]);
        // Short of memory: Go's defaults.
        assert!(s(Tool::Compile, Some(4 * GIB), 8).is_empty());
        assert!(s(Tool::Link, Some(GIB), 1).is_empty());
        assert_eq!(s(Tool::Compile, None, 8), ["GOGC=off", "GOMEMLIMIT=1024MiB"]);
        assert_eq!(s(Tool::Link, Some(24 * GIB), 2), ["GOGC=400", "GOMEMLIMIT=12288MiB"]);
        assert_eq!(s(Tool::Link, None, 2), ["GOGC=400"]);
    }

    #[test]
    fn complete_rule() {
        assert!(complete(true, "fmt", 0));
        assert!(!complete(true, "sync", 0));
        assert!(complete(false, "sync", 0), "the exception list is for std only");
        assert!(!complete(false, "example.com/x", 1));
    }

    #[test]
    fn asm_defines_by_version() {
        let mut ctx = linux_amd64();
        assert_eq!(arch_defines(&ctx, 21), vec!["GOAMD64_v3"]);
        ctx.goarch = "arm".into();
        ctx.arch_level = Some(("GOARM".into(), "6".into()));
        assert_eq!(arch_defines(&ctx, 21), Vec::<String>::new());
        assert_eq!(arch_defines(&ctx, 22), vec!["GOARM_6", "GOARM_5"]);
        ctx.goarch = "arm64".into();
        ctx.arch_level = Some(("GOARM64".into(), "v8.0".into()));
        assert!(arch_defines(&ctx, 26).is_empty());
        ctx.arch_level = Some(("GOARM64".into(), "v8.1".into()));
        assert_eq!(arch_defines(&ctx, 26), vec!["GOARM64_LSE"]);
        ctx.goarch = "ppc64le".into();
        ctx.arch_level = Some(("GOPPC64".into(), "power9".into()));
        assert_eq!(arch_defines(&ctx, 26), vec!["GOPPC64_power9", "GOPPC64_power8"]);
    }

    #[test]
    fn buildmodes() {
        assert_eq!(BuildMode::Exe.link_flag("linux"), "exe");
        assert_eq!(BuildMode::Exe.link_flag("darwin"), "pie");
        assert_eq!(BuildMode::Exe.link_flag("windows"), "pie");
        assert!(BuildMode::Exe.shared_codegen("darwin", "arm64"));
        assert!(!BuildMode::Exe.shared_codegen("windows", "amd64"));
        assert!(BuildMode::CArchive.shared_codegen("linux", "amd64"));
    }

    #[test]
    fn link_gets_the_external_toolchain() {
        let tc = tc(26);
        let mut ctx = linux_amd64();
        ctx.goos = "darwin".into();
        ctx.goarch = "arm64".into();
        let ext = crate::ctool::ExtLink {
            extld: "clang".into(),
            extldflags: vec!["--target=arm64-apple-macosx".into(), "-mmacosx-version-min=11.0".into()],
            extar: Some("/usr/bin/ar".into()),
            env: vec![("MACOSX_DEPLOYMENT_TARGET".into(), "11.0".into())],
        };
        let user = ["-X".to_string(), "main.v=1".to_string(), "-extldflags".to_string(), "-static -s".to_string()];
        let mut req = LinkRequest {
            tc: &tc,
            ctx: &ctx,
            cfg: LinkConfig { mode: BuildMode::CArchive, strip: false, x: &[], trimpath: true },
            output: "/o/a.out".into(),
            importcfg: "/o/importcfg.link".into(),
            main_archive: "/c/main.a".into(),
            godebug_default: "",
            build_id: "x/x/x/x".into(),
            cmd_build_id: false,
            ldflags: &[],
            installsuffix: None,
            ext: Some(&ext),
            macos_min: Some("11.0"),
            cwd: "/o".into(),
        };
        let inv = link(&req);
        // A user's -extldflags joins the target's (link keeps only the last -extldflags).
        req.ldflags = &user;
        let with_user = args(&link(&req));
        req.ldflags = &[];
        assert!(
            with_user.contains(
                "-X main.v=1 -extldflags -static -s -extld=clang \
                 -extldflags=--target=arm64-apple-macosx -mmacosx-version-min=11.0 -static -s "
            ),
            "{with_user}"
        );
        assert!(
            args(&inv).ends_with(
                "-buildmode=c-archive -buildid=x/x/x/x -extld=clang \
                 -extldflags=--target=arm64-apple-macosx -mmacosx-version-min=11.0 -extar=/usr/bin/ar /c/main.a"
            ),
            "{}",
            args(&inv)
        );
        assert!(inv.env.iter().any(|(k, v)| k == "MACOSX_DEPLOYMENT_TARGET" && v == "11.0"));
        assert!(inv.env.iter().any(|(k, v)| k == "GOOS" && v == "darwin"));
        assert!(!args(&inv).contains("-macos="), "no -macos before Go 1.27");

        // Go 1.27's internal linker takes the minimum macOS version as -macos.
        let tc27 = self::tc(27);
        let sidecar = LinkRequest { tc: &tc27, cfg: LinkConfig { mode: BuildMode::Exe, ..req.cfg }, ext: None, ..req };
        assert!(args(&link(&sidecar)).contains(" -macos=11.0 "), "{}", args(&link(&sidecar)));
        let linux = LinkRequest { ctx: &linux_amd64(), ..sidecar };
        assert!(!args(&link(&linux)).contains("-macos"));
    }
}
