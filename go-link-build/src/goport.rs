//! Ports of small Go library functions that several modules need, each
//! in one place and named after the Go function it ports: `strconv.Quote`
//! (with `strconv.IsPrint`'s tables), `cmd/internal/quoted.Split` and
//! `quoted.Join`, `path.Clean`, and `internal/gover`'s version parsing and
//! comparison (`1.21` < `1.21rc1` < `1.21.0`). Pure: no IO.
//!
//! (`go/build.splitQuoted`, with backslash escapes, is another rule and
//! stays with the `#cgo` parser in `cgoflags`; modfile's lexer keeps its own
//! printability approximation in `gomod.rs`.)

use std::cmp::Ordering;

// ---------------------------------------------------------------------------
// strconv

/// Go's `strconv.Quote` (and `%q`) of a byte string.
///
/// Printable runes (`strconv.IsPrint`, which is `unicode.IsPrint`: letters,
/// marks, numbers, punctuation, symbols and the ASCII space) stay as they
/// are; `\a \b \f \n \r \t \v \\ \"` are escaped by name; other bytes below
/// 0x80, DEL and each byte of invalid UTF-8 become `\xNN`; other runes
/// `\uXXXX` or `\UXXXXXXXX`. Hex digits are lower case.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    let mut i = 0;
    while i < bytes.len() {
        let Some(c) = decode_rune(&bytes[i..]) else {
            // utf8.DecodeRune's (RuneError, 1): one byte, as \xNN.
            out.push_str(&format!("\\x{:02x}", bytes[i]));
            i += 1;
            continue;
        };
        i += c.len_utf8();
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if is_print(c) => out.push(c),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if c < ' ' || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// The rune at the start of `bytes` if it is valid UTF-8, like
/// `utf8.DecodeRune` without the error case. Go and Rust reject the same
/// sequences (overlong forms, surrogates, values above U+10FFFF).
fn decode_rune(bytes: &[u8]) -> Option<char> {
    let width = match bytes.first()? {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return None,
    };
    std::str::from_utf8(bytes.get(..width)?).ok()?.chars().next()
}

/// `strconv.IsPrint`, on the tables of Go's `strconv/isprint.go`.
fn is_print(c: char) -> bool {
    let r = c as u32;
    // The Latin-1 fast path, which also covers the ASCII space.
    if r <= 0xff {
        return (0x20..=0x7e).contains(&r) || ((0xa1..=0xff).contains(&r) && r != 0xad);
    }
    // Find the first range bound >= r; r is printable if it lies inside
    // that pair and is not an exception.
    fn in_ranges<T: Ord + Copy>(ranges: &[T], r: T) -> bool {
        let i = ranges.partition_point(|&x| x < r);
        i < ranges.len() && ranges[i & !1] <= r && r <= ranges[i | 1]
    }
    if r < 0x10000 {
        let r = r as u16;
        return in_ranges(&isprint::IS_PRINT16, r) && isprint::IS_NOT_PRINT16.binary_search(&r).is_err();
    }
    if !in_ranges(&isprint::IS_PRINT32, r) {
        return false;
    }
    r >= 0x20000 || isprint::IS_NOT_PRINT32.binary_search(&((r - 0x10000) as u16)).is_err()
}
/// The printability tables of Go 1.26.8's `strconv/isprint.go` (Unicode
/// 15.0.0), generated there by `makeisprint.go` and copied verbatim: pairs of
/// inclusive ranges, then the exceptions inside them. Later Go releases may
/// print newly assigned characters where these escape them; build info is
/// ASCII in practice.
#[rustfmt::skip]
mod isprint {
    pub(super) const IS_PRINT16: [u16; 424] = [
        0x0020, 0x007e, 0x00a1, 0x0377, 0x037a, 0x037f, 0x0384, 0x0556, 0x0559, 0x058a, 0x058d, 0x05c7,
        0x05d0, 0x05ea, 0x05ef, 0x05f4, 0x0606, 0x070d, 0x0710, 0x074a, 0x074d, 0x07b1, 0x07c0, 0x07fa,
        0x07fd, 0x082d, 0x0830, 0x085b, 0x085e, 0x086a, 0x0870, 0x088e, 0x0898, 0x098c, 0x098f, 0x0990,
        0x0993, 0x09b2, 0x09b6, 0x09b9, 0x09bc, 0x09c4, 0x09c7, 0x09c8, 0x09cb, 0x09ce, 0x09d7, 0x09d7,
        0x09dc, 0x09e3, 0x09e6, 0x09fe, 0x0a01, 0x0a0a, 0x0a0f, 0x0a10, 0x0a13, 0x0a39, 0x0a3c, 0x0a42,
        0x0a47, 0x0a48, 0x0a4b, 0x0a4d, 0x0a51, 0x0a51, 0x0a59, 0x0a5e, 0x0a66, 0x0a76, 0x0a81, 0x0ab9,
        0x0abc, 0x0acd, 0x0ad0, 0x0ad0, 0x0ae0, 0x0ae3, 0x0ae6, 0x0af1, 0x0af9, 0x0b0c, 0x0b0f, 0x0b10,
        0x0b13, 0x0b39, 0x0b3c, 0x0b44, 0x0b47, 0x0b48, 0x0b4b, 0x0b4d, 0x0b55, 0x0b57, 0x0b5c, 0x0b63,
        0x0b66, 0x0b77, 0x0b82, 0x0b8a, 0x0b8e, 0x0b95, 0x0b99, 0x0b9f, 0x0ba3, 0x0ba4, 0x0ba8, 0x0baa,
        0x0bae, 0x0bb9, 0x0bbe, 0x0bc2, 0x0bc6, 0x0bcd, 0x0bd0, 0x0bd0, 0x0bd7, 0x0bd7, 0x0be6, 0x0bfa,
        0x0c00, 0x0c39, 0x0c3c, 0x0c4d, 0x0c55, 0x0c5a, 0x0c5d, 0x0c5d, 0x0c60, 0x0c63, 0x0c66, 0x0c6f,
        0x0c77, 0x0cb9, 0x0cbc, 0x0ccd, 0x0cd5, 0x0cd6, 0x0cdd, 0x0ce3, 0x0ce6, 0x0cf3, 0x0d00, 0x0d4f,
        0x0d54, 0x0d63, 0x0d66, 0x0d96, 0x0d9a, 0x0dbd, 0x0dc0, 0x0dc6, 0x0dca, 0x0dca, 0x0dcf, 0x0ddf,
        0x0de6, 0x0def, 0x0df2, 0x0df4, 0x0e01, 0x0e3a, 0x0e3f, 0x0e5b, 0x0e81, 0x0ebd, 0x0ec0, 0x0ed9,
        0x0edc, 0x0edf, 0x0f00, 0x0f6c, 0x0f71, 0x0fda, 0x1000, 0x10c7, 0x10cd, 0x10cd, 0x10d0, 0x124d,
        0x1250, 0x125d, 0x1260, 0x128d, 0x1290, 0x12b5, 0x12b8, 0x12c5, 0x12c8, 0x1315, 0x1318, 0x135a,
        0x135d, 0x137c, 0x1380, 0x1399, 0x13a0, 0x13f5, 0x13f8, 0x13fd, 0x1400, 0x169c, 0x16a0, 0x16f8,
        0x1700, 0x1715, 0x171f, 0x1736, 0x1740, 0x1753, 0x1760, 0x1773, 0x1780, 0x17dd, 0x17e0, 0x17e9,
        0x17f0, 0x17f9, 0x1800, 0x1819, 0x1820, 0x1878, 0x1880, 0x18aa, 0x18b0, 0x18f5, 0x1900, 0x192b,
        0x1930, 0x193b, 0x1940, 0x1940, 0x1944, 0x196d, 0x1970, 0x1974, 0x1980, 0x19ab, 0x19b0, 0x19c9,
        0x19d0, 0x19da, 0x19de, 0x1a1b, 0x1a1e, 0x1a7c, 0x1a7f, 0x1a89, 0x1a90, 0x1a99, 0x1aa0, 0x1aad,
        0x1ab0, 0x1ace, 0x1b00, 0x1b4c, 0x1b50, 0x1bf3, 0x1bfc, 0x1c37, 0x1c3b, 0x1c49, 0x1c4d, 0x1c88,
        0x1c90, 0x1cba, 0x1cbd, 0x1cc7, 0x1cd0, 0x1cfa, 0x1d00, 0x1f15, 0x1f18, 0x1f1d, 0x1f20, 0x1f45,
        0x1f48, 0x1f4d, 0x1f50, 0x1f7d, 0x1f80, 0x1fd3, 0x1fd6, 0x1fef, 0x1ff2, 0x1ffe, 0x2010, 0x2027,
        0x2030, 0x205e, 0x2070, 0x2071, 0x2074, 0x209c, 0x20a0, 0x20c0, 0x20d0, 0x20f0, 0x2100, 0x218b,
        0x2190, 0x2426, 0x2440, 0x244a, 0x2460, 0x2b73, 0x2b76, 0x2cf3, 0x2cf9, 0x2d27, 0x2d2d, 0x2d2d,
        0x2d30, 0x2d67, 0x2d6f, 0x2d70, 0x2d7f, 0x2d96, 0x2da0, 0x2e5d, 0x2e80, 0x2ef3, 0x2f00, 0x2fd5,
        0x2ff0, 0x2ffb, 0x3001, 0x3096, 0x3099, 0x30ff, 0x3105, 0x31e3, 0x31f0, 0xa48c, 0xa490, 0xa4c6,
        0xa4d0, 0xa62b, 0xa640, 0xa6f7, 0xa700, 0xa7ca, 0xa7d0, 0xa7d9, 0xa7f2, 0xa82c, 0xa830, 0xa839,
        0xa840, 0xa877, 0xa880, 0xa8c5, 0xa8ce, 0xa8d9, 0xa8e0, 0xa953, 0xa95f, 0xa97c, 0xa980, 0xa9d9,
        0xa9de, 0xaa36, 0xaa40, 0xaa4d, 0xaa50, 0xaa59, 0xaa5c, 0xaac2, 0xaadb, 0xaaf6, 0xab01, 0xab06,
        0xab09, 0xab0e, 0xab11, 0xab16, 0xab20, 0xab6b, 0xab70, 0xabed, 0xabf0, 0xabf9, 0xac00, 0xd7a3,
        0xd7b0, 0xd7c6, 0xd7cb, 0xd7fb, 0xf900, 0xfa6d, 0xfa70, 0xfad9, 0xfb00, 0xfb06, 0xfb13, 0xfb17,
        0xfb1d, 0xfbc2, 0xfbd3, 0xfd8f, 0xfd92, 0xfdc7, 0xfdcf, 0xfdcf, 0xfdf0, 0xfe19, 0xfe20, 0xfe6b,
        0xfe70, 0xfefc, 0xff01, 0xffbe, 0xffc2, 0xffc7, 0xffca, 0xffcf, 0xffd2, 0xffd7, 0xffda, 0xffdc,
        0xffe0, 0xffee, 0xfffc, 0xfffd,
    ];
    pub(super) const IS_NOT_PRINT16: [u16; 133] = [
        0x00ad, 0x038b, 0x038d, 0x03a2, 0x0530, 0x0590, 0x061c, 0x06dd, 0x083f, 0x085f, 0x08e2, 0x0984,
        0x09a9, 0x09b1, 0x09de, 0x0a04, 0x0a29, 0x0a31, 0x0a34, 0x0a37, 0x0a3d, 0x0a5d, 0x0a84, 0x0a8e,
        0x0a92, 0x0aa9, 0x0ab1, 0x0ab4, 0x0ac6, 0x0aca, 0x0b00, 0x0b04, 0x0b29, 0x0b31, 0x0b34, 0x0b5e,
        0x0b84, 0x0b91, 0x0b9b, 0x0b9d, 0x0bc9, 0x0c0d, 0x0c11, 0x0c29, 0x0c45, 0x0c49, 0x0c57, 0x0c8d,
        0x0c91, 0x0ca9, 0x0cb4, 0x0cc5, 0x0cc9, 0x0cdf, 0x0cf0, 0x0d0d, 0x0d11, 0x0d45, 0x0d49, 0x0d80,
        0x0d84, 0x0db2, 0x0dbc, 0x0dd5, 0x0dd7, 0x0e83, 0x0e85, 0x0e8b, 0x0ea4, 0x0ea6, 0x0ec5, 0x0ec7,
        0x0ecf, 0x0f48, 0x0f98, 0x0fbd, 0x0fcd, 0x10c6, 0x1249, 0x1257, 0x1259, 0x1289, 0x12b1, 0x12bf,
        0x12c1, 0x12d7, 0x1311, 0x1680, 0x176d, 0x1771, 0x180e, 0x191f, 0x1a5f, 0x1b7f, 0x1f58, 0x1f5a,
        0x1f5c, 0x1f5e, 0x1fb5, 0x1fc5, 0x1fdc, 0x1ff5, 0x208f, 0x2b96, 0x2d26, 0x2da7, 0x2daf, 0x2db7,
        0x2dbf, 0x2dc7, 0x2dcf, 0x2dd7, 0x2ddf, 0x2e9a, 0x3040, 0x3130, 0x318f, 0x321f, 0xa7d2, 0xa7d4,
        0xa9ce, 0xa9ff, 0xab27, 0xab2f, 0xfb37, 0xfb3d, 0xfb3f, 0xfb42, 0xfb45, 0xfe53, 0xfe67, 0xfe75,
        0xffe7,
    ];
    pub(super) const IS_PRINT32: [u32; 508] = [
        0x00010000, 0x0001004d, 0x00010050, 0x0001005d, 0x00010080, 0x000100fa, 0x00010100, 0x00010102, 0x00010107, 0x00010133, 0x00010137, 0x0001019c,
        0x000101a0, 0x000101a0, 0x000101d0, 0x000101fd, 0x00010280, 0x0001029c, 0x000102a0, 0x000102d0, 0x000102e0, 0x000102fb, 0x00010300, 0x00010323,
        0x0001032d, 0x0001034a, 0x00010350, 0x0001037a, 0x00010380, 0x000103c3, 0x000103c8, 0x000103d5, 0x00010400, 0x0001049d, 0x000104a0, 0x000104a9,
        0x000104b0, 0x000104d3, 0x000104d8, 0x000104fb, 0x00010500, 0x00010527, 0x00010530, 0x00010563, 0x0001056f, 0x000105bc, 0x00010600, 0x00010736,
        0x00010740, 0x00010755, 0x00010760, 0x00010767, 0x00010780, 0x000107ba, 0x00010800, 0x00010805, 0x00010808, 0x00010838, 0x0001083c, 0x0001083c,
        0x0001083f, 0x0001089e, 0x000108a7, 0x000108af, 0x000108e0, 0x000108f5, 0x000108fb, 0x0001091b, 0x0001091f, 0x00010939, 0x0001093f, 0x0001093f,
        0x00010980, 0x000109b7, 0x000109bc, 0x000109cf, 0x000109d2, 0x00010a06, 0x00010a0c, 0x00010a35, 0x00010a38, 0x00010a3a, 0x00010a3f, 0x00010a48,
        0x00010a50, 0x00010a58, 0x00010a60, 0x00010a9f, 0x00010ac0, 0x00010ae6, 0x00010aeb, 0x00010af6, 0x00010b00, 0x00010b35, 0x00010b39, 0x00010b55,
        0x00010b58, 0x00010b72, 0x00010b78, 0x00010b91, 0x00010b99, 0x00010b9c, 0x00010ba9, 0x00010baf, 0x00010c00, 0x00010c48, 0x00010c80, 0x00010cb2,
        0x00010cc0, 0x00010cf2, 0x00010cfa, 0x00010d27, 0x00010d30, 0x00010d39, 0x00010e60, 0x00010ead, 0x00010eb0, 0x00010eb1, 0x00010efd, 0x00010f27,
        0x00010f30, 0x00010f59, 0x00010f70, 0x00010f89, 0x00010fb0, 0x00010fcb, 0x00010fe0, 0x00010ff6, 0x00011000, 0x0001104d, 0x00011052, 0x00011075,
        0x0001107f, 0x000110c2, 0x000110d0, 0x000110e8, 0x000110f0, 0x000110f9, 0x00011100, 0x00011147, 0x00011150, 0x00011176, 0x00011180, 0x000111f4,
        0x00011200, 0x00011241, 0x00011280, 0x000112a9, 0x000112b0, 0x000112ea, 0x000112f0, 0x000112f9, 0x00011300, 0x0001130c, 0x0001130f, 0x00011310,
        0x00011313, 0x00011344, 0x00011347, 0x00011348, 0x0001134b, 0x0001134d, 0x00011350, 0x00011350, 0x00011357, 0x00011357, 0x0001135d, 0x00011363,
        0x00011366, 0x0001136c, 0x00011370, 0x00011374, 0x00011400, 0x00011461, 0x00011480, 0x000114c7, 0x000114d0, 0x000114d9, 0x00011580, 0x000115b5,
        0x000115b8, 0x000115dd, 0x00011600, 0x00011644, 0x00011650, 0x00011659, 0x00011660, 0x0001166c, 0x00011680, 0x000116b9, 0x000116c0, 0x000116c9,
        0x00011700, 0x0001171a, 0x0001171d, 0x0001172b, 0x00011730, 0x00011746, 0x00011800, 0x0001183b, 0x000118a0, 0x000118f2, 0x000118ff, 0x00011906,
        0x00011909, 0x00011909, 0x0001190c, 0x00011938, 0x0001193b, 0x00011946, 0x00011950, 0x00011959, 0x000119a0, 0x000119a7, 0x000119aa, 0x000119d7,
        0x000119da, 0x000119e4, 0x00011a00, 0x00011a47, 0x00011a50, 0x00011aa2, 0x00011ab0, 0x00011af8, 0x00011b00, 0x00011b09, 0x00011c00, 0x00011c45,
        0x00011c50, 0x00011c6c, 0x00011c70, 0x00011c8f, 0x00011c92, 0x00011cb6, 0x00011d00, 0x00011d36, 0x00011d3a, 0x00011d47, 0x00011d50, 0x00011d59,
        0x00011d60, 0x00011d98, 0x00011da0, 0x00011da9, 0x00011ee0, 0x00011ef8, 0x00011f00, 0x00011f3a, 0x00011f3e, 0x00011f59, 0x00011fb0, 0x00011fb0,
        0x00011fc0, 0x00011ff1, 0x00011fff, 0x00012399, 0x00012400, 0x00012474, 0x00012480, 0x00012543, 0x00012f90, 0x00012ff2, 0x00013000, 0x0001342f,
        0x00013440, 0x00013455, 0x00014400, 0x00014646, 0x00016800, 0x00016a38, 0x00016a40, 0x00016a69, 0x00016a6e, 0x00016ac9, 0x00016ad0, 0x00016aed,
        0x00016af0, 0x00016af5, 0x00016b00, 0x00016b45, 0x00016b50, 0x00016b77, 0x00016b7d, 0x00016b8f, 0x00016e40, 0x00016e9a, 0x00016f00, 0x00016f4a,
        0x00016f4f, 0x00016f87, 0x00016f8f, 0x00016f9f, 0x00016fe0, 0x00016fe4, 0x00016ff0, 0x00016ff1, 0x00017000, 0x000187f7, 0x00018800, 0x00018cd5,
        0x00018d00, 0x00018d08, 0x0001aff0, 0x0001b122, 0x0001b132, 0x0001b132, 0x0001b150, 0x0001b152, 0x0001b155, 0x0001b155, 0x0001b164, 0x0001b167,
        0x0001b170, 0x0001b2fb, 0x0001bc00, 0x0001bc6a, 0x0001bc70, 0x0001bc7c, 0x0001bc80, 0x0001bc88, 0x0001bc90, 0x0001bc99, 0x0001bc9c, 0x0001bc9f,
        0x0001cf00, 0x0001cf2d, 0x0001cf30, 0x0001cf46, 0x0001cf50, 0x0001cfc3, 0x0001d000, 0x0001d0f5, 0x0001d100, 0x0001d126, 0x0001d129, 0x0001d172,
        0x0001d17b, 0x0001d1ea, 0x0001d200, 0x0001d245, 0x0001d2c0, 0x0001d2d3, 0x0001d2e0, 0x0001d2f3, 0x0001d300, 0x0001d356, 0x0001d360, 0x0001d378,
        0x0001d400, 0x0001d49f, 0x0001d4a2, 0x0001d4a2, 0x0001d4a5, 0x0001d4a6, 0x0001d4a9, 0x0001d50a, 0x0001d50d, 0x0001d546, 0x0001d54a, 0x0001d6a5,
        0x0001d6a8, 0x0001d7cb, 0x0001d7ce, 0x0001da8b, 0x0001da9b, 0x0001daaf, 0x0001df00, 0x0001df1e, 0x0001df25, 0x0001df2a, 0x0001e000, 0x0001e018,
        0x0001e01b, 0x0001e02a, 0x0001e030, 0x0001e06d, 0x0001e08f, 0x0001e08f, 0x0001e100, 0x0001e12c, 0x0001e130, 0x0001e13d, 0x0001e140, 0x0001e149,
        0x0001e14e, 0x0001e14f, 0x0001e290, 0x0001e2ae, 0x0001e2c0, 0x0001e2f9, 0x0001e2ff, 0x0001e2ff, 0x0001e4d0, 0x0001e4f9, 0x0001e7e0, 0x0001e8c4,
        0x0001e8c7, 0x0001e8d6, 0x0001e900, 0x0001e94b, 0x0001e950, 0x0001e959, 0x0001e95e, 0x0001e95f, 0x0001ec71, 0x0001ecb4, 0x0001ed01, 0x0001ed3d,
        0x0001ee00, 0x0001ee24, 0x0001ee27, 0x0001ee3b, 0x0001ee42, 0x0001ee42, 0x0001ee47, 0x0001ee54, 0x0001ee57, 0x0001ee64, 0x0001ee67, 0x0001ee9b,
        0x0001eea1, 0x0001eebb, 0x0001eef0, 0x0001eef1, 0x0001f000, 0x0001f02b, 0x0001f030, 0x0001f093, 0x0001f0a0, 0x0001f0ae, 0x0001f0b1, 0x0001f0f5,
        0x0001f100, 0x0001f1ad, 0x0001f1e6, 0x0001f202, 0x0001f210, 0x0001f23b, 0x0001f240, 0x0001f248, 0x0001f250, 0x0001f251, 0x0001f260, 0x0001f265,
        0x0001f300, 0x0001f6d7, 0x0001f6dc, 0x0001f6ec, 0x0001f6f0, 0x0001f6fc, 0x0001f700, 0x0001f776, 0x0001f77b, 0x0001f7d9, 0x0001f7e0, 0x0001f7eb,
        0x0001f7f0, 0x0001f7f0, 0x0001f800, 0x0001f80b, 0x0001f810, 0x0001f847, 0x0001f850, 0x0001f859, 0x0001f860, 0x0001f887, 0x0001f890, 0x0001f8ad,
        0x0001f8b0, 0x0001f8b1, 0x0001f900, 0x0001fa53, 0x0001fa60, 0x0001fa6d, 0x0001fa70, 0x0001fa7c, 0x0001fa80, 0x0001fa88, 0x0001fa90, 0x0001fac5,
        0x0001face, 0x0001fadb, 0x0001fae0, 0x0001fae8, 0x0001faf0, 0x0001faf8, 0x0001fb00, 0x0001fbca, 0x0001fbf0, 0x0001fbf9, 0x00020000, 0x0002a6df,
        0x0002a700, 0x0002b739, 0x0002b740, 0x0002b81d, 0x0002b820, 0x0002cea1, 0x0002ceb0, 0x0002ebe0, 0x0002f800, 0x0002fa1d, 0x00030000, 0x0003134a,
        0x00031350, 0x000323af, 0x000e0100, 0x000e01ef,
    ];
    pub(super) const IS_NOT_PRINT32: [u16; 112] = [
        0x000c, 0x0027, 0x003b, 0x003e, 0x018f, 0x039e, 0x057b, 0x058b, 0x0593, 0x0596, 0x05a2, 0x05b2,
        0x05ba, 0x0786, 0x07b1, 0x0809, 0x0836, 0x0856, 0x08f3, 0x0a04, 0x0a14, 0x0a18, 0x0e7f, 0x0eaa,
        0x10bd, 0x1135, 0x11e0, 0x1212, 0x1287, 0x1289, 0x128e, 0x129e, 0x1304, 0x1329, 0x1331, 0x1334,
        0x133a, 0x145c, 0x1914, 0x1917, 0x1936, 0x1c09, 0x1c37, 0x1ca8, 0x1d07, 0x1d0a, 0x1d3b, 0x1d3e,
        0x1d66, 0x1d69, 0x1d8f, 0x1d92, 0x1f11, 0x246f, 0x6a5f, 0x6abf, 0x6b5a, 0x6b62, 0xaff4, 0xaffc,
        0xafff, 0xd455, 0xd49d, 0xd4ad, 0xd4ba, 0xd4bc, 0xd4c4, 0xd506, 0xd515, 0xd51d, 0xd53a, 0xd53f,
        0xd545, 0xd551, 0xdaa0, 0xe007, 0xe022, 0xe025, 0xe7e7, 0xe7ec, 0xe7ef, 0xe7ff, 0xee04, 0xee20,
        0xee23, 0xee28, 0xee33, 0xee38, 0xee3a, 0xee48, 0xee4a, 0xee4c, 0xee50, 0xee53, 0xee58, 0xee5a,
        0xee5c, 0xee5e, 0xee60, 0xee63, 0xee6b, 0xee73, 0xee78, 0xee7d, 0xee7f, 0xee8a, 0xeea4, 0xeeaa,
        0xf0c0, 0xf0d0, 0xfabe, 0xfb93,
    ];
}

// ---------------------------------------------------------------------------
// cmd/internal/quoted

/// `cmd/internal/quoted.Split`: fields separated by ASCII white space; a
/// field that starts with `'` or `"` runs to the matching quote, with no
/// escapes. What the Go command does with `CGO_CFLAGS`, `GOFLAGS`,
/// `-gcflags`, `-extldflags`.
pub(crate) fn quoted_split(s: &str) -> std::result::Result<Vec<String>, String> {
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let b = s.as_bytes();
    let mut f = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if b[i] == b'"' || b[i] == b'\'' {
            let quote = b[i];
            let start = i + 1;
            let Some(len) = b[start..].iter().position(|&c| c == quote) else {
                return Err(format!("unterminated {} string", quote as char));
            };
            f.push(s[start..start + len].to_string());
            i = start + len + 1;
            continue;
        }
        let start = i;
        while i < b.len() && !is_space(b[i]) {
            i += 1;
        }
        f.push(s[start..i].to_string());
    }
    Ok(f)
}

