//! The Vietnamese alphabet, on its own (no dependency beyond `std`): the build script that
//! compiles the built-in syllable model shares this file with the library.

/// Is `c` a letter of the Vietnamese alphabet (plus f, j, w, z used in loanwords)?
#[inline]
pub fn is_vietnamese_letter(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        // Latin-1 has the plain accented vowels; Latin Extended-A/B ă đ ĩ ũ ơ ư; all of Latin
        // Extended Additional's U+1EA0..U+1EF9 (ạ … ỹ) is Vietnamese.
        0xC0..=0xFF => matches!(
            c,
            'À' | 'Á'
                | 'Â'
                | 'Ã'
                | 'È'
                | 'É'
                | 'Ê'
                | 'Ì'
                | 'Í'
                | 'Ò'
                | 'Ó'
                | 'Ô'
                | 'Õ'
                | 'Ù'
                | 'Ú'
                | 'Ý'
                | 'à'
                | 'á'
                | 'â'
                | 'ã'
                | 'è'
                | 'é'
                | 'ê'
                | 'ì'
                | 'í'
                | 'ò'
                | 'ó'
                | 'ô'
                | 'õ'
                | 'ù'
                | 'ú'
                | 'ý'
        ),
        0x100..=0x1B0 => matches!(c, 'Ă' | 'ă' | 'Đ' | 'đ' | 'Ĩ' | 'ĩ' | 'Ũ' | 'ũ' | 'Ơ' | 'ơ' | 'Ư' | 'ư'),
        0x1EA0..=0x1EF9 => true,
        _ => false,
    }
}
