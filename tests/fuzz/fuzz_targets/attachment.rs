//! Any bytes as any document format: sniffing and reading never panic, abort or hang, and
//! what comes out is NFC.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicode_normalization::is_nfc;
use vnnews::extract::attachment::{self, Format};

const FORMATS: [Format; 6] = [Format::Pdf, Format::Docx, Format::Xlsx, Format::Pptx, Format::Odt, Format::Doc];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let url = url::Url::parse("http://127.0.0.1/tep.pdf").unwrap();
    let _ = attachment::sniff(body, None, &url);
    let d = attachment::read(body, FORMATS[pick as usize % FORMATS.len()]);
    assert!(is_nfc(&d.text));
});
