// The cost meter: floating-point operations counted from the model's shapes (the family
// counts them in Rust), the time this page spent computing, an energy estimate from an
// assumed device power, and the same figures for GPT-3 (or, for images, Stable Diffusion)
// beside them.

// GPT-3 (175 000 million parameters): training compute 3.14·10²³ FLOP (Brown et al. 2020,
// "Language Models are Few-Shot Learners", table D.1), about 1 287 MWh to train (Patterson et
// al. 2021, "Carbon Emissions and Large Neural Network Training", table 4), and about two
// operations per parameter for each token it writes.
export const GPT3 = { trainFlops: 3.14e23, trainMWh: 1287, tokenFlops: 2 * 175e9 };
// Stable Diffusion v1, the image views' reference: 150 000 hours of A100 PCIe 40 GB GPUs (its
// model card, "Environmental impact"), so at most 150 000 h × 3 600 s × 312·10¹² FLOP/s (the
// A100's 16-bit peak) ≈ 1,7·10²³ FLOP, and about 37,5 MWh at the card's 250 W.
export const STABLE_DIFFUSION = { trainFlops: 150000 * 3600 * 312e12 };
const REFERENCES = { gpt3: GPT3, sd: STABLE_DIFFUSION };
// What a laptop draws while it computes: the energy estimate's stated assumption.
const WATTS = { cpu: 15, webgpu: 50 };

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** `x` as "3,1·10⁹" (the decimal sign of the page's language). */
export function scientific(x, lang) {
  if (!(x > 0)) return '0';
  const exponent = Math.floor(Math.log10(x));
  const mantissa = (x / 10 ** exponent).toLocaleString(lang, { maximumFractionDigits: 1 });
  if (exponent < 3) return x.toLocaleString(lang, { maximumFractionDigits: 0 });
  return `${mantissa}·10${[...String(exponent)].map((d) => SUPERSCRIPT[d]).join('')}`;
}

/**
 * The training panel's line: `stepFlops` per step, `steps` trained, `seconds` computed here,
 * beside `reference` (`gpt3`, or `sd` for the image families).
 */
export function trainingCost(t, lang, { stepFlops, steps, seconds, backend, reference = 'gpt3' }) {
  const total = stepFlops * steps;
  const watts = WATTS[backend] ?? WATTS.cpu;
  return t(reference === 'sd' ? 'cost.training.sd' : 'cost.training', {
    perStep: scientific(stepFlops, lang),
    steps: steps.toLocaleString(lang),
    total: scientific(total, lang),
    seconds: seconds.toLocaleString(lang, { maximumFractionDigits: 1 }),
    wh: ((seconds * watts) / 3600).toLocaleString(lang, { maximumSignificantDigits: 2 }),
    watts,
    device: t(`cost.device.${backend === 'webgpu' ? 'webgpu' : 'cpu'}`),
    ratio: scientific(REFERENCES[reference].trainFlops / Math.max(total, 1), lang),
  });
}

/** An image family's line `key`: `flops` for `n` images, in all and per image. */
export function imagesCost(t, lang, key, { flops, n }) {
  return t(key, { n, total: scientific(flops, lang), perImage: scientific(flops / Math.max(n, 1), lang) });
}

/** A generation's line: `flops` for `chars` characters (the prompt's pass included). */
export function generationCost(t, lang, { flops, chars }) {
  const perChar = flops / Math.max(chars, 1);
  return t('cost.generation', {
    total: scientific(flops, lang),
    perChar: scientific(perChar, lang),
    ratio: scientific(GPT3.tokenFlops / perChar, lang),
  });
}
