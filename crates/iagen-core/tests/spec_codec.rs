//! The share-link codec: round trips, defaults omitted, every kind of bad input reported, and
//! arbitrary strings never panic.

use iagen_core::rng::Rng;
use iagen_core::spec::diffusion::IDATA;
use iagen_core::spec::gpt::{DATA, PROMPT, TEMP, TOPP};
use iagen_core::spec::training::{BATCH, LR, SEED};
use iagen_core::spec::vae::{BETA, LATENT, PICK};
use iagen_core::spec::{NoticeKind, Spec, percent_decode, percent_encode};

#[test]
fn default_spec_encodes_to_version_only() {
    assert_eq!(Spec::default().to_hash(), "v=2");
}

#[test]
fn round_trip_keeps_every_changed_field() {
    let mut spec = Spec::default();
    for (k, v) in [
        ("data", "shakespeare"),
        ("lr", "0.0005"),
        ("seed", "7"),
        ("trained", "30"),
        ("prompt", "¿Quién es? & =%+ñ"),
        ("temp", "0"),
        ("topk", "5"),
        ("lang", "en"),
    ] {
        assert_eq!(spec.set(k, v), None, "{k}={v}");
    }
    let hash = spec.to_hash();
    assert!(hash.starts_with("v=2&"));
    assert!(!hash.contains("batch="), "defaults are omitted: {hash}");
    let (back, notices) = Spec::from_hash(&format!("#{hash}"));
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(back, spec);
    assert_eq!(back.text(&PROMPT), "¿Quién es? & =%+ñ");
    assert_eq!(back.float(&LR), 0.0005);
}

#[test]
fn bad_values_fall_back_to_defaults_with_a_notice() {
    let (spec, notices) =
        Spec::from_hash("v=1&lr=abc&temp=NaN&data=klingon&seed=-1&batch=100000&colour=red");
    let defaults = Spec::default();
    assert_eq!(spec.float(&LR), defaults.float(&LR));
    assert_eq!(spec.float(&TEMP), defaults.float(&TEMP));
    assert_eq!(
        spec.choice(&DATA),
        "refranes",
        "a v=1 link's data set, kept"
    );
    assert_eq!(spec.int(&SEED), 0, "clamped to the minimum");
    assert_eq!(spec.int(&BATCH), 128, "clamped to the maximum");
    let kinds: Vec<(NoticeKind, &str)> = notices.iter().map(|n| (n.kind, n.key.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (NoticeKind::BadValue, "lr"),
            (NoticeKind::BadValue, "temp"),
            (NoticeKind::BadValue, "data"),
            (NoticeKind::OutOfRange, "seed"),
            (NoticeKind::OutOfRange, "batch"),
            (NoticeKind::UnknownKey, "colour"),
        ]
    );
    assert_eq!(notices[4].used, "128");
}

#[test]
fn infinite_and_overlong_values_are_reported() {
    let long = "a".repeat(500);
    let (spec, notices) = Spec::from_hash(&format!("v=1&lr=inf&prompt={long}"));
    assert!(spec.float(&LR).is_finite());
    assert_eq!(spec.text(&PROMPT).chars().count(), 200);
    assert_eq!(notices.len(), 2);
    assert!(notices[1].given.ends_with('…'));
}

#[test]
fn newer_or_broken_versions_are_reported_but_still_read() {
    let (spec, notices) = Spec::from_hash("v=9&seed=5");
    assert_eq!(spec.int(&SEED), 5);
    assert_eq!(notices[0].kind, NoticeKind::NewerVersion);
    let (_, notices) = Spec::from_hash("v=uno");
    assert_eq!(notices[0].kind, NoticeKind::BadValue);
}

#[test]
fn percent_codec_round_trips_and_tolerates_garbage() {
    let s = "a b/c?d=é&%ñ😀";
    assert_eq!(percent_decode(&percent_encode(s)), s);
    assert_eq!(percent_decode("%"), "%");
    assert_eq!(percent_decode("%4"), "%4");
    assert_eq!(percent_decode("%zz"), "%zz");
    assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    assert_eq!(percent_decode("a+b"), "a b");
}

