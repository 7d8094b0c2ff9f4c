// The page's nano GPT (crates/iagen-gpt: GPT-2's layout — token and position embeddings,
// pre-LayerNorm blocks of causal self-attention and an exact-GELU MLP, a final LayerNorm, the
// LM head) written as a TensorFlow.js user would, with TF.js ops: no KV cache (each character
// runs the whole window again, as TF.js models do), Adam with decoupled weight decay 0.01 and
// each gradient's norm clipped to 1 (burn's AdamW settings in the page). Embeddings are one-hot
// products: TF.js's wasm backend has no kernel for a gather's gradient.
const tf = globalThis.tf;

// Weight names and shapes as burn stores them (Linear weights are [in, out]).
function shapes({ vocab, block, layers, embd }) {
  const c = embd;
  const out = { 'token_embedding.weight': [vocab, c], 'position_embedding.weight': [block, c] };
  for (let i = 0; i < layers; i++) {
    const p = `blocks.${i}.`;
    Object.assign(out, {
      [`${p}ln_1.gamma`]: [c],
      [`${p}ln_1.beta`]: [c],
      [`${p}attn.qkv.weight`]: [c, 3 * c],
      [`${p}attn.qkv.bias`]: [3 * c],
      [`${p}attn.proj.weight`]: [c, c],
      [`${p}attn.proj.bias`]: [c],
      [`${p}ln_2.gamma`]: [c],
      [`${p}ln_2.beta`]: [c],
      [`${p}mlp.fc.weight`]: [c, 4 * c],
      [`${p}mlp.fc.bias`]: [4 * c],
      [`${p}mlp.proj.weight`]: [4 * c, c],
      [`${p}mlp.proj.bias`]: [c],
    });
  }
  return Object.assign(out, { 'ln_f.gamma': [c], 'ln_f.beta': [c], 'lm_head.weight': [c, vocab], 'lm_head.bias': [vocab] });
}

// A seeded generator (mulberry32) for initial weights, batches and sampling.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// GPT-2's initialisation, as the page's: N(0, 0.02), residual projections scaled by
// 1/sqrt(2·layers), zero biases, LayerNorms at identity.
function initial(config, seed) {
  const next = random(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const out = {};
  for (const [name, shape] of Object.entries(shapes(config))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const std = /proj\.weight$/.test(name) ? 0.02 / Math.sqrt(2 * config.layers) : 0.02;
    const values = new Float32Array(size);
    if (name.endsWith('gamma')) values.fill(1);
    else if (!name.endsWith('bias') && !name.endsWith('beta')) for (let i = 0; i < size; i++) values[i] = std * normal();
    out[name] = { shape, values };
  }
  return out;
}

class Gpt {
  constructor(config, weights) {
    this.config = config;
    this.params = {};
    for (const [name, shape] of Object.entries(shapes(config))) {
      const w = weights[name];
      if (!w || w.shape.join() !== shape.join()) throw new Error(`${name}: expected shape ${shape}`);
      this.params[name] = tf.variable(tf.tensor(w.values, shape), true, name);
    }
  }

  parameterCount() {
    return Object.values(this.params).reduce((n, p) => n + p.size, 0);
  }

  layerNorm(x, name) {
    const { mean, variance } = tf.moments(x, -1, true);
    const normal = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(normal, this.params[`${name}.gamma`]), this.params[`${name}.beta`]);
  }

  linear(x, name) {
    const [b, t, c] = x.shape;
    const w = this.params[`${name}.weight`];
    return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [b * t, c]), w), this.params[`${name}.bias`]), [b, t, w.shape[1]]);
  }

  // Logits [B, T, V] for ids [B, T] (T ≤ block).
  forward(ids) {
    const { vocab, layers, embd, heads } = this.config;
    const [b, t] = ids.shape;
    const dh = embd / heads;
    const tokens = tf.matMul(tf.cast(tf.oneHot(tf.reshape(ids, [b * t]), vocab), 'float32'), this.params['token_embedding.weight']);
    const positions = tf.slice(this.params['position_embedding.weight'], [0, 0], [t, embd]);
    let x = tf.add(tf.reshape(tokens, [b, t, embd]), positions);
    const future = tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), 1), 1e9); // 0 on and below the diagonal
    const split = (z) => tf.transpose(tf.reshape(z, [b, t, heads, dh]), [0, 2, 1, 3]);
    for (let i = 0; i < layers; i++) {
      const p = `blocks.${i}.`;
      const [q, k, v] = tf.split(this.linear(this.layerNorm(x, `${p}ln_1`), `${p}attn.qkv`), 3, 2).map(split);
      const att = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), future));
      const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [b, t, embd]);
      x = tf.add(x, this.linear(y, `${p}attn.proj`));
      const m = this.linear(this.layerNorm(x, `${p}ln_2`), `${p}mlp.fc`);
      const gelu = tf.mul(tf.mul(m, 0.5), tf.add(tf.erf(tf.div(m, Math.SQRT2)), 1));
      x = tf.add(x, this.linear(gelu, `${p}mlp.proj`));
    }
    return this.linear(this.layerNorm(x, 'ln_f'), 'lm_head');
  }

  // The next-character probabilities after `ids` (its last `block`), at `temperature`.
  async distribution(ids, temperature) {
    const window = ids.slice(-this.config.block);
    const probs = tf.tidy(() => {
      const logits = this.forward(tf.tensor2d([window], [1, window.length], 'int32'));
      const last = tf.slice(logits, [0, window.length - 1, 0], [1, 1, this.config.vocab]);
      return tf.softmax(tf.div(tf.reshape(last, [-1]), temperature));
    });
    const values = await probs.data();
    probs.dispose();
    return values;
  }
}

