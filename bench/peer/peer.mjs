// The TensorFlow.js peer's entry: picks TF.js's backend and offers the two models to
// bench/peer/drive.mjs as globalThis.peer.
import { gptPeer } from './gpt.mjs';
import { unetPeer } from './unet.mjs';

const tf = globalThis.tf;

globalThis.peer = {
  gpt: gptPeer,
  unet: unetPeer,

  // `backend`: 'wasm' or 'webgpu'. Says which TF.js took (and the wasm flavour: SIMD, threads).
  async setBackend(backend) {
    if (backend === 'wasm') tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} unavailable`);
    await tf.ready();
    const features =
      backend === 'wasm'
        ? { simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') }
        : {};
    return { backend: tf.getBackend(), ...features };
  },
};
document.getElementById('ready').textContent = 'ready';