/// Property: any string parses without panicking, every numeric field stays finite and in
/// range, and re-encoding the result reproduces the same spec.
#[test]
fn arbitrary_strings_never_panic_and_always_yield_a_valid_spec() {
    const ALPHABET: &[&str] = &[
        "v", "=", "&", "%", "1", "9", ".", "-", "e", "lr", "seed", "temp", "data", "prompt", "inf",
        "NaN", "%2", "%FF", "%C3%B1", "ñ", "😀", " ", "+", "#", "x", "0",
    ];
    let mut rng = Rng::new(2026);
    for _ in 0..20_000 {
        let len = rng.below(24);
        let s: String = (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect();
        let (spec, _) = Spec::from_hash(&s);
        for field in [&LR, &TEMP, &TOPP] {
            assert!(spec.float(field).is_finite(), "{s:?}");
        }
        let (again, notices) = Spec::from_hash(&spec.to_hash());
        assert!(notices.is_empty(), "{s:?} -> {notices:?}");
        assert_eq!(again, spec, "{s:?}");
    }
}

#[test]
fn each_view_reads_its_own_table_and_keeps_the_other_views_keys() {
    use iagen_core::spec::{diffusion, gpt};
    // `small` is a GPT size; the diffusion table reads that old spelling as `tiny`. The GPT's
    // `ctx` stays in a diffusion link, for when the student switches back.
    let (d, notices) = Spec::from_hash("v=1&size=small&view=diffusion&ctx=32");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(d.choice(&diffusion::SIZE), "tiny");
    assert_eq!(d.int(&gpt::CTX), 32);
    // Another view's key is still checked by its own table.
    let (g, notices) = Spec::from_hash("v=1&sampler=euler");
    assert_eq!(
        (notices[0].kind, notices[0].key.as_str()),
        (NoticeKind::BadValue, "sampler")
    );
    assert_eq!(g.choice(&diffusion::SAMPLER), "ddim");
    // Switching views re-reads the settings by the new view's table.
    let mut spec = Spec::default();
    assert_eq!(spec.set("size", "small"), None);
    assert_eq!(spec.set("view", "diffusion"), None);
    assert_eq!(spec.choice(&diffusion::SIZE), "tiny");
    assert_eq!(spec.to_hash(), "v=2&view=diffusion&size=tiny");
}

#[test]
fn a_huge_link_is_refused_whole_and_notices_are_capped() {
    use iagen_core::spec::{MAX_LINK_BYTES, MAX_NOTICES};
    let huge: String = (0..20_000).map(|i| format!("&k{i}=1")).collect();
    let (spec, notices) = Spec::from_hash(&format!("v=2&seed=5{huge}"));
    assert_eq!(spec, Spec::default(), "nothing of it is read");
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::TooLong);
    assert_eq!(notices[0].used, MAX_LINK_BYTES.to_string());
    let many: String = (0..25).map(|i| format!("&k{i}=1")).collect();
    let (spec, notices) = Spec::from_hash(&format!("v=2&seed=5{many}"));
    assert_eq!(spec.int(&SEED), 5, "the known keys still count");
    assert_eq!(notices.len(), MAX_NOTICES + 1);
    assert_eq!(
        (notices[10].kind, notices[10].given.as_str()),
        (NoticeKind::More, "15")
    );
}

#[test]
fn a_repeated_key_counts_once_with_its_last_value() {
    let (spec, notices) = Spec::from_hash("v=2&seed=-4&seed=abc&seed=12&view=gan&view=gpt");
    assert!(
        notices.is_empty(),
        "earlier values add no notice: {notices:?}"
    );
    assert_eq!(spec.int(&SEED), 12);
    assert_eq!(spec.to_hash(), "v=2&seed=12");
    let (spec, notices) = Spec::from_hash("v=2&seed=12&seed=abc");
    assert_eq!(
        spec.int(&SEED),
        SEED.default,
        "the last value counts, even a bad one"
    );
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::BadValue);
}

#[test]
fn a_vae_link_carries_its_experiment_and_clamps_bad_values() {
    let (spec, notices) =
        Spec::from_hash("#v=2&view=vae&idata=fashion&latent=16&beta=0.5&tseed=9&trained=40&pick=7");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(spec.choice(&IDATA), "fashion");
    assert_eq!(spec.int(&LATENT), 16);
    assert_eq!(spec.float(&BETA), 0.5);
    assert_eq!(spec.int(&PICK), 7);
    let (back, _) = Spec::from_hash(&spec.to_hash());
    assert_eq!(back, spec);

    let (spec, notices) = Spec::from_hash("#v=2&view=vae&latent=999&beta=nope&pick=-4");
    let kinds: Vec<(&str, NoticeKind)> = notices.iter().map(|n| (n.key.as_str(), n.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("latent", NoticeKind::OutOfRange),
            ("beta", NoticeKind::BadValue),
            ("pick", NoticeKind::OutOfRange)
        ]
    );
    assert_eq!(spec.int(&LATENT), 16, "clamped to the largest latent size");
    assert_eq!(spec.float(&BETA), 1.0);
    assert_eq!(spec.int(&PICK), 0);
}

#[test]
fn a_view_with_its_own_default_for_a_shared_key_uses_it() {
    use iagen_core::spec::gan;
    let (spec, notices) = Spec::from_hash("#v=2&view=gan");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        spec.int(&gan::BATCH),
        128,
        "the GAN's batch, not the GPT's 16"
    );
    assert_eq!(spec.int(&gan::STEPS), 1500);
    assert_eq!(spec.to_hash(), "v=2&view=gan");
    let (spec, _) = Spec::from_hash("#v=2&view=gan&batch=16");
    assert_eq!(spec.int(&gan::BATCH), 16, "a batch the link names is kept");
    assert_eq!(spec.to_hash(), "v=2&view=gan&batch=16");
}

