#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| go_link_build::fuzzing::build_constraints(data));
