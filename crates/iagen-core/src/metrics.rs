//! Units for language-model loss: the trainer reports nats (natural-log cross-entropy);
//! students and papers often quote bits per character.

pub const LN_2: f32 = std::f32::consts::LN_2;

/// Cross-entropy in nats per character to bits per character.
pub fn nats_to_bits(nats: f32) -> f32 {
    nats / LN_2
}

/// Perplexity: the effective number of equally likely next characters.
pub fn perplexity(nats: f32) -> f32 {
    nats.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_over_two_is_one_bit_and_perplexity_two() {
        let nats = 2f32.ln();
        assert!((nats_to_bits(nats) - 1.0).abs() < 1e-6);
        assert!((perplexity(nats) - 2.0).abs() < 1e-5);
    }
}