#[test]
fn an_image_gan_link_carries_its_grid_and_run_and_clamps_bad_values() {
    use iagen_core::spec::ganimg;
    let (spec, notices) =
        Spec::from_hash("#v=2&view=ganimg&seed=9&class=siete&ia=3&ib=40&gstart=fresh&trained=4");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!((spec.int(&ganimg::FROM), spec.int(&ganimg::TO)), (3, 40));
    assert_eq!(spec.choice(&ganimg::START), "fresh");
    assert_eq!(spec.float(&ganimg::LR), 2e-4, "the DCGAN recipe's rate");
    assert_eq!(spec.int(&ganimg::BATCH), 32);
    let (back, _) = Spec::from_hash(&spec.to_hash());
    assert_eq!(back, spec);

    let (spec, notices) = Spec::from_hash("#v=2&view=ganimg&ia=500&gstart=robot&lr=-1");
    let kinds: Vec<(&str, NoticeKind)> = notices.iter().map(|n| (n.key.as_str(), n.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("ia", NoticeKind::OutOfRange),
            ("gstart", NoticeKind::BadValue),
            ("lr", NoticeKind::OutOfRange)
        ]
    );
    assert_eq!(spec.int(&ganimg::FROM), ganimg::GRID - 1);
    assert_eq!(spec.choice(&ganimg::START), "shipped");
}

#[test]
fn a_lesson_link_holds_the_lesson_and_its_finished_tasks() {
    use iagen_core::spec::lessons::{DONE, LESSON};
    let (spec, notices) = Spec::from_hash("#v=2&view=lessons&lesson=3&done=5&lang=en");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        (spec.view(), spec.int(&LESSON), spec.int(&DONE)),
        ("lessons", 3, 5)
    );
    assert_eq!(spec.to_hash(), "v=2&view=lessons&lang=en&lesson=3&done=5");
    // Three tasks at most: a fourth bit is out of range, clamped with a notice.
    let (spec, notices) = Spec::from_hash("#v=2&view=lessons&lesson=1&done=15");
    assert_eq!(
        (notices[0].kind, notices[0].key.as_str()),
        (NoticeKind::OutOfRange, "done")
    );
    assert_eq!(spec.int(&DONE), 7);
}

#[test]
fn a_pixel_gpt_link_holds_the_digit_asked_for_its_guidance_temperature_and_seed() {
    use iagen_core::spec::diffusion::CLASS;
    use iagen_core::spec::gpt::TEMP;
    use iagen_core::spec::pixelgpt::GUIDE;
    use iagen_core::spec::training::SEED;
    let (spec, notices) = Spec::from_hash("#v=2&view=pixelgpt&class=siete&guide=3.5&temp=1&seed=9");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        (
            spec.view(),
            spec.text(&CLASS),
            spec.float(&GUIDE),
            spec.float(&TEMP),
            spec.int(&SEED)
        ),
        ("pixelgpt", "siete", 3.5, 1.0, 9)
    );
    assert_eq!(
        spec.to_hash(),
        "v=2&view=pixelgpt&seed=9&temp=1&guide=3.5&class=siete"
    );
    // Left out, the guidance is the CLI's default; past its range, a notice and the limit.
    let (spec, _) = Spec::from_hash("#v=2&view=pixelgpt&class=siete");
    assert_eq!(spec.float(&GUIDE), 2.0);
    let (spec, notices) = Spec::from_hash("#v=2&view=pixelgpt&guide=50");
    assert_eq!(
        (notices[0].kind, notices[0].key.as_str()),
        (NoticeKind::OutOfRange, "guide")
    );
    assert_eq!(spec.float(&GUIDE), 10.0);
    // The temperature keeps its range here as in the text view.
    let (spec, notices) = Spec::from_hash("#v=2&view=pixelgpt&temp=99");
    assert_eq!(
        (notices[0].kind, notices[0].key.as_str()),
        (NoticeKind::OutOfRange, "temp")
    );
    assert!(spec.float(&TEMP) <= 2.0 + f64::EPSILON);
}

#[test]
fn a_comparison_link_holds_the_request_the_sample_count_the_steps_and_the_seed() {
    use iagen_core::spec::compare::CMPN;
    use iagen_core::spec::diffusion::{CLASS, DSTEPS};
    use iagen_core::spec::training::SEED;
    let (spec, notices) = Spec::from_hash("#v=2&view=compare&class=tres&cmpn=30&dsteps=10&seed=5");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        (
            spec.view(),
            spec.text(&CLASS),
            spec.int(&CMPN),
            spec.int(&DSTEPS),
            spec.int(&SEED)
        ),
        ("compare", "tres", 30, 10, 5)
    );
    let (again, _) = Spec::from_hash(&format!("#{}", spec.to_hash()));
    assert_eq!(again.to_hash(), spec.to_hash());
    // Too many samples for a page: clamped, and said.
    let (spec, notices) = Spec::from_hash("#v=2&view=compare&cmpn=100000");
    assert_eq!(
        (notices[0].kind, notices[0].key.as_str()),
        (NoticeKind::OutOfRange, "cmpn")
    );
    assert_eq!(spec.int(&CMPN), 500);
}
