//! The command line as a person meets it: a misspelt flag is named, every command has --help,
//! a tiny GPT trains, saves in 16 bits and is scored end to end, and a VAE's prior samples are
//! written as a grid and an array, the same for the same seed.

use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iagen-cli"))
        .args(args)
        .output()
        .expect("the CLI runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_unknown_flag_is_an_error_that_names_it() {
    let out = cli(&[
        "train",
        "gpt",
        "--data",
        "x.txt",
        "--out",
        "x",
        "--bogus-flag",
        "1",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--bogus-flag"),
        "{}",
        text(&out.stderr)
    );
    let out = cli(&["train", "diffusion", "--out", "x", "--size", "huge"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("huge"), "{}", text(&out.stderr));
}

#[test]
fn every_command_explains_its_flags() {
    for (command, flag) in [
        (["train", "gpt"], "--eval-every"),
        (["sample", "gpt"], "--top-p"),
        (["eval", "gpt"], "--words"),
        (["train", "diffusion"], "--label-drop"),
        (["eval", "diffusion"], "--guidance"),
        (["train", "judge"], "--data"),
        (["train", "vae"], "--beta"),
        (["eval", "vae"], "--judge"),
        (["sample", "vae"], "--npy"),
        (["bench", "vae"], "--decodes"),
        (["train", "gan"], "--save-every"),
        (["sample", "gan"], "--class"),
        (["eval", "gan"], "--judge"),
        (["sample", "pixelgpt"], "--class"),
        (["bench", "gan"], "--rounds"),
    ] {
        let out = cli(&[command[0], command[1], "--help"]);
        assert!(out.status.success(), "{command:?}");
        assert!(
            text(&out.stdout).contains(flag),
            "{command:?}: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn a_tiny_gpt_trains_saves_in_half_precision_and_is_scored() {
    let dir = std::env::temp_dir().join(format!("iagen-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data.txt");
    let words = dir.join("words.txt");
    std::fs::write(&data, "en boca cerrada no entran moscas.\n".repeat(40)).unwrap();
    std::fs::write(&words, "boca\nmoscas\n").unwrap();
    let model = dir.join("model");
    let (data, words, model) = (
        data.to_str().unwrap(),
        words.to_str().unwrap(),
        model.to_str().unwrap(),
    );
    let out = cli(&[
        "train",
        "gpt",
        "--data",
        data,
        "--out",
        model,
        "--size",
        "nano",
        "--ctx",
        "16",
        "--batch",
        "4",
        "--steps",
        "4",
        "--eval-every",
        "2",
        "--precision",
        "half",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = text(&out.stdout);
    assert!(log.contains("held-out loss"), "{log}");
    // "custom: ... chars, vocab V, P parameters": 16-bit weights take two bytes each, plus names.
    let params: u64 = log
        .split(" parameters")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = std::fs::metadata(format!("{model}.bpk")).unwrap().len();
    assert!(bytes < 3 * params, "{bytes} bytes for {params} parameters");
    let out = cli(&[
        "eval",
        "gpt",
        "--model",
        model,
        "--text",
        data,
        "--tail",
        "0.1",
        "--words",
        words,
        "--samples",
        "2",
        "--len",
        "40",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("bits/char") && report.contains("seed 2:"),
        "{report}"
    );
    // Going on with a saved run may change its dropout (no weight depends on it); left out,
    // the saved run's is kept.
    let go_on = |from: &str, to: &str, steps: &str, dropout: Option<&str>| {
        let mut args = vec!["train", "gpt", "--data", data, "--init", from, "--out", to];
        args.extend(["--steps", steps, "--batch", "4", "--eval-every", "2"]);
        args.extend(dropout.map(|d| ["--dropout", d]).into_iter().flatten());
        let out = cli(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        std::fs::read_to_string(format!("{to}.json")).unwrap()
    };
    let (more, most) = (format!("{model}-more"), format!("{model}-most"));
    assert!(go_on(model, &more, "6", Some("0.2")).contains("\"dropout\": 0.2"));
    assert!(go_on(&more, &most, "8", None).contains("\"dropout\": 0.2"));
    // Several samples from one prompt, each ended where it first writes a space (or at --len),
    // each followed by a blank line; seed i + 1 after seed i, so the first is `--count 1`'s.
    let sample = |count: &str, seed: &str| {
        let args = [
            "sample", "gpt", "--model", model, "--prompt", "en", "--len", "30",
        ];
        let more = [
            "--count", count, "--until", " ", "--seed", seed, "--temp", "1",
        ];
        text(&cli(&[&args[..], &more[..]].concat()).stdout)
    };
    let three = sample("3", "7");
    let samples: Vec<&str> = three.split("\n\n").filter(|s| !s.is_empty()).collect();
    assert_eq!(samples.len(), 3, "{three:?}");
    for s in &samples {
        assert!(s.starts_with("en") && s.len() <= 32, "{s:?}");
        assert!(
            !s[2..].trim_end().contains(' '),
            "stopped at its first space: {s:?}"
        );
    }
    assert_eq!(sample("1", "7").trim_end(), samples[0]);
    assert_eq!(sample("1", "8").trim_end(), samples[1]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn vae_prior_samples_are_written_and_a_seed_reproduces_them() {
    let dir = std::env::temp_dir().join(format!("iagen-cli-vae-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/assets/models/vae-mnist"
    );
    let sample = |seed: &str, name: &str| {
        let (png, npy) = (
            dir.join(format!("{name}.png")),
            dir.join(format!("{name}.npy")),
        );
        let out = cli(&[
            "sample",
            "vae",
            "--model",
            model,
            "--n",
            "9",
            "--seed",
            seed,
            "--out",
            png.to_str().unwrap(),
            "--npy",
            npy.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        std::fs::read(&npy).unwrap()
    };
    let a = sample("5", "a");
    let b = sample("5", "b");
    let c = sample("6", "c");
    // The header, then 9 × 28 × 28 bytes.
    assert!(a.starts_with(b"\x93NUMPY"));
    assert!(a.len() > 9 * 784 && a.len() < 9 * 784 + 256, "{}", a.len());
    assert_eq!(a, b, "the same seed draws the same images");
    assert_ne!(a, c, "another seed draws others");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_pixel_gpt_draws_digits_of_pixel_levels_only_and_a_seed_reproduces_them() {
    let dir = std::env::temp_dir().join(format!("iagen-cli-pixels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A few hundred digits of the committed text, and two training steps: a model that writes
    // noise, from which only the four grey levels may be drawn.
    let pixels = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/assets/data/pixeles.txt"
    );
    let digits: String = std::fs::read_to_string(pixels)
        .unwrap()
        .lines()
        .take(300)
        .map(|l| format!("{l}\n"))
        .collect();
    let data = dir.join("pixels.txt");
    std::fs::write(&data, digits).unwrap();
    let model = dir.join("model");
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    let out = cli(&[
        "train",
        "gpt",
        "--data",
        data,
        "--out",
        model,
        "--size",
        "nano",
        "--ctx",
        "32",
        "--batch",
        "2",
        "--steps",
        "2",
        "--eval-every",
        "2",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sample_guided = |class: &str, seed: &str, name: &str, guidance: &str| {
        let (png, npy) = (
            dir.join(format!("{name}.png")),
            dir.join(format!("{name}.npy")),
        );
        let out = cli(&[
            "sample",
            "pixelgpt",
            "--model",
            model,
            "--class",
            class,
            "--n",
            "2",
            "--seed",
            seed,
            "--temp",
            "1.5",
            "--class-guidance",
            guidance,
            "--out",
            png.to_str().unwrap(),
            "--npy",
            npy.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let npy = std::fs::read(&npy).unwrap();
        npy[npy.len() - 2 * 784..].to_vec()
    };
    let sample = |class: &str, seed: &str, name: &str| sample_guided(class, seed, name, "1");
    let a = sample("siete", "5", "a");
    assert!(
        a.iter().all(|p| [0, 85, 170, 255].contains(p)),
        "only the four levels"
    );
    assert!(
        a.iter().any(|&p| p != a[0]),
        "a hot sample is not one level"
    );
    // Each pixel is a 2 × 2 block of the 28 × 28 image.
    assert!((0..28).step_by(2).all(|y| {
        (0..28)
            .step_by(2)
            .all(|x| a[y * 28 + x] == a[y * 28 + x + 1] && a[y * 28 + x] == a[(y + 1) * 28 + x])
    }));
    assert_eq!(
        a,
        sample("siete", "5", "b"),
        "the same seed draws the same digits"
    );
    assert_ne!(a, sample("siete", "6", "c"), "another seed draws others");
    // Guidance pushes each pixel from the class-free pass towards the class's (scaled up here:
    // two training steps leave the class token almost without effect).
    assert_ne!(
        a,
        sample_guided("siete", "5", "d", "200"),
        "guidance changes the digits"
    );
    // A model that is not a pixel GPT says so.
    let gpt = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/assets/models/refranes"
    );
    let out = cli(&["sample", "pixelgpt", "--model", gpt, "--out", "/tmp/x.png"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not a pixel GPT"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_image_families_are_compared_on_digits_with_the_same_measures() {
    // From the repository's root, where the shipped models and digits are.
    let out = Command::new(env!("CARGO_BIN_EXE_iagen-cli"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args(["eval", "compare", "--n", "20", "--steps", "10"])
        .output()
        .expect("the CLI runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let row = |family: &str| -> Vec<String> {
        let line = table
            .lines()
            .find(|l| l.starts_with(family))
            .unwrap_or_else(|| panic!("no {family} row in:\n{table}"));
        line[family.len()..]
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    for family in ["diffusion", "VAE", "GAN"] {
        // params, ms/image, FLOP/image, as asked (a share, or — for the VAE), top p, entropy
        // "bits", FD, nearest×
        let r = row(family);
        let number = |i: usize| r[i].parse::<f64>().unwrap_or_else(|_| panic!("{r:?}"));
        assert!(number(0) > 1000.0, "{family}: {r:?}");
        assert!(number(2) > 1e4, "{family}: operations per image {r:?}");
        assert_eq!(
            r[3] == "—",
            family == "VAE",
            "only the VAE cannot be asked for a digit"
        );
        let (top, entropy, fd, nearest) = (number(4), number(5), number(7), number(8));
        assert!((0.1..=1.0).contains(&top), "{family}: {r:?}");
        assert!(
            entropy > 0.0 && entropy <= 10f64.log2() + 1e-9,
            "{family}: {r:?}"
        );
        assert!(fd >= 0.0, "{family}: {r:?}");
        // The shipped models draw new digits, about as far from the training set as real ones.
        assert!(nearest > 0.5, "{family}: {r:?}");
    }
    let asked: f64 = row("diffusion")[3].trim_end_matches('%').parse().unwrap();
    assert!(
        asked >= 50.0,
        "the diffusion model draws the digit asked for: {table}"
    );
    // Ten passes of a U-Net cost more than one pass of the GAN's generator.
    let flops = |family: &str| row(family)[2].parse::<f64>().unwrap();
    assert!(flops("diffusion") > 10.0 * flops("GAN"), "{table}");
}
