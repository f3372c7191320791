//! Text measurement shared by the filters: word splitting per language and
//! the character classes of the reference implementations.

pub mod chars;
pub mod lang_code;
pub mod nfc;
pub mod punct;
pub mod simplify;
pub mod suggest;
pub mod url;
pub mod words;
