//! `iagen-cli`: trains the weights that ship, samples, evaluates and benchmarks, natively,
//! on the same model crates the page runs. `iagen-cli --help` (and `--help` after any command)
//! lists every flag; PREFIX names PREFIX.bpk (weights) and PREFIX.json (manifest).

mod compare;
mod copies;
mod gan;
mod gpt;
mod host;
mod images;
mod measure;
mod model_files;
mod pixelgpt;
mod vae;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "iagen-cli",
    about = "Train, sample, evaluate and benchmark the IAGen models natively"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model and save it as PREFIX.bpk and PREFIX.json
    #[command(subcommand)]
    Train(Train),
    /// Generate with a saved model
    #[command(subcommand)]
    Sample(Sample),
    /// Score a saved model on held-out data
    #[command(subcommand)]
    Eval(Eval),
    /// Native speed numbers (for `just bench`)
    #[command(subcommand)]
    Bench(Bench),
}

#[derive(Subcommand)]
enum Train {
    Gpt(gpt::TrainArgs),
    Judge(images::TrainJudgeArgs),
    Diffusion(images::TrainDiffusionArgs),
    Vae(vae::TrainVaeArgs),
    Gan(gan::TrainGanArgs),
}

#[derive(Subcommand)]
enum Sample {
    Gpt(gpt::SampleArgs),
    Diffusion(images::SampleDiffusionArgs),
    Vae(vae::SampleVaeArgs),
    Gan(gan::SampleGanArgs),
    Pixelgpt(pixelgpt::SamplePixelArgs),
}

#[derive(Subcommand)]
enum Eval {
    Gpt(gpt::EvalArgs),
    Judge(images::EvalJudgeArgs),
    Diffusion(images::EvalDiffusionArgs),
    Vae(vae::EvalVaeArgs),
    Gan(gan::EvalGanArgs),
    /// How near a diffusion model's samples come to its training images (¿Copia o inventa?)
    Copies(copies::EvalCopiesArgs),
    /// The image families side by side on digits: quality, diversity, Fréchet distance,
    /// memorisation, speed and size.
    Compare(compare::EvalCompareArgs),
    /// A pixel GPT's held-out negative log-likelihood per digit
    Pixelgpt(pixelgpt::EvalPixelArgs),
}

#[derive(Subcommand)]
enum Bench {
    Gpt(gpt::BenchArgs),
    Diffusion(images::BenchDiffusionArgs),
    Vae(vae::BenchVaeArgs),
    Gan(gan::BenchGanArgs),
    Pixelgpt(pixelgpt::BenchPixelArgs),
}

fn main() {
    let result = match Cli::parse().command {
        Command::Train(Train::Gpt(a)) => gpt::train(&a),
        Command::Train(Train::Judge(a)) => images::train_judge(&a),
        Command::Train(Train::Diffusion(a)) => images::train_diffusion(&a),
        Command::Train(Train::Vae(a)) => vae::train(&a),
        Command::Train(Train::Gan(a)) => gan::train(&a),
        Command::Sample(Sample::Gpt(a)) => gpt::sample_text(&a),
        Command::Sample(Sample::Diffusion(a)) => images::sample_diffusion(&a),
        Command::Sample(Sample::Vae(a)) => vae::sample(&a),
        Command::Sample(Sample::Gan(a)) => gan::sample(&a),
        Command::Sample(Sample::Pixelgpt(a)) => pixelgpt::sample_digits(&a),
        Command::Eval(Eval::Gpt(a)) => gpt::eval(&a),
        Command::Eval(Eval::Judge(a)) => images::eval_judge(&a),
        Command::Eval(Eval::Diffusion(a)) => images::eval_diffusion(&a),
        Command::Eval(Eval::Vae(a)) => vae::eval(&a),
        Command::Eval(Eval::Gan(a)) => gan::eval(&a),
        Command::Eval(Eval::Copies(a)) => copies::eval_copies(&a),
        Command::Eval(Eval::Compare(a)) => compare::eval_compare(&a),
        Command::Eval(Eval::Pixelgpt(a)) => pixelgpt::eval_digits(&a),
        Command::Bench(Bench::Gpt(a)) => gpt::bench(&a),
        Command::Bench(Bench::Diffusion(a)) => images::bench_diffusion(&a),
        Command::Bench(Bench::Vae(a)) => vae::bench(&a),
        Command::Bench(Bench::Gan(a)) => gan::bench(&a),
        Command::Bench(Bench::Pixelgpt(a)) => pixelgpt::bench_digits(&a),
    };
    if let Err(message) = result {
        eprintln!("{message}");
        std::process::exit(2);
    }
}
