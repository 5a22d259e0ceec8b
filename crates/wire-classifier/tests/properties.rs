//! Property tests: arbitrary text and arbitrary bytes never make the classifier panic.

use proptest::prelude::*;
use wire_classifier::{FeatureConfig, Model, extract_features};

proptest! {
    #[test]
    fn features_of_any_text_are_sorted_finite_and_bounded(text in ".{0,300}") {
        let config = FeatureConfig::words_bigrams_and_char_ngrams();
        let vector = extract_features(&config, &text);
        prop_assert!(vector.windows(2).all(|pair| pair[0].0 < pair[1].0));
        let in_range = vector
            .iter()
            .all(|(bucket, value)| (*bucket as usize) < config.buckets() && value.is_finite());
        prop_assert!(in_range);
        // Three groups, each of length at most its weight.
        let norm = vector.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        prop_assert!(norm <= config.word_weight + config.bigram_weight + config.char_weight + 1e-3);
    }

    #[test]
    fn arbitrary_bytes_are_never_a_model(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(Model::from_bytes(&bytes).is_err());
    }

    #[test]
    fn a_valid_signature_with_garbage_after_it_is_an_error(
        rest in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut bytes = b"WFCLSMDL\x01\x00\x00\x00".to_vec();
        bytes.extend(rest);
        prop_assert!(Model::from_bytes(&bytes).is_err());
    }
}
