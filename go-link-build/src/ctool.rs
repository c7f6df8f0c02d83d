//! The C toolchain for cgo: compiler, archiver and what they support.
//!
//! The compiler comes from the `cc` crate for the target, so `CC`,
//! `CC_<target>`, `TARGET_CC`, `CFLAGS`, `AR` and friends mean exactly what
//! they mean to every other build script. Which optional flags it accepts is
//! probed the way cmd/go's `gccSupportsFlag` does (compile an empty file with
//! the flag, look for "unrecognized" and similar words), once per compiler,
//! and cached.

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
    vars
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
                format!(
                    "no C compiler for {}: {e}\ncgo needs a C compiler for the target: install one (for example `gcc`, or a cross gcc such as `gcc-aarch64-linux-gnu`) or set CC_{} to it.",
                    req.target,
                    req.target.replace('-', "_")
                ),
            )
        };
        let tool = b.try_get_compiler().map_err(no_cc)?;
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
        let cc = argv(&tool);
        let cxx = cxx_tool.as_ref().map(argv).unwrap_or_else(|| cc.clone());
        let env: Vec<(OsString, OsString)> = tool.get_envs().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        let ar = PathBuf::from(ar.get_program());

        // The compiler's identity: its command and what it says it is.
        let mut version = Invocation::new(&cc[0], req.out_dir);
        version.arg("--version");
        version.env = base_env(&env);
        let (_, text) = version.probe().map_err(|e| {
            Error::new(ErrorKind::Toolchain, format!("cannot run the C compiler {}: {e}", Path::new(&cc[0]).display()))
        })?;
        let meta = which::which(&cc[0]).ok().and_then(|p| std::fs::metadata(p).ok());
        let id = format!(
            "{:?} {} {}",
            cc,
            text.lines().next().unwrap_or(""),
            meta.map(|m| format!("{}:{}", m.len(), crate::toolchain::mtime_nanos(&m))).unwrap_or_default()
        );
        let supported = probe_flags(&cc, &env, &id, cache)?;
        Ok(CTool { cc, cxx, ar, env, supported, id })
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

/// Probes each optional flag once per compiler identity; cached.
fn probe_flags(cc: &[OsString], env: &[(OsString, OsString)], id: &str, cache: &Cache) -> Result<Vec<String>> {
    let mut k = KeyBuilder::new("cc-probe");
    k.line("cc", id);
    for f in PROBED {
        k.line("flag", f);
    }
    let key = k.finish();
    if let Some(dir) = cache.lookup(&key) {
        if let Ok(text) = std::fs::read_to_string(dir.join("supported")) {
            return Ok(text.lines().map(str::to_string).collect());
        }
    }
    let tmp = cache.temp_dir()?;
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
    let _ = std::fs::remove_file(tmp.path().join("probe.o"));
    std::fs::write(tmp.path().join("supported"), supported.join("\n"))
        .map_err(|e| Error::io("write", tmp.path(), e))?;
    cache.commit(&key, tmp)?;
    Ok(supported)
}
