//! Finding and describing the Go toolchain.
//!
//! GOROOT is chosen by the first of these that yields a directory:
//!
//! 1. the `Build::goroot` setter;
//! 2. `GO_LINK_BUILD_GOROOT`, then `GOROOT`;
//! 3. `go env GOROOT` run with `GOTOOLCHAIN=local` (so it never downloads a
//!    toolchain), using `$GO` or the `go` found on `PATH`;
//! 4. the directory above a resolved `go` binary (`…/go/bin/go` → `…/go`).
//!
//! Only the tools in `$GOROOT/pkg/tool/<host>` are ever run for building. The
//! `go` command is at most asked where GOROOT is; a broken or missing `go`
//! simply moves discovery to the next step.

use std::path::{Path, PathBuf};

use crate::cache::{Cache, KeyBuilder};
use crate::env::Env;
use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;

/// The oldest Go release whose tools we know how to drive.
pub(crate) const MIN_MINOR: u32 = 21;

/// A usable Go toolchain.
#[derive(Clone, Debug)]
pub(crate) struct Toolchain {
    pub goroot: PathBuf,
    /// The first line of `$GOROOT/VERSION`, e.g. `go1.26.8`: what compile's
    /// `-goversion` must equal.
    pub version: String,
    /// 26 for go1.26.8.
    pub minor: u32,
    /// `$GOROOT/pkg/tool/<hostos>_<hostarch>`.
    pub tool_dir: PathBuf,
    /// How GOROOT was found, for messages.
    pub found_by: String,
    /// The machine the tools run on (their garbage-collector settings,
    /// `tools::gc_settings`).
    pub host: Host,
}

/// What the tools' garbage-collector settings depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Host {
    /// The memory this process may use (see [`host_memory`]); `None` where unknown.
    pub memory: Option<u64>,
    /// The cores it may use (`available_parallelism`).
    pub cores: usize,
}

impl Host {
    /// This machine, measured once per process.
    pub(crate) fn this() -> Host {
        static HOST: std::sync::OnceLock<Host> = std::sync::OnceLock::new();
        *HOST.get_or_init(|| Host {
            memory: host_memory(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        })
    }
}

/// The memory this process may use: the machine's physical memory (Unix),
/// capped on Linux by the cgroup's limit (a container or CI job gets less
/// than the machine has). `None` where it is not known.
fn host_memory() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads system configuration.
        let (pages, page) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
        let phys = (pages > 0 && page > 0).then(|| pages as u64 * page as u64)?;
        let cgroup = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
            .iter()
            .filter(|_| cfg!(target_os = "linux"))
            .filter_map(|f| std::fs::read_to_string(f).ok()?.trim().parse::<u64>().ok())
            .min();
        Some(cgroup.map_or(phys, |c| c.min(phys)))
    }
    #[cfg(not(unix))]
    None
}

/// The Go tools we run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Compile,
    Asm,
    Link,
    Cgo,
    /// PGO profile preprocessing (Go 1.23+).
    Preprofile,
    /// Coverage instrumentation (`Build::cover`).
    Cover,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Compile => "compile",
            Tool::Asm => "asm",
            Tool::Link => "link",
            Tool::Cgo => "cgo",
            Tool::Preprofile => "preprofile",
            Tool::Cover => "cover",
        }
    }
}

impl Toolchain {
    /// The path of a tool binary.
    pub(crate) fn tool(&self, tool: Tool) -> PathBuf {
        self.tool_dir.join(format!("{}{}", tool.name(), std::env::consts::EXE_SUFFIX))
    }

    /// `$GOROOT/VERSION`, which cargo is told to watch.
    pub(crate) fn version_file(&self) -> PathBuf {
        self.goroot.join("VERSION")
    }

