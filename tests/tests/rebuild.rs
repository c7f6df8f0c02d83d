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
    assert_eq!(third.stats().tool_time, std::time::Duration::ZERO, "no tool ran");

    // A real edit of the main package recompiles exactly that package and relinks.
    std::fs::write(&main_go, String::from_utf8(text).unwrap().replace("version:", "version =")).unwrap();
    let fourth = b.try_binary("app").unwrap();
    assert_eq!(fourth.stats().compiled, 1, "{:?}", fourth.stats());
    assert!(fourth.stats().linked);
    // The compile and the link ran, one after the other, within the build.
    assert!(fourth.stats().tool_time > std::time::Duration::ZERO, "{:?}", fourth.stats());
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

/// Early cutoff: a dependency that recompiles to the same export data leaves
/// its importers cached, and one whose link object is also unchanged leaves
/// the link cached. Observed through the build's counters; the program and
/// its build info stay those of `go build -trimpath`.
#[test]
fn edits_below_main_rebuild_only_what_changed() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("deep");
    let b = builder(&goroot, &dir.join("cmd/deep"), &scratch.join("out"), &scratch.join("cache"));
    let first = b.try_binary("deep").unwrap();
    assert_eq!(run(first.path(), &[]), "value(7) = 44\n");
    let low = dir.join("low/low.go");
    let text = std::fs::read_to_string(&low).unwrap();

    // A comment appended to the package three levels down: it recompiles
    // (its source changed), to the same bytes, so nothing else runs.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&low, format!("{text}\n// A comment that changes nothing.\n")).unwrap();
    let commented = b.try_binary("deep").unwrap();
    assert_eq!(commented.stats().compiled, 1, "only low: {:?}", commented.stats());
    assert!(!commented.stats().linked, "identical packages need no link: {:?}", commented.stats());

    // The body of a non-inlinable function, on the same line: low's export
    // data is unchanged, so mid, top and main stay cached; only the link
    // sees the new object code.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&low, text.replace("return n*3 + 1", "return n*3 + 2")).unwrap();
    let edited = b.try_binary("deep").unwrap();
    assert_eq!(edited.stats().compiled, 1, "only low: {:?}", edited.stats());
    assert!(edited.stats().linked, "{:?}", edited.stats());
    assert_eq!(run(edited.path(), &[]), "value(7) = 46\n");
    let go_bin = go_build(&goroot, &dir, "./cmd/deep", &scratch.join("deep-go"), &[]);
    assert_eq!(run(&go_bin, &[]), run(edited.path(), &[]));
    assert_eq!(version_m(&goroot, edited.path()), version_m(&goroot, &go_bin));
}

/// The progress events of a build (`Build::progress`): every planned action
/// starts once and finishes once, the count of finished actions reaches the
/// total, and an action whose output came from the cache says so.
#[test]
fn progress_events_cover_every_action_once() {
    use go_link_build::progress::Event;
    use std::sync::{Arc, Mutex};
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let build = |out: &str| {
        let mut b = builder(&goroot, &dir.join("cmd/app"), &scratch.join(out), &shared_cache("glb"));
        let sink = events.clone();
        b.progress(move |e| sink.lock().unwrap().push(e.clone()));
        let art = b.try_binary("app").unwrap();
        (art, std::mem::take(&mut *events.lock().unwrap()))
    };
    // Returns the total and, per action, (starts, finishes, cached).
    let check = |events: &[Event]| -> (usize, Vec<(usize, usize, Option<bool>)>) {
        let Some(Event::Planned { total }) = events.first() else { panic!("no Planned first: {events:?}") };
        let mut seen = vec![(0, 0, None); *total];
        let mut done = 0;
        for e in &events[1..] {
            match e {
                Event::Started { action, label } => {
                    assert!(!label.is_empty());
                    assert_eq!(seen[*action].1, 0, "{label} started after it finished");
                    seen[*action].0 += 1;
                }
                Event::Finished { action, cached, .. } => {
                    seen[*action].1 += 1;
                    seen[*action].2 = Some(*cached);
                    done += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(done, *total, "done != total");
        assert!(seen.iter().all(|s| s.0 == 1 && s.1 == 1), "not one start and one finish each: {seen:?}");
        (*total, seen)
    };
    let (first, events1) = build("out1");
    let (total, _) = check(&events1);
    assert!(total > 40, "std packages, the link and the install: {total}");
    let compiles = |ev: &[Event], want_cached: bool| {
        ev.iter()
            .filter(|e| matches!(e, Event::Finished { label, cached, .. } if label.starts_with("compile ") && *cached == want_cached))
            .count()
    };
    assert_eq!(compiles(&events1, false), first.stats().compiled, "{:?}", first.stats());
    assert_eq!(compiles(&events1, true), first.stats().cached, "{:?}", first.stats());
    assert!(events1.iter().any(|e| matches!(e, Event::Started { label, .. } if label == "compile runtime")));

    // Another output directory: no stamp, every action a cache hit but the install.
    let (second, events2) = build("out2");
    let (total2, seen) = check(&events2);
    assert_eq!(total2, total);
    assert_eq!(second.stats().compiled, 0);
    let labels: Vec<&str> = events2
        .iter()
        .filter_map(|e| match e {
            Event::Finished { label, cached: false, .. } => Some(label.as_str()),
            _ => None,
        })
        .collect();
    assert!(labels.len() == 1 && labels[0].starts_with("install "), "only the install runs: {labels:?} {seen:?}");

    // A no-op build reports nothing.
    let (third, events3) = build("out2");
    assert!(third.was_up_to_date());
    assert!(events3.is_empty(), "{events3:?}");
}