let model = null;
let vocab = '';
const encode = (text) => [...text].map((ch) => vocab.indexOf(ch)).filter((i) => i >= 0);

export const gptPeer = {
  // The shipped model: its manifest's config and vocabulary and the burnpack's weights
  // ({name: {shape, values}}); or, without weights, a fresh one seeded with `seed`.
  load({ manifest, weights, seed = 42 }) {
    for (const p of Object.values(model?.params ?? {})) p.dispose();
    const c = manifest.config;
    vocab = manifest.vocab;
    const config = { vocab: c.vocab_size, block: c.block_size, layers: c.n_layer, heads: c.n_head, embd: c.n_embd };
    const values = weights
      ? Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, { shape: w.shape, values: Float32Array.from(w.values) }]))
      : initial(config, seed);
    model = new Gpt(config, values);
    return model.parameterCount();
  },

  // The ten likeliest next characters after `text`, as [character, probability].
  async top(text, temperature) {
    const probs = await model.distribution(encode(text), temperature);
    return [...probs]
      .map((p, i) => [vocab[i], p])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10);
  },

  // `n` characters after `prompt` at `temperature`, each drawn on the host from the read-back
  // distribution; resolves with the text and the milliseconds (the whole loop).
  async generate({ prompt, n, temperature, seed }) {
    const draw = random(seed);
    const ids = encode(prompt);
    if (!ids.length) ids.push(0);
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const probs = await model.distribution(ids, temperature);
      let u = draw();
      let id = 0;
      while (id < probs.length - 1 && u >= probs[id]) u -= probs[id++];
      ids.push(id);
    }
    const ms = performance.now() - started;
    return {
      text: ids
        .slice(-n)
        .map((i) => vocab[i])
        .join(''),
      ms,
    };
  },

  // `steps` training steps on random windows of `text` (batch × ctx, the page's nano GPT run),
  // the loss read back after each step as the page does; resolves with the first and last
  // losses (nats per character) and the milliseconds.
  async train({ text, steps, batch, ctx, lr, seed }) {
    const ids = encode(text);
    const draw = random(seed);
    const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-5);
    const params = Object.values(model.params);
    const losses = [];
    const started = performance.now();
    for (let s = 0; s < steps; s++) {
      const inputs = [];
      const targets = [];
      for (let b = 0; b < batch; b++) {
        const at = Math.floor(draw() * (ids.length - ctx - 1));
        inputs.push(ids.slice(at, at + ctx));
        targets.push(ids.slice(at + 1, at + ctx + 1));
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor2d(inputs, [batch, ctx], 'int32');
        const y = tf.oneHot(tf.tensor1d(targets.flat(), 'int32'), model.config.vocab);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(y, tf.reshape(model.forward(x), [batch * ctx, -1])),
          params,
        );
        const clip = (g) => tf.mul(g, tf.minimum(1, tf.div(1, tf.add(tf.norm(g), 1e-12))));
        const clipped = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, clip(g)]));
        for (const p of params) p.assign(tf.mul(p, 1 - lr * 0.01));
        optimizer.applyGradients(clipped);
        return value;
      });
      losses.push((await loss.data())[0]);
      loss.dispose();
    }
    const ms = performance.now() - started;
    optimizer.dispose();
    return { first: losses[0], last: losses[losses.length - 1], ms };
  },
};