    /// The tool identity for cache keys: what `compile -V=full` prints (a
    /// release version, or a build ID for development toolchains), plus the
    /// size and modification time of every tool binary we run, so that a
    /// rebuilt toolchain with an unchanged version string still misses.
    ///
    /// Cached under the tool binaries' paths, sizes and mtimes, so a build
    /// runs `compile -V=full` only after the toolchain changed.
    pub(crate) fn tool_id(&self, cache: &Cache) -> Result<String> {
        let mut stats = String::new();
        for tool in [Tool::Compile, Tool::Asm, Tool::Link, Tool::Cgo] {
            let path = self.tool(tool);
            let meta = std::fs::metadata(&path).map_err(|e| Error::io("stat", &path, e))?;
            stats.push_str(&format!(" {}:{}:{}", tool.name(), meta.len(), mtime_nanos(&meta)));
        }
        let mut k = KeyBuilder::new("tool-id");
        k.line("tooldir", self.tool_dir.display());
        k.line("tools", &stats);
        let key = k.finish();
        if let Some(id) = cache.get_bytes(&key).and_then(|b| String::from_utf8(b).ok()) {
            return Ok(id);
        }
        let mut id = self.compile_version()?;
        id.push_str(&stats);
        cache.put_bytes(&key, id.as_bytes())?;
        Ok(id)
    }

    /// What `compile -V=full` prints.
    fn compile_version(&self) -> Result<String> {
        let mut inv = Invocation::new(self.tool(Tool::Compile), &self.goroot);
        inv.arg("-V=full");
        inv.env("GOROOT", &self.goroot);
        let out = inv.run("# compile -V=full").map_err(|e| {
            Error::new(
                ErrorKind::Toolchain,
                format!(
                    "the Go compiler in {} does not run: {e}\nReinstall Go, or point GO_LINK_BUILD_GOROOT at a working GOROOT.",
                    self.tool_dir.display()
                ),
            )
        })?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

pub(crate) fn mtime_nanos(meta: &std::fs::Metadata) -> u128 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos()).unwrap_or(0)
}

/// Finds GOROOT (see the module docs for the order) and validates it.
pub(crate) fn discover(explicit: Option<&Path>, env: &Env, cache: &Cache) -> Result<Toolchain> {
    let mut tried: Vec<String> = Vec::new();
    if let Some(dir) = explicit {
        return validate(dir, "Build::goroot")
            .map_err(|e| e.context("the GOROOT given to Build::goroot is not usable"));
    }
    for var in ["GO_LINK_BUILD_GOROOT", "GOROOT"] {
        if let Some(dir) = env.var(var) {
            return validate(Path::new(&dir), &format!("${var}"))
                .map_err(|e| e.context(format!("{var}={dir} is not a usable GOROOT")));
        }
        tried.push(format!("${var}: not set"));
    }
    // The go command, from $GO or PATH.
    let go = match env.var("GO") {
        Some(go) => Some(PathBuf::from(go)),
        None => {
            let path = env.path().unwrap_or_default();
            find_program("go", &path)
        }
    };
    match &go {
        None => tried.push("`go` on PATH: not found".into()),
        Some(go) => {
            // `go env GOROOT` is the go binary's own GOROOT (GOROOT is unset
            // here, GOTOOLCHAIN=local): cached under the binary's path, size and mtime.
            let key = go_binary_key(go);
            if let Some(dir) = key.and_then(|k| cache.get_bytes(&k)).and_then(|b| String::from_utf8(b).ok()) {
                if let Ok(tc) = validate(Path::new(&dir), &format!("`{} env GOROOT` (cached)", go.display())) {
                    return Ok(tc);
                }
            }
            let mut inv = Invocation::new(go, std::env::temp_dir());
            inv.arg("env").arg("GOROOT");
            inv.env("GOTOOLCHAIN", "local");
            for k in crate::env::PASSTHROUGH {
                if let Some(v) = crate::env::passthrough(k) {
                    inv.env(*k, v);
                }
            }
            match inv.run("# go env GOROOT") {
                Ok(out) => {
                    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
                    if !dir.is_empty() {
                        match validate(Path::new(&dir), &format!("`{} env GOROOT`", go.display())) {
                            Ok(tc) => {
                                if let Some(k) = key {
                                    let _ = cache.put_bytes(&k, dir.as_bytes());
                                }
                                return Ok(tc);
                            }
                            Err(e) => tried.push(format!("`{} env GOROOT` = {dir}: {e}", go.display())),
                        }
                    }
                }
                Err(e) => tried.push(format!(
                    "`{} env GOROOT`: {}",
                    go.display(),
                    e.to_string().lines().skip(1).collect::<Vec<_>>().join(" ")
                )),
            }
            // The directory above the resolved binary.
            let resolved = std::fs::canonicalize(go).unwrap_or_else(|_| go.clone());
            if let Some(root) = resolved.parent().and_then(Path::parent) {
                match validate(root, &format!("parent of {}", resolved.display())) {
                    Ok(tc) => return Ok(tc),
                    Err(e) => tried.push(format!("{}: {e}", root.display())),
                }
            }
        }
    }
    Err(Error::new(
        ErrorKind::Toolchain,
        format!(
            "no Go toolchain found.\nTried, in order:\n  - {}\nInstall Go {MIN_MINOR} or newer (https://go.dev/dl/), or set GO_LINK_BUILD_GOROOT to the directory that holds its `src` and `pkg/tool`.",
            tried.join("\n  - ")
        ),
    ))
}

