//! Links as the page writes them today, GPT and diffusion, with and without trained steps:
//! each must keep decoding to the same experiment, whatever the spec table becomes (a
//! shared link is a promise). The page writes canonical hashes, so each link here is its own
//! expected canonical form; the last ones are hand-written variants with their canonical form.

use iagen_core::spec::Spec;

const CANONICAL: &[&str] = &[
    "v=1",
    "v=1&lang=en",
    "v=1&data=shakespeare&temp=0.6",
    "v=1&data=shakespeare&size=small&lr=0.002&batch=32&ctx=128&steps=900&trained=900",
    "v=1&steps=30&trained=30&tseed=7",
    "v=1&data=custom&text=En%20boca%20cerrada%20no%20entran%20moscas.&steps=50&trained=20",
    "v=1&data=palabras&size=tiny&ctx=32&steps=200&trained=200&seed=9&prompt=Dime&topk=5&topp=0.9&len=120",
    "v=1&seed=3&prompt=A%20quien&temp=0&len=40",
    "v=1&view=diffusion",
    "v=1&view=diffusion&lang=en&class=siete",
    "v=1&view=diffusion&seed=77&dsteps=4&class=zero&count=6",
    "v=1&view=diffusion&batch=8&steps=12&trained=12&tseed=5",
    "v=1&view=diffusion&size=tiny&lr=0.0005&steps=100&trained=40&idata=fashion&sched=linear&tmax=200",
    "v=1&view=diffusion&seed=1&idata=fashion&sampler=ddpm&dsteps=1000&guide=0&class=vestido&count=36",
    // A diffusion link with the GPT's `small`: the view trains `tiny`, the link keeps `small`.
    "v=1&view=diffusion&size=small&trained=10",
];

/// Hand-written links (order, defaults spelt out, `+` for a space) and what they mean.
const VARIANTS: &[(&str, &str)] = &[
    ("#v=1&temp=0.80&data=refranes&seed=42", "v=1"),
    ("v=1&prompt=A+quien&view=gpt", "v=1&prompt=A%20quien"),
    (
        "v=1&count=4&view=diffusion&guide=3.5",
        "v=1&view=diffusion&guide=3.5&count=4",
    ),
];

#[test]
fn todays_links_decode_to_the_same_experiment() {
    for link in CANONICAL {
        let (spec, notices) = Spec::from_hash(link);
        assert!(notices.is_empty(), "{link}: {notices:?}");
        assert_eq!(spec.to_hash(), *link);
    }
    for (link, canonical) in VARIANTS {
        let (spec, notices) = Spec::from_hash(link);
        assert!(notices.is_empty(), "{link}: {notices:?}");
        assert_eq!(spec.to_hash(), *canonical, "{link}");
    }
}

#[test]
fn the_corpus_links_name_their_values() {
    let (gpt, _) = Spec::from_hash(CANONICAL[3]);
    assert_eq!(gpt.text("view"), "gpt");
    assert_eq!(gpt.text("size"), "small");
    assert_eq!(gpt.int("trained"), 900);
    assert_eq!(gpt.float("lr"), 0.002);
    let (diffusion, _) = Spec::from_hash(CANONICAL[12]);
    assert_eq!(diffusion.text("view"), "diffusion");
    assert_eq!(diffusion.text("idata"), "fashion");
    assert_eq!(diffusion.text("sched"), "linear");
    assert_eq!(diffusion.int("tmax"), 200);
    assert_eq!(diffusion.int("trained"), 40);
}
