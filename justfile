# IAGen Playground: every developer and CI command. `just` lists them.

wasm_bindgen_version := `sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' Cargo.toml`
port := env_var_or_default("PORT", "8080")
target_dir := env_var_or_default("CARGO_TARGET_DIR", "target")

# List the recipes
default:
    @just --list

# Install what the build needs: the wasm target, wasm-bindgen-cli at the pinned version, npm packages (and the page's libraries into web/vendor, the molecules' index)
setup:
    rustup target add wasm32-unknown-unknown
    @if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen {{wasm_bindgen_version}}" ]; then \
        cargo install wasm-bindgen-cli --version {{wasm_bindgen_version}}; fi
    @[ -d node_modules/playwright-core ] && [ -d node_modules/@biomejs/biome ] && [ -d node_modules/webgpu ] && [ -d node_modules/abcjs ] && [ -d node_modules/@rdkit/rdkit ] && [ -d node_modules/marked ] || npm ci --no-audit --no-fund
    node tools/vendor.mjs web
    node tools/chem_index.mjs web

# Build the page's two wasm builds (profile: release to ship, wasm-test for tests): web/pkg with WebGPU,
# web/pkg-cpu without it (smaller, faster CPU kernels: ARCHITECTURE.md, "Two builds").
# Shipping drops the function-name section (a third of the bytes); tests keep it for stack traces.
wasm profile="release": setup
    cargo build -p iagen-web --target wasm32-unknown-unknown --profile {{profile}}
    wasm-bindgen --target web --out-dir web/pkg {{ if profile == "release" { "--remove-name-section" } else { "" } }} {{target_dir}}/wasm32-unknown-unknown/{{profile}}/iagen_web.wasm
    cargo build -p iagen-web --target wasm32-unknown-unknown --profile {{ if profile == "release" { "release-cpu" } else { profile } }} --no-default-features
    wasm-bindgen --target web --out-dir web/pkg-cpu {{ if profile == "release" { "--remove-name-section" } else { "" } }} {{target_dir}}/wasm32-unknown-unknown/{{ if profile == "release" { "release-cpu" } else { profile } }}/iagen_web.wasm

# Build in release mode and serve the page on http://127.0.0.1:8080 (PORT=... to change)
serve: (wasm "release")
    PORT={{port}} node tools/serve.mjs web

# Every test: the corpus builder, the page's pure modules (Node), Rust (native) and the browser tests on WebGPU (SwiftShader) and CPU
test: setup
    python3 -m unittest discover -s tools -p 'test_*.py'
    node --test tests/unit/
    cargo test --workspace --exclude iagen-web
    just wasm wasm-test
    node --test --test-concurrency=1 tests/e2e/

# Format and lint: Rust with -D warnings (natively and for wasm32), JavaScript with Biome
check: setup
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p iagen-web --target wasm32-unknown-unknown -- -D warnings
    cargo clippy -p iagen-web --target wasm32-unknown-unknown --no-default-features -- -D warnings
    npx biome check

# Score the tunes and molecules as MODELS.md does, with the page's abcjs and RDKit in Node: the held-out data (all tunes, then the jigs), then each shipped model's samples (200 tunes, each begun from a jig's header, seeds 1–200; 1 000 molecules; written to target/NAME-samples.txt)
eval-apps: setup
    #!/usr/bin/env bash
    set -euo pipefail
    node tools/eval_apps.mjs tunes web/assets/data/musica.txt 1000 --held-out
    node tools/eval_apps.mjs tunes web/assets/data/musica.txt 1000 --held-out --meter 6/8
    node tools/eval_apps.mjs molecules web/assets/data/moleculas.txt 20000 --held-out
    sample() { cargo run -q -p iagen-cli -- sample gpt --model "web/assets/models/$1" --seed 1 "${@:2}"; }
    mkdir -p {{target_dir}}
    if [ -e web/assets/models/musica.json ]; then
      sample musica --prompt $'M:6/8\nL:1/8\nR:jig\nK:D\n' --count 200 --until $'\n\n' --len 1500 --temp 0.7 > {{target_dir}}/musica-samples.txt
      node tools/eval_apps.mjs tunes {{target_dir}}/musica-samples.txt 200
    else echo "musica: no shipped model yet"; fi
    if [ -e web/assets/models/moleculas.json ]; then
      # One molecule a line, each begun after the newline the prompt gives (a line left empty would count as invalid).
      sample moleculas --prompt $'\n' --len 45000 --temp 0.6 | tail -n +2 > {{target_dir}}/moleculas-samples.txt
      node tools/eval_apps.mjs molecules {{target_dir}}/moleculas-samples.txt 1000
    else echo "moleculas: no shipped model yet"; fi

