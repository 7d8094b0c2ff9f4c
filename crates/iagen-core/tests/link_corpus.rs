//! Links as the page wrote them, GPT and diffusion, with and without trained steps: each must
//! keep decoding to the same experiment, whatever the spec tables become (a shared link is a
//! promise). Each is paired with its canonical form today; the canonical form must itself
//! decode to the same values.

use iagen_core::spec::training::{LR, TRAINED};
use iagen_core::spec::{Spec, VIEW, diffusion, gpt};

/// (link, canonical form today). Version 1 links that name no data set mean `refranes` (the
/// default then); version 2 writes it out.
const CORPUS: &[(&str, &str)] = &[
    ("v=1", "v=2&data=refranes"),
    ("v=1&lang=en", "v=2&lang=en&data=refranes"),
    (
        "v=1&data=shakespeare&temp=0.6",
        "v=2&data=shakespeare&temp=0.6",
    ),
    (
        "v=1&data=shakespeare&size=small&lr=0.002&batch=32&ctx=128&steps=900&trained=900",
        "v=2&data=shakespeare&size=small&lr=0.002&batch=32&ctx=128&steps=900&trained=900",
    ),
    (
        "v=1&steps=30&trained=30&tseed=7",
        "v=2&data=refranes&steps=30&trained=30&tseed=7",
    ),
    (
        "v=1&data=custom&text=En%20boca%20cerrada%20no%20entran%20moscas.&steps=50&trained=20",
        "v=2&data=custom&text=En%20boca%20cerrada%20no%20entran%20moscas.&steps=50&trained=20",
    ),
    (
        "v=1&data=palabras&size=tiny&ctx=32&steps=200&trained=200&seed=9&prompt=Dime&topk=5&topp=0.9&len=120",
        "v=2&data=palabras&size=tiny&ctx=32&steps=200&trained=200&seed=9&prompt=Dime&topk=5&topp=0.9&len=120",
    ),
    (
        "v=1&seed=3&prompt=A%20quien&temp=0&len=40",
        "v=2&data=refranes&seed=3&prompt=A%20quien&temp=0&len=40",
    ),
    ("v=1&view=diffusion", "v=2&view=diffusion&data=refranes"),
    (
        "v=1&view=diffusion&lang=en&class=siete",
        "v=2&view=diffusion&lang=en&data=refranes&class=siete",
    ),
    (
        "v=1&view=diffusion&seed=77&dsteps=4&class=zero&count=6",
        "v=2&view=diffusion&data=refranes&seed=77&dsteps=4&class=zero&count=6",
    ),
    (
        "v=1&view=diffusion&batch=8&steps=12&trained=12&tseed=5",
        "v=2&view=diffusion&data=refranes&batch=8&steps=12&trained=12&tseed=5",
    ),
    (
        "v=1&view=diffusion&size=tiny&lr=0.0005&steps=100&trained=40&idata=fashion&sched=linear&tmax=200",
        "v=2&view=diffusion&data=refranes&size=tiny&lr=0.0005&steps=100&trained=40&idata=fashion&sched=linear&tmax=200",
    ),
    (
        "v=1&view=diffusion&seed=1&idata=fashion&sampler=ddpm&dsteps=1000&guide=0&class=vestido&count=36",
        "v=2&view=diffusion&data=refranes&seed=1&idata=fashion&sampler=ddpm&dsteps=1000&guide=0&class=vestido&count=36",
    ),
    // Diffusion links could say the GPT's `small` before each family had its own table; the
    // view trained `tiny` for it, and so does the link now.
    (
        "v=1&view=diffusion&size=small&trained=10",
        "v=2&view=diffusion&data=refranes&size=tiny&trained=10",
    ),
    // Hand-written: any order, defaults spelt out, `+` for a space, a leading `#`.
    ("#v=1&temp=0.80&data=refranes&seed=42", "v=2&data=refranes"),
    (
        "v=1&prompt=A+quien&view=gpt",
        "v=2&data=refranes&prompt=A%20quien",
    ),
    (
        "v=1&count=4&view=diffusion&guide=3.5",
        "v=2&view=diffusion&data=refranes&guide=3.5&count=4",
    ),
    // Version 2: the new default data set goes unsaid; a GPT link keeps the diffusion view's
    // settings for when the student switches views.
    ("v=2", "v=2"),
    ("v=2&data=refranes&temp=0.6", "v=2&data=refranes&temp=0.6"),
    (
        "v=2&data=shakespeare&idata=fashion&guide=5",
        "v=2&data=shakespeare&idata=fashion&guide=5",
    ),
];

#[test]
fn todays_links_decode_to_the_same_experiment() {
    for (link, canonical) in CORPUS {
        let (spec, notices) = Spec::from_hash(link);
        assert!(notices.is_empty(), "{link}: {notices:?}");
        assert_eq!(spec.to_hash(), *canonical, "{link}");
        let (again, notices) = Spec::from_hash(canonical);
        assert!(notices.is_empty(), "{canonical}: {notices:?}");
        assert_eq!(again, spec, "{canonical}");
    }
}

#[test]
fn the_corpus_links_name_their_values() {
    let (g, _) = Spec::from_hash(CORPUS[3].0);
    assert_eq!(g.choice(&VIEW), "gpt");
    assert_eq!(g.choice(&gpt::SIZE), "small");
    assert_eq!(g.int(&TRAINED), 900);
    assert_eq!(g.float(&LR), 0.002);
    let (old, _) = Spec::from_hash("v=1&steps=30&trained=30");
    assert_eq!(old.choice(&gpt::DATA), "refranes");
    let (new, _) = Spec::from_hash("v=2&steps=30&trained=30");
    assert_eq!(new.choice(&gpt::DATA), "frases");
    let (d, _) = Spec::from_hash(CORPUS[12].0);
    assert_eq!(d.choice(&VIEW), "diffusion");
    assert_eq!(d.choice(&diffusion::IDATA), "fashion");
    assert_eq!(d.choice(&diffusion::SIZE), "tiny");
    assert_eq!(d.choice(&diffusion::SCHED), "linear");
    assert_eq!(d.int(&diffusion::TMAX), 200);
    assert_eq!(d.int(&TRAINED), 40);
    let (small, _) = Spec::from_hash("v=1&view=diffusion&size=small");
    assert_eq!(small.choice(&diffusion::SIZE), "tiny");
}
