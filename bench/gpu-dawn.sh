#!/usr/bin/env bash
# The page's own worker and release wasm on a real GPU through Dawn (Chrome's WebGPU, npm
# `webgpu`) and on that machine's CPU path, per unit of work, with the GPU work of each unit
# (bench/dawn.mjs; README, "A real GPU"). bench/gpu.sh times the same kernels natively.
#
# Runs from the repository root on a GPU machine, with what it needs in one xz tar archive cut
# into parts (.gpu/gpu.tar.xz.aa, .ab, …) and their number (.gpu/parts):
#   pkg/, pkg-cpu/   the release builds' iagen_web.js and iagen_web_bg.wasm (web/pkg, web/pkg-cpu)
#   pkg-nofusion/pkg/  optional: the WebGPU build without burn's kernel fusion (made as below with
#                    `--no-default-features --features webgpu`); then both WebGPU builds are also
#                    timed after a long warm-up (fusion compiles a kernel per new graph), taking
#                    turns, and on Dawn's null backend (the host's side alone)
#   node_modules/webgpu/  Dawn: its index.js, package.json and dist/linux-x64/dawn.node
#   node             a Node ≥ 20 binary (stripped), used where the machine has none (the H200 has none)
# and the Vulkan loader as .deb files in .gl/ (as bench/gpu.sh). A call carries the checkout
# (~62 MB of the 64 MiB a call may: the data sets and models) and what fits beside it, so the
# parts come over several calls: each call keeps what it brought in /tmp/iagen-gpu-stash
# (outside the checkout, which the next call replaces) and says how many it has (exit 3) until
# all are there; then it runs, in about a minute. The log goes to $OUT/gpu-dawn.txt and the
# results to $OUT/gpu-dawn*.json (or ./). Preparing the parts (.gpu-all/ and .gpu/ are in
# .git/info/exclude):
#   just wasm release && g=/tmp/iagen-gpu-pack && mkdir -p $g/node_modules && cp -r web/pkg web/pkg-cpu $g/ &&
#     cp -r --parents node_modules/webgpu/index.js node_modules/webgpu/package.json node_modules/webgpu/dist/linux-x64/dawn.node $g/ &&
#     strip -o $g/node "$(command -v node)"
#   cargo build -p iagen-web --target wasm32-unknown-unknown --release --no-default-features --features webgpu &&
#     wasm-bindgen --target web --out-dir $g/pkg-nofusion/pkg --remove-name-section target/wasm32-unknown-unknown/release/iagen_web.wasm
#   mkdir -p .gpu-all && tar -C $g -cf - . | xz -9e | split -b 4000000 - .gpu-all/gpu.tar.xz. && ls .gpu-all/gpu.tar.xz.* | wc -l > .gpu-all/parts
# then call after call (carry `.gl` and `.gpu`), with .gpu/ holding `parts` and the next part
# (one fits beside the checkout: `rm -rf .gpu; mkdir .gpu; cp .gpu-all/parts .gpu-all/gpu.tar.xz.aa .gpu/`),
# at once one after the other (the machine goes back when idle), until one runs.
set -u
out=${OUT:-.}
stash=/tmp/iagen-gpu-stash # outside the checkout: the next call replaces the checkout, not /tmp
mkdir -p $stash
cp -f .gpu/* $stash/ 2>/dev/null
for f in .gl/*.deb; do [ -e "$f" ] && dpkg -x "$f" /; done; ldconfig
icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null | head -1)
[ -n "$icd" ] && export VK_DRIVER_FILES=$icd
have=$(ls $stash/gpu.tar.xz.* 2>/dev/null | wc -l)
if [ "$have" -lt "$(cat $stash/parts 2>/dev/null || echo 1)" ]; then
  echo "$have part(s) here so far, of $(cat $stash/parts 2>/dev/null || echo '?')"
  exit 3
fi
g=/tmp/iagen-gpu
rm -rf $g && mkdir -p $g && cat $stash/gpu.tar.xz.* | xz -dc | tar -xf - -C $g || exit 1
node=$(command -v node)
[ -n "$node" ] && [ "$("$node" -p 'process.versions.node.split(".")[0] >= 20')" = true ] || node=$g/node
mkdir -p node_modules && cp -r $g/node_modules/webgpu node_modules/
nofusion=
if [ -e $g/pkg-nofusion/pkg ]; then
  ln -sfn $g/pkg-cpu $g/pkg-nofusion/pkg-cpu && nofusion=1
fi
set -o pipefail
{
  nvidia-smi -L; nproc; echo "node $("$node" --version)"; date -u
  "$node" bench/dawn.mjs --pkg $g --flags backend=vulkan --json "$out/gpu-dawn.json"
  "$node" bench/dawn.mjs --backend webgpu --host-only --pkg $g
  if [ -n "$nofusion" ]; then
    for turn in 1 2; do
      for build in fusion nofusion; do
        dir=$g; [ $build = nofusion ] && dir=$g/pkg-nofusion
        echo "== the WebGPU build, $build, turn $turn (40 warm-up runs)"
        "$node" bench/dawn.mjs --backend webgpu --warmup 40 --pkg $dir --flags backend=vulkan --json "$out/gpu-dawn-$build-$turn.json"
      done
    done
    "$node" bench/dawn.mjs --backend webgpu --host-only --pkg $g/pkg-nofusion
  fi
} 2>&1 | tee "$out/gpu-dawn.txt"
