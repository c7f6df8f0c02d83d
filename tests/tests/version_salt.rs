//! go-link-build's own version is in every cache key and stamp: the same
//! build made by another version of the crate (here: this version with a
//! salt, through the `test-hooks` feature) finds nothing of this one's in the
//! cache and does not trust its no-op stamp. Its own test executable,
//! because the salt is process-wide.

use go_link_build_tests::{builder, host_goroot, Scratch};

#[test]
fn another_version_of_go_link_build_reuses_no_cache_entry_and_no_stamp() {
    let Some(goroot) = host_goroot() else { return };
    let s = Scratch::new("version-salt");
    let dir = s.join("m");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/m\n\ngo 1.21\n").unwrap();
    // The smallest program: its packages are the runtime's, built twice here.
    std::fs::write(dir.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let (out, cache) = (s.join("out"), s.join("cache"));
    let first = builder(&goroot, &dir, &out, &cache).try_binary("m").unwrap();
    assert!(first.stats().compiled > 0 && first.stats().linked, "{:?}", first.stats());
    let again = builder(&goroot, &dir, &out, &cache).try_binary("m").unwrap();
    assert_eq!((again.stats().compiled, again.stats().linked), (0, false), "the same version reuses everything");

    go_link_build::test_hooks::set_version_salt_for_test(Some("other"));
    let other = builder(&goroot, &dir, &out, &cache).try_binary("m").unwrap();
    go_link_build::test_hooks::set_version_salt_for_test(None);
    let st = other.stats();
    assert!(
        st.cached == 0 && st.compiled == first.stats().compiled && st.linked,
        "another version reused entries: {st:?}"
    );
    let back = builder(&goroot, &dir, &out, &cache).try_binary("m").unwrap();
    assert_eq!((back.stats().compiled, back.stats().linked), (0, false), "this version's entries are still there");
}
