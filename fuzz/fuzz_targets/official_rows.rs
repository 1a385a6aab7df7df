#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| lottopro_fuzz::official_rows(data));
