//! `iagen-cli`: trains the weights that ship, samples, evaluates and benchmarks, natively,
//! on the same model crates the page runs.

mod args;
mod gpt;
mod host;
mod images;
mod model_files;

use args::Args;

const USAGE: &str = "usage:
  iagen-cli train gpt --data FILE --out PREFIX [--name NAME --size nano|tiny|small --ctx 128 --batch 32
                      --steps 2000 --lr 3e-3 --seed 42 --val 0.1 --dropout 0 --eval-every 250
                      --device cpu|vulkan --time-limit SECONDS --stop-after STEPS
                      --init PREFIX (go on with a saved run, up to --steps in all)]
  iagen-cli sample gpt --model PREFIX [--prompt TEXT --len 300 --temp 0.8 --top-k 0 --top-p 1 --seed 42]
  iagen-cli eval gpt --model PREFIX --text FILE [--tail 1.0]
  iagen-cli bench gpt --model PREFIX --text FILE [--chars 200 --steps 20 --batch 16 --ctx 64]
  iagen-cli train judge --data mnist|fashion --out PREFIX [--file FILE --steps 1500 --batch 64 --lr 2e-3 --seed 7]
  iagen-cli eval judge --model PREFIX --data mnist|fashion [--file FILE]
  iagen-cli train diffusion --data mnist|fashion --out PREFIX [--file FILE --size nano|tiny --steps 3000
                      --batch 64 --lr 2e-3 --seed 42 --timesteps 1000 --schedule cosine|linear
                      --label-drop 0.1 (share of labels trained as \"no class\")
                      --average 0.999 (save a moving average of the weights)
                      --attention true (self-attention at 7×7; may be added to an --init model)
                      --p2-gamma 1 (weight each step's loss by 1/(1+SNR)^γ, favouring noisy steps)
                      --device cpu|vulkan --time-limit SECONDS --stop-after STEPS
                      --init PREFIX (continue a saved model for --steps more)]
  iagen-cli sample diffusion --model PREFIX --out FILE.png [--class WORD|none --n 16 --seed 42
                      --steps 50 --guidance 3 --sampler ddim|ddpm --npy FILE.npy]
  iagen-cli eval diffusion --model PREFIX --judge PREFIX [--n 1000 --steps 50 --guidance 3 --sampler ddim
                      --only conditional|unconditional]
  iagen-cli bench diffusion --model PREFIX [--n 16 --steps 10 --device cpu|vulkan]
Images: --file defaults to web/assets/data/NAME.bin; the last tenth of each set is held out.
PREFIX names PREFIX.bpk (weights) and PREFIX.json (manifest).";

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match (
        argv.first().map(String::as_str),
        argv.get(1).map(String::as_str),
    ) {
        (Some(cmd), Some("gpt")) => Args::parse(&argv[2..]).and_then(|args| match cmd {
            "train" => gpt::train(&args),
            "sample" => gpt::sample_text(&args),
            "eval" => gpt::eval(&args),
            "bench" => gpt::bench(&args),
            _ => Err(format!("unknown command {cmd}\n{USAGE}")),
        }),
        (Some(cmd), Some("judge")) => Args::parse(&argv[2..]).and_then(|args| match cmd {
            "train" => images::train_judge(&args),
            "eval" => images::eval_judge(&args),
            _ => Err(format!("unknown command {cmd}\n{USAGE}")),
        }),
        (Some(cmd), Some("diffusion")) => Args::parse(&argv[2..]).and_then(|args| match cmd {
            "train" => images::train_diffusion(&args),
            "sample" => images::sample_diffusion(&args),
            "eval" => images::eval_diffusion(&args),
            "bench" => images::bench_diffusion(&args),
            _ => Err(format!("unknown command {cmd}\n{USAGE}")),
        }),
        _ => Err(USAGE.to_string()),
    };
    if let Err(message) = result {
        eprintln!("{message}");
        std::process::exit(2);
    }
}