/// The cache key of a go binary's `go env GOROOT` answer.
fn go_binary_key(go: &Path) -> Option<crate::cache::ActionId> {
    let resolved = std::fs::canonicalize(go).ok()?;
    let meta = std::fs::metadata(&resolved).ok()?;
    let mut k = KeyBuilder::new("go-env-goroot");
    k.line("go", go.display());
    k.line("resolved", resolved.display());
    k.line("stat", format!("{} {}", meta.len(), mtime_nanos(&meta)));
    Some(k.finish())
}

/// Checks that `dir` is a GOROOT we can drive, and reads its version.
pub(crate) fn validate(dir: &Path, found_by: &str) -> Result<Toolchain> {
    let toolchain_err = |msg: String| Error::new(ErrorKind::Toolchain, msg);
    if !dir.join("src").is_dir() {
        return Err(toolchain_err(format!(
            "{} has no src/ directory; go-link-build compiles the standard library from source, so it needs a complete GOROOT",
            dir.display()
        )));
    }
    let tool_root = dir.join("pkg").join("tool");
    let host = host_tool_dir_name();
    let tool_dir = tool_root.join(&host);
    if !tool_dir.join(format!("compile{}", std::env::consts::EXE_SUFFIX)).is_file() {
        return Err(toolchain_err(format!(
            "{} has no compiler at {}; is this a GOROOT for this machine ({host})?",
            dir.display(),
            tool_dir.display()
        )));
    }
    let version_path = dir.join("VERSION");
    let text = std::fs::read_to_string(&version_path).map_err(|e| {
        toolchain_err(format!("cannot read {}: {e}; a Go release GOROOT has a VERSION file", version_path.display()))
    })?;
    let version = text.lines().next().unwrap_or("").trim().to_string();
    let semver = parse_go_version(&version).ok_or_else(|| {
        toolchain_err(format!("{} says {version:?}, which is not a Go release version", version_path.display()))
    })?;
    if semver.major != 1 || (semver.minor as u32) < MIN_MINOR {
        return Err(toolchain_err(format!(
            "{} is {version}, but go-link-build needs Go 1.{MIN_MINOR} or newer. Install a newer Go, or point GO_LINK_BUILD_GOROOT at one.",
            dir.display()
        )));
    }
    Ok(Toolchain {
        goroot: dir.to_path_buf(),
        minor: semver.minor as u32,
        version,
        tool_dir,
        found_by: found_by.to_string(),
        host: Host::this(),
    })
}

/// The first `name` (with an executable extension on Windows) in the
/// directories of a `PATH` value that is a regular file, executable on Unix;
/// what `which` does, without a crate. Empty entries are skipped rather than
/// read as the current directory, as Go's `exec.LookPath` refuses them too.
pub(crate) fn find_program(name: &str, path: &std::ffi::OsStr) -> Option<PathBuf> {
    let exts: &[&str] = if cfg!(windows) { &[".exe", ".cmd", ".bat", ""] } else { &[""] };
    for dir in std::env::split_paths(path).filter(|d| !d.as_os_str().is_empty()) {
        for ext in exts {
            let candidate = dir.join(format!("{name}{ext}"));
            let Ok(meta) = std::fs::metadata(&candidate) else { continue };
            #[cfg(unix)]
            let runnable = {
                use std::os::unix::fs::PermissionsExt;
                meta.is_file() && meta.permissions().mode() & 0o111 != 0
            };
            #[cfg(not(unix))]
            let runnable = meta.is_file();
            if runnable {
                return Some(candidate);
            }
        }
    }
    None
}

