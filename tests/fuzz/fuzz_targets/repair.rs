//! Any text: repair never panics, returns NFC, records a repair for every change, and leaves
//! its own output alone when run again on clean (unchanged) input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicode_normalization::is_nfc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let r = vnnews::decode::repair(text);
    assert!(is_nfc(&r.text));
    if r.text != text {
        assert!(
            !r.repairs.is_empty(),
            "a change without a record: {text:?} -> {:?}",
            r.text
        );
    } else {
        assert!(
            r.repairs.is_empty() || !is_nfc(text),
            "a record without a change: {text:?}"
        );
    }
});
