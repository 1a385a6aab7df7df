#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| lottopro_fuzz::pension_rows(data));
