// The page's diffusion U-Net (crates/iagen-diffusion/src/unet.rs: residual conv blocks with
// group norm, the time and class embedding added in each, 28 → 14 → 7 and back with skips,
// one-head self-attention at 7×7) in TensorFlow.js ops, for inference with the shipped weights.
// TF.js convolves NHWC, so burn's [out, in, kh, kw] kernels are transposed to [kh, kw, in, out].
const tf = globalThis.tf;
const silu = (z) => tf.mul(z, tf.sigmoid(z));

class UNet {
  constructor(config, weights) {
    this.config = config;
    this.params = {};
    for (const [name, { shape, values }] of Object.entries(weights)) {
      const t = tf.tensor(values, shape);
      this.params[name] = shape.length === 4 ? tf.transpose(t, [2, 3, 1, 0]) : t;
      if (shape.length === 4) t.dispose();
    }
  }

  parameterCount() {
    return Object.values(this.params).reduce((n, p) => n + p.size, 0);
  }

  has(name) {
    return `${name}.weight` in this.params;
  }

  // Padding kernel/2 on every side, as burn's explicit padding (TF.js's 'same' pads a stride-2
  // convolution on one side only).
  conv(x, name, stride = 1) {
    const w = this.params[`${name}.weight`];
    const pad = Math.floor(w.shape[0] / 2);
    const padding = [
      [0, 0],
      [pad, pad],
      [pad, pad],
      [0, 0],
    ];
    return tf.add(tf.conv2d(x, w, stride, padding), this.params[`${name}.bias`]);
  }

  linear(x, name) {
    return tf.add(tf.matMul(x, this.params[`${name}.weight`]), this.params[`${name}.bias`]);
  }

  groupNorm(x, name) {
    const [b, h, w, c] = x.shape;
    const groups = Math.min(8, c);
    const grouped = tf.reshape(x, [b, h, w, groups, c / groups]);
    const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
    const normal = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, 1e-5))), [b, h, w, c]);
    return tf.add(tf.mul(normal, this.params[`${name}.gamma`]), this.params[`${name}.beta`]);
  }

  resBlock(x, emb, name) {
    let h = this.conv(silu(this.groupNorm(x, `${name}.norm_1`)), `${name}.conv_1`);
    const [b, , , c] = h.shape;
    h = tf.add(h, tf.reshape(this.linear(silu(emb), `${name}.emb`), [b, 1, 1, c]));
    h = this.conv(silu(this.groupNorm(h, `${name}.norm_2`)), `${name}.conv_2`);
    return tf.add(this.has(`${name}.skip`) ? this.conv(x, `${name}.skip`) : x, h);
  }

  attention(x) {
    const [b, h, w, c] = x.shape;
    const tokens = tf.reshape(this.groupNorm(x, 'mid_attention.norm'), [b, h * w, c]);
    const qkv = this.linear(tokens, 'mid_attention.qkv');
    const [q, k, v] = tf.split(qkv, 3, 2);
    const mixed = tf.matMul(tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(c))), v);
    return tf.add(x, tf.reshape(this.linear(mixed, 'mid_attention.out'), [b, h, w, c]));
  }

  // Predicted noise for x [B, 28, 28, 1] at step `t` (one for the batch) with `labels`.
  forward(x, t, labels) {
    const c = this.config.channels;
    const half = c / 2;
    const angles = Array.from({ length: half }, (_, i) => t * Math.exp((-Math.log(10000) * i) / half));
    const features = tf.tile(tf.tensor2d([[...angles.map(Math.sin), ...angles.map(Math.cos)]]), [labels.length, 1]);
    const time = this.linear(silu(this.linear(features, 'time_1')), 'time_2');
    const emb = tf.add(time, tf.gather(this.params['class_embedding.weight'], tf.tensor1d(labels, 'int32')));
    const up = (z) => tf.image.resizeNearestNeighbor(z, [z.shape[1] * 2, z.shape[2] * 2]);
    const skip1 = this.resBlock(this.conv(x, 'conv_in'), emb, 'down_1');
    const skip2 = this.resBlock(this.conv(skip1, 'pool_1', 2), emb, 'down_2');
    let h = this.resBlock(this.conv(skip2, 'pool_2', 2), emb, 'mid');
    if (this.has('mid_attention.qkv')) h = this.attention(h);
    h = this.resBlock(tf.concat([up(h), skip2], 3), emb, 'up_2');
    h = this.resBlock(tf.concat([up(h), skip1], 3), emb, 'up_1');
    return this.conv(silu(this.groupNorm(h, 'norm_out')), 'conv_out');
  }
}

let unet = null;

export const unetPeer = {
  // The shipped model: its manifest's config and the burnpack's weights.
  load({ manifest, weights }) {
    for (const p of Object.values(unet?.params ?? {})) p.dispose();
    unet = new UNet(manifest.config, weights);
    return unet.parameterCount();
  },

  // One pass of `batch` pure-noise images at the last step, unconditional, read back: resolves
  // with the milliseconds and the correlation between the predicted noise and the input (at
  // the last step the input is almost all noise, so a model that loaded right predicts it).
  async pass({ batch, seed }) {
    const t = unet.config.timesteps - 1;
    const started = performance.now();
    const x = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', seed);
    const eps = tf.tidy(() => unet.forward(x, t, new Array(batch).fill(unet.config.classes)));
    const [input, predicted] = await Promise.all([x.data(), eps.data()]);
    const ms = performance.now() - started;
    x.dispose();
    eps.dispose();
    const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
    const [mi, mp] = [mean(input), mean(predicted)];
    let [sip, sii, spp] = [0, 0, 0];
    for (let i = 0; i < input.length; i++) {
      sip += (input[i] - mi) * (predicted[i] - mp);
      sii += (input[i] - mi) ** 2;
      spp += (predicted[i] - mp) ** 2;
    }
    return { ms, correlation: sip / Math.sqrt(sii * spp) };
  },
};