/// A Go release version from `$GOROOT/VERSION`: `go1.26.8`, `go1.21`, `go1.22rc1`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct GoVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// `rc1`, `beta2`, or empty for a release.
    pub pre: String,
}

/// `go1.26.8` → 1.26.8, `go1.21` → 1.21.0, `go1.22rc1` → 1.22.0 with pre `rc1`.
/// A prerelease part must be ASCII letters, digits, `.` and `-` (semver's
/// identifier characters), so `devel +abc …` is not a release version.
pub(crate) fn parse_go_version(v: &str) -> Option<GoVersion> {
    let rest = v.strip_prefix("go")?;
    let split = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    let (nums, pre) = rest.split_at(split);
    let mut it = nums.split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next().unwrap_or("0").parse().ok()?;
    let patch = it.next().unwrap_or("0").parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    let pre_ok = pre.split('.').all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !pre.is_empty() && !pre_ok {
        return None;
    }
    Some(GoVersion { major, minor, patch, pre: pre.to_string() })
}

/// `linux_amd64` for the machine we run on (the tools are host binaries).
pub(crate) fn host_tool_dir_name() -> String {
    format!("{}_{}", host_goos(), host_goarch())
}

fn host_goos() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

fn host_goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "arm" => "arm",
        "riscv64" => "riscv64",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        "loongarch64" => "loong64",
        other => other,
    }
}

/// What the toolchain itself says about a target: the arch level and the
/// enabled experiments, read from the header of an object it compiles
/// (`go object linux amd64 go1.26.8 GOAMD64=v1 X:regabiwrappers,…`). This is
/// exactly what the linker will later compare every object against, so file
/// selection and objects can never disagree, whatever the Go version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TargetProbe {
    pub arch_level: Option<(String, String)>,
    pub experiments: Vec<String>,
}

/// Parses the object header line.
pub(crate) fn parse_object_header(line: &str) -> Option<TargetProbe> {
    let mut words = line.strip_prefix("go object ")?.split(' ');
    let _goos = words.next()?;
    let _goarch = words.next()?;
    let _version = words.next()?;
    let mut probe = TargetProbe { arch_level: None, experiments: Vec::new() };
    for w in words {
        if let Some(x) = w.strip_prefix("X:") {
            probe.experiments = x.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
        } else if let Some((k, v)) = w.split_once('=') {
            probe.arch_level = Some((k.to_string(), v.to_string()));
        }
    }
    Some(probe)
}

/// Finds the header line in a `compile -pack` archive.
pub(crate) fn header_of_archive(data: &[u8]) -> Option<String> {
    let start = data.windows(10).position(|w| w == b"go object ")?;
    let end = data[start..].iter().position(|&b| b == b'\n')? + start;
    Some(String::from_utf8_lossy(&data[start..end]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_memory_is_known_on_unix() {
        let host = Host::this();
        assert!(host.cores >= 1);
        if cfg!(unix) {
            let mem = host.memory.expect("sysconf gives the physical memory");
            assert!(mem >= 256 << 20, "{mem} bytes");
        }
    }

    #[test]
    fn versions() {
        let v = |major, minor, patch| GoVersion { major, minor, patch, pre: String::new() };
        assert_eq!(parse_go_version("go1.26.8"), Some(v(1, 26, 8)));
        assert_eq!(parse_go_version("go1.21"), Some(v(1, 21, 0)));
        assert_eq!(parse_go_version("go1.22rc1").unwrap().pre.as_str(), "rc1");
        assert_eq!(parse_go_version("go1.22 rc1"), None);
        assert_eq!(parse_go_version("go1.2.3.4"), None);
        assert_eq!(parse_go_version("devel +abc"), None);
    }

    #[test]
    fn object_header() {
        let p = parse_object_header("go object linux amd64 go1.26.8 GOAMD64=v1 X:regabiwrappers,regabiargs,dwarf5")
            .unwrap();
        assert_eq!(p.arch_level, Some(("GOAMD64".into(), "v1".into())));
        assert_eq!(p.experiments, vec!["regabiwrappers", "regabiargs", "dwarf5"]);
        let p = parse_object_header("go object wasip1 wasm go1.26.8 X:dwarf5").unwrap();
        assert_eq!(p.arch_level, None);
        assert!(parse_object_header("not an object").is_none());
    }
}