# A self-contained static folder for any host: dist/ (see HOSTING.md)
dist: (wasm "release")
    node tools/dist.mjs web dist

# Speed and size numbers: native (two threads and one), Chromium CPU and WebGPU beside TensorFlow.js on the same models, wasm size, first-view bytes
bench: (wasm "release")
    cargo run -p iagen-cli -- bench gpt --model web/assets/models/refranes --text web/assets/data/refranes.txt
    cargo run -p iagen-cli -- bench gpt --model web/assets/models/frases --text web/assets/data/frases.txt
    cargo run -p iagen-cli -- bench diffusion --model web/assets/models/diffusion-mnist --n 16
    @echo "native on one thread (the browser's CPU path has one):"
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- bench gpt --model web/assets/models/refranes --text web/assets/data/refranes.txt --chars 300 --steps 60
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- bench diffusion --model web/assets/models/diffusion-mnist --n 16
    cargo run -p iagen-cli -- bench vae --model web/assets/models/vae-mnist
    cargo run -p iagen-cli -- bench gan
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- bench pixelgpt --model web/assets/models/pixeles
    node bench/run.mjs

# Train the shipped weights natively: GPTs, judges, VAEs, the image GAN, diffusion models (hours on a CPU; the frases
# model and the clothes model's last run want a Vulkan GPU; see MODELS.md)
train-models:
    cargo run -p iagen-cli --features vulkan -- train gpt --name frases --data web/assets/data/frases.txt --out target/frases-e --size small --ctx 128 --batch 64 --steps 1950 --lr 2e-3 --dropout 0.1 --eval-every 250 --device vulkan
    cargo run -p iagen-cli -- train gpt --name frases --data web/assets/data/frases.txt --init target/frases-e --steps 1950 --precision half --out web/assets/models/frases
    cargo run -p iagen-cli -- train gpt --name refranes --data web/assets/data/refranes.txt --out web/assets/models/refranes --size nano --ctx 64 --batch 16 --steps 300 --eval-every 100
    cargo run -p iagen-cli -- train gpt --name shakespeare --data web/assets/data/shakespeare.txt --out target/shakespeare-1 --size small --ctx 128 --batch 32 --steps 3000 --stop-after 900 --lr 2e-3 --eval-every 100
    cargo run -p iagen-cli -- train gpt --name shakespeare --data web/assets/data/shakespeare.txt --init target/shakespeare-1 --out web/assets/models/shakespeare --steps 2000 --batch 32 --lr 2e-3 --eval-every 100
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name musica --data web/assets/data/musica.txt --out target/runs/musica-s1 --size small --ctx 256 --batch 16 --steps 6000 --stop-after 1000 --lr 2e-3 --eval-every 100
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name musica --data web/assets/data/musica.txt --init target/runs/musica-s1 --out target/runs/musica-s2 --steps 3500 --lr 2e-3 --eval-every 100
    cargo run -p iagen-cli -- train gpt --name musica --data web/assets/data/musica.txt --init target/runs/musica-s2 --steps 3500 --precision half --out web/assets/models/musica
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name moleculas --data web/assets/data/moleculas.txt --out target/runs/moleculas-1 --size tiny --ctx 128 --batch 32 --steps 4000 --lr 3e-3 --eval-every 250
    cargo run -p iagen-cli -- train gpt --name moleculas --data web/assets/data/moleculas.txt --init target/runs/moleculas-1 --steps 4000 --precision half --out web/assets/models/moleculas
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --out target/runs/pixeles-1 --size tiny --ctx 256 --batch 16 --steps 4000 --stop-after 500 --lr 3e-3 --dropout 0.05 --eval-every 250
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --init target/runs/pixeles-1 --out target/runs/pixeles-3 --steps 2500 --stop-after 1300 --eval-every 50
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --init target/runs/pixeles-3 --out target/runs/pixeles-4 --steps 2500 --dropout 0 --eval-every 50
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --init target/runs/pixeles-4 --out target/runs/pixeles-5 --from-lines --steps 5000 --stop-after 3300 --eval-every 100
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --init target/runs/pixeles-5 --out target/runs/pixeles-6 --from-lines --steps 5000 --eval-every 100
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --init target/runs/pixeles-6 --out target/runs/pixeles-7 --from-lines --steps 7500 --eval-every 100
    RAYON_NUM_THREADS=1 cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --init target/runs/pixeles-7 --out target/runs/pixeles-8 --from-lines --steps 10000 --eval-every 100
    cargo run -p iagen-cli -- train gpt --name pixeles --data web/assets/data/pixeles.txt --init target/runs/pixeles-8 --steps 10000 --precision half --out web/assets/models/pixeles
    cargo run -p iagen-cli -- train judge --data mnist --steps 1500 --out web/assets/models/judge-mnist
    cargo run -p iagen-cli -- train judge --data fashion --steps 2500 --out web/assets/models/judge-fashion
    cargo run -p iagen-cli -- train vae --data mnist --latent 2 --hidden 512 --depth 2 --steps 10000 --eval-every 2500 --precision half --out web/assets/models/vae-mnist
    cargo run -p iagen-cli -- train vae --data fashion --latent 2 --hidden 512 --depth 2 --beta 0.5 --steps 10000 --eval-every 2500 --out target/vae-fashion
    cargo run -p iagen-cli -- train vae --data fashion --init target/vae-fashion --steps 10000 --precision half --out web/assets/models/vae-fashion
    cargo run -p iagen-cli -- train vae --data mnist --latent 16 --steps 20000 --eval-every 5000 --out web/assets/models/vae-mnist-z16
    cargo run -p iagen-cli -- train gan --data mnist --steps 5000 --save-every 500 --out target/gan-mnist-1
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-1 --steps 8000 --save-every 500 --precision half --out target/gan-mnist-2
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-2 --steps 11300 --label-drop 0.5 --save-every 2000 --precision half --out target/gan-mnist-3
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-3 --steps 14300 --label-drop 0.7 --save-every 500 --out target/gan-mnist-4
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-4 --steps 17300 --label-drop 0.9 --save-every 500 --out target/gan-mnist-5
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-5 --steps 20300 --label-drop 0.9 --save-every 500 --out target/gan-mnist-6
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-6 --steps 20300 --precision half --out web/assets/models/gan-mnist
    cargo run -p iagen-cli -- train gan --data mnist --init web/assets/models/gan-mnist --steps 23300 --label-drop 0.9 --feature-matching 1 --save-every 1000 --out target/gan-mnist-7
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-7 --steps 26300 --label-drop 0.9 --feature-matching 2 --save-every 1000 --out target/gan-mnist-8
    cargo run -p iagen-cli -- train gan --data mnist --init target/gan-mnist-8 --steps 26300 --precision half --out web/assets/models/gan-mnist
    cargo run -p iagen-cli -- train gan --data fashion --steps 8000 --label-drop 0.5 --save-every 500 --out target/gan-fashion-1
    cargo run -p iagen-cli -- train gan --data fashion --init target/gan-fashion-1 --steps 11000 --label-drop 0.9 --save-every 500 --out target/gan-fashion-2
    cargo run -p iagen-cli -- train gan --data fashion --init target/gan-fashion-2 --steps 16000 --label-drop 0.5 --save-every 500 --out target/gan-fashion-3
    cargo run -p iagen-cli -- train gan --data fashion --init target/gan-fashion-3 --steps 16000 --precision half --out web/assets/models/gan-fashion
    cargo run -p iagen-cli -- train gan --data fashion --init web/assets/models/gan-fashion --steps 20000 --label-drop 0.7 --feature-matching 2 --save-every 500 --out target/gan-fashion-4
    cargo run -p iagen-cli -- train gan --data fashion --init target/gan-fashion-4 --steps 30000 --stop-after 24000 --label-drop 0.7 --feature-matching 4 --save-every 500 --out target/gan-fashion-5
    cargo run -p iagen-cli -- train gan --data fashion --init target/gan-fashion-5 --steps 30000 --stop-after 26000 --label-drop 0.5 --feature-matching 6 --save-every 500 --out target/gan-fashion-6
    cargo run -p iagen-cli -- train gan --data fashion --init target/gan-fashion-6 --steps 26000 --precision half --out web/assets/models/gan-fashion
    cargo run -p iagen-cli -- train diffusion --data mnist --size nano --steps 2000 --batch 32 --lr 2e-3 --out target/diffusion-mnist-1
    cargo run -p iagen-cli -- train diffusion --data mnist --init target/diffusion-mnist-1 --steps 2000 --batch 32 --lr 1e-3 --out target/diffusion-mnist-2
    cargo run -p iagen-cli -- train diffusion --data mnist --init target/diffusion-mnist-2 --steps 1500 --batch 32 --lr 5e-4 --seed 44 --label-drop 0.5 --out target/diffusion-mnist-3
    cargo run -p iagen-cli -- train diffusion --data mnist --init target/diffusion-mnist-3 --attention true --steps 1500 --batch 32 --lr 1e-3 --seed 47 --label-drop 0.3 --average 0.999 --out target/diffusion-mnist-4
    cargo run -p iagen-cli -- train diffusion --data mnist --init target/diffusion-mnist-4 --p2-gamma 1 --steps 1500 --batch 32 --lr 1e-3 --seed 48 --label-drop 0.3 --average 0.999 --out target/diffusion-mnist-5
    cargo run -p iagen-cli -- train diffusion --data mnist --init target/diffusion-mnist-5 --steps 1500 --batch 32 --lr 5e-4 --seed 49 --label-drop 0.5 --average 0.999 --out web/assets/models/diffusion-mnist
    cargo run -p iagen-cli -- train diffusion --data fashion --size tiny --steps 5000 --stop-after 900 --batch 32 --lr 2e-3 --out target/diffusion-fashion-1
    cargo run -p iagen-cli -- train diffusion --data fashion --init target/diffusion-fashion-1 --steps 2400 --stop-after 2351 --batch 32 --lr 1.5e-3 --seed 45 --label-drop 0.2 --average 0.999 --out target/diffusion-fashion-2
    cargo run -p iagen-cli -- train diffusion --data fashion --init target/diffusion-fashion-2 --steps 1500 --batch 32 --lr 7e-4 --seed 46 --label-drop 0.4 --average 0.999 --out target/diffusion-fashion-3
    cargo run -p iagen-cli -- train diffusion --data fashion --init target/diffusion-fashion-3 --attention true --steps 1000 --batch 32 --lr 7e-4 --seed 47 --label-drop 0.3 --average 0.999 --out target/diffusion-fashion-4
    cargo run -p iagen-cli -- train diffusion --data fashion --init target/diffusion-fashion-4 --p2-gamma 1 --steps 800 --batch 32 --lr 7e-4 --seed 48 --label-drop 0.3 --average 0.999 --out target/diffusion-fashion-5
    cargo run -p iagen-cli -- train diffusion --data fashion --init target/diffusion-fashion-5 --steps 600 --stop-after 500 --batch 32 --lr 5e-4 --seed 49 --label-drop 0.5 --average 0.999 --out target/diffusion-fashion-6
    cargo run -p iagen-cli --features vulkan -- train diffusion --data fashion --init target/diffusion-fashion-6 --steps 1500 --batch 64 --lr 5e-4 --seed 51 --label-drop 0.5 --average 0.999 --device vulkan --out web/assets/models/diffusion-fashion