/// `cmd/internal/quoted.Join`: words joined by spaces, each quoted with `'`
/// (or `"` when it holds a `'`) when it holds white space or quotes, so
/// [`quoted_split`] gives them back.
pub(crate) fn quoted_join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let space = w.bytes().any(|b| b.is_ascii_whitespace());
            let (single, double) = (w.contains('\''), w.contains('"'));
            if !space && !single && !double {
                w.clone()
            } else if !single {
                format!("'{w}'")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// path

/// Go's `path.Clean` (slash-separated, lexical) of a byte path: no empty or
/// `.` elements, `..` applied where it can be (dropped at the root), `.`
/// for nothing.
pub(crate) fn path_clean_bytes(p: &[u8]) -> Vec<u8> {
    if p.is_empty() {
        return b".".to_vec();
    }
    let rooted = p[0] == b'/';
    let mut parts: Vec<&[u8]> = Vec::new();
    for elem in p.split(|&b| b == b'/') {
        match elem {
            b"" | b"." => {}
            b".." => {
                if parts.last().is_some_and(|l| *l != b"..") {
                    parts.pop();
                } else if !rooted {
                    parts.push(elem);
                }
            }
            _ => parts.push(elem),
        }
    }
    let mut out = Vec::with_capacity(p.len());
    if rooted {
        out.push(b'/');
    }
    out.extend_from_slice(&parts.join(&b'/'));
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

/// Go's `path.Clean` of a string ([`path_clean_bytes`]).
pub(crate) fn path_clean(p: &str) -> String {
    // Splitting and joining at `/` keeps UTF-8 intact.
    String::from_utf8(path_clean_bytes(p.as_bytes()))
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

// ---------------------------------------------------------------------------
// internal/gover

/// `gover.Compare` over Go versions (`1.21`, `1.21.3`, `1.21rc1`); invalid ones
/// (including "") sort first.
pub(crate) fn gover_compare(x: &str, y: &str) -> Ordering {
    let (vx, vy) = (gover_parse(x), gover_parse(y));
    compare_int(vx.0, vy.0)
        .then_with(|| compare_int(vx.1, vy.1))
        .then_with(|| compare_int(vx.2, vy.2))
        .then_with(|| vx.3.cmp(vy.3)) // "" < alpha < beta < rc
        .then_with(|| compare_int(vx.4, vy.4))
}

/// `internal/gover.parse`: (major, minor, patch, kind, pre) as decimal
/// strings and letters; all "" when invalid.
pub(crate) fn gover_parse(x: &str) -> (&str, &str, &str, &str, &str) {
    const INVALID: (&str, &str, &str, &str, &str) = ("", "", "", "", "");
    let Some((major, x)) = parse_int(x) else { return INVALID };
    if x.is_empty() {
        return (major, "0", "0", "", "");
    }
    let Some(x) = x.strip_prefix('.') else { return INVALID };
    let Some((minor, x)) = parse_int(x) else { return INVALID };
    if x.is_empty() {
        // Before 1.21 a missing patch means .0; from 1.21 on, 1.21 < 1.21rc1 < 1.21.0.
        let patch = if compare_int(minor, "21") == Ordering::Less { "0" } else { "" };
        return (major, minor, patch, "", "");
    }
    if let Some(x) = x.strip_prefix('.') {
        return match parse_int(x) {
            Some((patch, "")) => (major, minor, patch, "", ""),
            _ => INVALID,
        };
    }
    let n = x.bytes().take_while(|c| !c.is_ascii_digit()).count();
    if n == 0 || !x.as_bytes()[..n].iter().all(u8::is_ascii_lowercase) {
        return INVALID;
    }
    let (kind, x) = x.split_at(n);
    if x.is_empty() {
        return (major, minor, "", kind, "");
    }
    match parse_int(x) {
        Some((pre, "")) => (major, minor, "", kind, pre),
        _ => INVALID,
    }
}

/// `gover.IsValid`: `1`, `1.21`, `1.21.3`, `1.21rc1`, `1.21beta` (no `go` prefix).
pub(crate) fn gover_is_valid(x: &str) -> bool {
    !gover_parse(x).0.is_empty()
}

/// `parseInt` of `internal/gover` and `x/mod/semver`: a decimal without
/// unnecessary leading zeros, and the rest.
pub(crate) fn parse_int(v: &str) -> Option<(&str, &str)> {
    let n = v.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || (v.as_bytes()[0] == b'0' && n != 1) {
        return None;
    }
    Some((&v[..n], &v[n..]))
}

/// `cmpInt` of `internal/gover` (`compareInt` in `x/mod/semver`): decimals by value.
pub(crate) fn compare_int(x: &str, y: &str) -> Ordering {
    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn quote_like_strconv() {
        #[track_caller]
        fn check(input: &[u8], expect: &str) {
            assert_eq!(quote(input), expect);
        }
        check(b"", r#""""#);
        check(b"a\"b\\c\x7f\x01\n\x07\x08\x0c\r\t\x0b\x00", r#""a\"b\\c\x7f\x01\n\a\b\f\r\t\v\x00""#);
        check("é\u{a0}\u{ad}¡ÿ".as_bytes(), r#""é\u00a0\u00ad¡ÿ""#);
        check(
            "日本\u{2028}\u{feff}\u{1f600}\u{e0001}\u{10ffff}\u{20000}\u{e0100}".as_bytes(),
            r#""日本\u2028\ufeff😀\U000e0001\U0010ffff𠀀󠄀""#,
        );
        // Invalid UTF-8, byte by byte: truncated, overlong, surrogate, too large.
        check(&[0xe6, b'p', 0xe6, 0x97], r#""\xe6p\xe6\x97""#);
        check(
            &[0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xff],
            r#""\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\xff""#,
        );
        // A valid U+FFFD is printable.
        check("\u{fffd}".as_bytes(), "\"\u{fffd}\"");
        // Go 1.26.8's modinfo for `-ldflags='-X main.v=\xff\xfe\xed\xa0\x80z'`
        // has this value quoted inside (then quoted again).
        check(b"-X main.v=\xff\xfe\xed\xa0\x80z", r#""-X main.v=\xff\xfe\xed\xa0\x80z""#);
    }

    #[test]
    fn is_print_like_go() {
        for c in
            [' ', '~', '¡', 'ÿ', 'Ā', 'ͷ', '\u{37a}', '日', '\u{fffd}', '😀', '\u{20000}', '\u{1f3fb}', '\u{e0100}']
        {
            assert!(is_print(c), "{:x}", c as u32);
        }
        for c in [
            '\0',
            '\x1f',
            '\x7f',
            '\u{80}',
            '\u{a0}',
            '\u{ad}',
            '\u{378}',
            '\u{2028}',
            '\u{200b}',
            '\u{e000}',
            '\u{feff}',
            '\u{e0001}',
            '\u{f0000}',
            '\u{10ffff}',
            '\u{1d455}',
        ] {
            assert!(!is_print(c), "{:x}", c as u32);
        }
    }

    #[test]
    fn quoted_split_like_go() {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(quoted_split("a'b c'd").unwrap(), strings(&["a'b", "c'd"]));
        assert_eq!(quoted_split("'' \"\"").unwrap(), strings(&["", ""]));
        assert_eq!(quoted_split("  \t\n").unwrap(), Vec::<String>::new());
        assert!(quoted_split("\"x").is_err());
        assert_eq!(quoted_split("  -N   -l ").unwrap(), ["-N", "-l"]);
        assert_eq!(quoted_split("-X 'main.v=a b' \"-d=x y\"").unwrap(), ["-X", "main.v=a b", "-d=x y"]);
        assert!(quoted_split("-X 'open").unwrap_err().contains("unterminated ' string"));
    }

    #[test]
    fn quoted_join_is_undone_by_split() {
        let w = |v: &[&str]| quoted_join(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&["-m64", "-march=armv7-a"]), "-m64 -march=armv7-a");
        assert_eq!(w(&["--sysroot=/opt/my sdk"]), "'--sysroot=/opt/my sdk'");
        assert_eq!(w(&["-isysroot", "/it's here"]), "-isysroot \"/it's here\"");
        let words = ["a b", "it's", "x\"y", "plain"];
        assert_eq!(quoted_split(&w(&words)).unwrap(), words);
    }

    #[test]
    fn path_clean_like_go() {
        for (p, want) in [
            ("a/b", "a/b"),
            ("a//b/", "a/b"),
            ("./a/./b", "a/b"),
            ("a/../b", "b"),
            ("../a", "../a"),
            ("/../a", "/a"),
            ("", "."),
            ("a/..", "."),
            ("/a/b/../c", "/a/c"),
            ("/../x", "/x"),
            ("a/../../b", "../b"),
            ("./", "."),
            ("/a//b/./", "/a/b"),
            ("/", "/"),
            ("é/../ü", "ü"),
        ] {
            assert_eq!(path_clean(p), want, "{p}");
            assert_eq!(path_clean_bytes(p.as_bytes()), want.as_bytes(), "{p}");
        }
    }

    #[test]
    fn gover_like_go() {
        assert_eq!(gover_compare("1.13", "1.14"), Less);
        assert_eq!(gover_compare("1.14", "1.14.0"), Equal);
        assert_eq!(gover_compare("1.21", "1.21rc1"), Less);
        assert_eq!(gover_compare("1.21rc1", "1.21.0"), Less);
        assert_eq!(gover_compare("", "1.14"), Less);
        assert_eq!(gover_compare("1.22.3", "1.14"), Greater);
        assert_eq!(gover_compare("junk", "1"), Less);
    }

    #[test]
    fn gover_validity_like_go() {
        for ok in ["1", "1.21", "1.21.0", "1.21.3", "1.21rc1", "1.21beta", "1.9", "0.0"] {
            assert!(gover_is_valid(ok), "{ok}");
        }
        for bad in ["", "go1.21", "1.", "1.021", "01.2", "1.21.3rc1", "1.21RC1", "1.21rc01", "1.21.3.4", "1.x"] {
            assert!(!gover_is_valid(bad), "{bad}");
        }
    }
}
