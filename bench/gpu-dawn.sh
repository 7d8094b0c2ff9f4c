#!/usr/bin/env bash
# The page's own worker and release wasm on a real GPU through Dawn (Chrome's WebGPU, npm
# `webgpu`) and on that machine's CPU path, per unit of work, with the GPU work of each unit
# (bench/dawn.mjs; README, "A real GPU"). bench/gpu.sh times the same kernels natively.
#
# Runs from the repository root on a GPU machine, with (all xz-compressed, in .gpu/):
#   pkg.tar.xz    the release builds' iagen_web.js and iagen_web_bg.wasm (web/pkg, web/pkg-cpu)
#   pkg-nofusion.tar.xz  optional: the WebGPU build without burn's kernel fusion (pkg/ only; made
#                 as below with `--no-default-features --features webgpu`); then both WebGPU builds
#                 are also timed after a long warm-up (fusion compiles a kernel per new graph),
#                 taking turns, and on Dawn's null backend (the host's side alone)
#   dawn.tar.xz   node_modules/webgpu's index.js, package.json and dist/linux-x64/dawn.node
#   node.xz.*     a Node ≥ 20 binary (stripped, xz, cut in parts: node.xz.aa, node.xz.ab, …)
#   node.parts    and how many parts, only where the machine has no Node (the H200 has none).
#                 The parts may come over several calls (what one call may carry is limited):
#                 each call keeps what it brought in /tmp/iagen-gpu-stash (outside the checkout,
#                 which the next call replaces) and the run starts once every part is there;
#                 until then the script says how many it has and exits 3
# and the Vulkan loader as .deb files in .gl/ (as bench/gpu.sh). The log goes to
# $OUT/gpu-dawn.txt and the results to $OUT/gpu-dawn.json (or ./). Preparing .gpu/ (the
# checkout is ~50 MB of the 64 MiB a call carries; .gpu/ and .gl/ in .git/info/exclude):
#   just wasm release && mkdir -p .gpu && tar -C web -cJf .gpu/pkg.tar.xz pkg/iagen_web.js pkg/iagen_web_bg.wasm pkg-cpu/iagen_web.js pkg-cpu/iagen_web_bg.wasm
#   cargo build -p iagen-web --target wasm32-unknown-unknown --release --no-default-features --features webgpu && mkdir -p /tmp/f/pkg &&
#     wasm-bindgen --target web --out-dir /tmp/f/pkg --remove-name-section target/wasm32-unknown-unknown/release/iagen_web.wasm &&
#     tar -C /tmp/f -cJf .gpu/pkg-nofusion.tar.xz pkg/iagen_web.js pkg/iagen_web_bg.wasm    # then `just wasm release` again
#   tar -C node_modules -cJf .gpu/dawn.tar.xz webgpu/index.js webgpu/package.json webgpu/dist/linux-x64/dawn.node
#   strip -o /tmp/node "$(command -v node)" && xz -9e -c /tmp/node > /tmp/node.xz   # 21.9 MB
#   head -c 8800000 /tmp/node.xz > .gpu/node.xz.aa && echo 2 > .gpu/node.parts
# first call (carry .gl and .gpu): exits 3, keeping those; at once the second, with .gpu/
# holding only node.parts and node.xz.ab (`tail -c +8800001 /tmp/node.xz`): runs, ~1 minute.
set -u
out=${OUT:-.}
stash=/tmp/iagen-gpu-stash # outside the checkout: the next call replaces the checkout, not /tmp
mkdir -p $stash
cp -f .gpu/* $stash/ 2>/dev/null
for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null | head -1)
[ -n "$icd" ] && export VK_DRIVER_FILES=$icd
node=$(command -v node)
if [ -z "$node" ] || [ "$("$node" -p 'process.versions.node.split(".")[0] >= 20')" != true ]; then
  parts=$(ls $stash/node.xz.* 2>/dev/null | wc -l)
  if [ "$parts" -lt "$(cat $stash/node.parts 2>/dev/null || echo 1)" ] || ! cat $stash/node.xz.* | xz -t 2>/dev/null; then
    echo "no node on this machine; $parts node part(s) here so far, of $(cat $stash/node.parts 2>/dev/null || echo '?')"
    exit 3
  fi
  cat $stash/node.xz.* | xz -dc > /tmp/node && chmod +x /tmp/node && node=/tmp/node
fi
mkdir -p node_modules /tmp/iagen-pkg
tar -xJf $stash/dawn.tar.xz -C node_modules
tar -xJf $stash/pkg.tar.xz -C /tmp/iagen-pkg
nofusion=
if [ -e $stash/pkg-nofusion.tar.xz ]; then
  mkdir -p /tmp/iagen-pkg-nofusion && tar -xJf $stash/pkg-nofusion.tar.xz -C /tmp/iagen-pkg-nofusion
  ln -sfn /tmp/iagen-pkg/pkg-cpu /tmp/iagen-pkg-nofusion/pkg-cpu && nofusion=1
fi
set -o pipefail
{
  nvidia-smi -L; nproc; echo "node $("$node" --version)"; date -u
  "$node" bench/dawn.mjs --pkg /tmp/iagen-pkg --flags backend=vulkan --json "$out/gpu-dawn.json"
  "$node" bench/dawn.mjs --backend webgpu --host-only --pkg /tmp/iagen-pkg
  if [ -n "$nofusion" ]; then
    for turn in 1 2; do
      for build in fusion nofusion; do
        dir=/tmp/iagen-pkg; [ $build = nofusion ] && dir=/tmp/iagen-pkg-nofusion
        echo "== the WebGPU build, $build, turn $turn (40 warm-up runs)"
        "$node" bench/dawn.mjs --backend webgpu --warmup 40 --pkg $dir --flags backend=vulkan --json "$out/gpu-dawn-$build-$turn.json"
      done
    done
    "$node" bench/dawn.mjs --backend webgpu --host-only --pkg /tmp/iagen-pkg-nofusion
  fi
} 2>&1 | tee "$out/gpu-dawn.txt"
