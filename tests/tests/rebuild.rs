//! Caching and reproducibility: no-op rebuilds run nothing, edits rebuild
//! just what changed, and builds in different directories are identical.

use go_link_build_tests::*;

#[test]
fn no_op_rebuild_runs_no_tool() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let b = builder(&goroot, &dir.join("cmd/app"), &scratch.join("out"), &scratch.join("cache"));
    let first = b.try_binary("app").unwrap();
    assert!(!first.was_up_to_date());
    assert!(first.stats().compiled > 40, "the first build compiles std too: {:?}", first.stats());
    assert!(first.stats().linked);

    // Nothing changed: the stamp matches and no tool runs.
    let second = b.try_binary("app").unwrap();
    assert!(second.was_up_to_date(), "second build should be a no-op");
    assert_eq!(second.stats(), go_link_build::Stats::default());

    // Touching a file without changing it: the stamp no longer matches, but
    // every action is a cache hit, so nothing compiles or links.
    let main_go = dir.join("cmd/app/main.go");
    let text = std::fs::read(&main_go).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&main_go, &text).unwrap();
    let third = b.try_binary("app").unwrap();
    assert!(!third.was_up_to_date());
    assert_eq!(third.stats().compiled, 0, "{:?}", third.stats());
    assert!(!third.stats().linked);

    // A real edit of the main package recompiles exactly that package and relinks.
    std::fs::write(&main_go, String::from_utf8(text).unwrap().replace("version:", "version =")).unwrap();
    let fourth = b.try_binary("app").unwrap();
    assert_eq!(fourth.stats().compiled, 1, "{:?}", fourth.stats());
    assert!(fourth.stats().linked);
    assert!(run(fourth.path(), &[]).contains("version = unset"));

    // Adding a file to a package is seen even though its directory is not a cargo input.
    std::fs::write(dir.join("shapes/extra.go"), "package shapes\n\nconst Extra = 1\n").unwrap();
    let fifth = b.try_binary("app").unwrap();
    assert!(!fifth.was_up_to_date());
    assert_eq!(fifth.stats().compiled, 3, "shapes, render and main: {:?}", fifth.stats());
}

#[test]
fn embedded_file_edit_rebuilds() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let b = builder(&goroot, &dir.join("cmd/app"), &scratch.join("out"), &scratch.join("cache"));
    b.try_binary("app").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(dir.join("cmd/app/banner.txt"), "== edited ==\n").unwrap();
    let again = b.try_binary("app").unwrap();
    assert_eq!(again.stats().compiled, 1);
    assert!(run(again.path(), &[]).starts_with("== edited =="));
}

#[test]
fn builds_in_different_directories_are_byte_identical() {
    let Some(goroot) = host_goroot() else { return };
    let (s1, d1) = copy_fixture("multi");
    let (s2, d2) = copy_fixture("multi");
    let a = builder(&goroot, &d1.join("cmd/app"), &s1.join("out"), &s1.join("cache")).try_binary("app").unwrap();
    let b =
        builder(&goroot, &d2.join("cmd/app"), &s2.join("out-elsewhere"), &s2.join("cache2")).try_binary("app").unwrap();
    let (x, y) = (std::fs::read(a.path()).unwrap(), std::fs::read(b.path()).unwrap());
    assert!(x == y, "binaries from {} and {} differ", d1.display(), d2.display());
}
