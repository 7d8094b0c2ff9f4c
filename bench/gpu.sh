#!/usr/bin/env bash
# The same burn kernels on a real GPU (Vulkan) and on that machine's CPU (flex, all cores and
# one thread), per unit of work, with the kernels each unit launches (README, "A real GPU").
# Runs from the repository root on a GPU machine with: the Vulkan loader and GL vendor
# libraries as .deb files in .gl/ (MODELS.md, "Training and judging on a GPU"), and
# `cargo build -p iagen-cli --features vulkan`, stripped and xz-compressed, as .gpu/iagen-cli.xz.
# The log goes to $OUT/gpu-bench.txt (or ./gpu-bench.txt).
set -u
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null | head -1)
[ -n "$icd" ] && export VK_DRIVER_FILES=$icd
egl=$(ls /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json 2>/dev/null | head -1)
[ -n "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
xz -dc .gpu/iagen-cli.xz > /tmp/cli && chmod +x /tmp/cli
runs() { # device, then the env prefix
  local d=$1; shift
  env "$@" /tmp/cli bench gpt --device $d --model web/assets/models/refranes --text web/assets/data/refranes.txt --chars 300 --steps 60
  env "$@" /tmp/cli bench gpt --device $d --model web/assets/models/frases --text web/assets/data/frases.txt --chars 300 --steps 30
  env "$@" /tmp/cli bench diffusion --device $d --model web/assets/models/diffusion-mnist --n 16 --steps 20
  env "$@" /tmp/cli bench diffusion --device $d --model web/assets/models/diffusion-fashion --n 16 --steps 20
  env "$@" /tmp/cli bench vae --device $d --model web/assets/models/vae-mnist --steps 100 --decodes 300
  env "$@" /tmp/cli bench gan --device $d --image-rounds 20
}
{
  nvidia-smi -L; nproc
  echo "== vulkan"; runs vulkan
  echo "== cpu, all cores"; runs cpu
  echo "== cpu, one thread"; runs cpu RAYON_NUM_THREADS=1
} 2>&1 | tee "${OUT:-.}/gpu-bench.txt"
