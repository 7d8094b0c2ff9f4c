// The GPT view as a student uses it, on the WebGPU path (SwiftShader) and on the CPU path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { scoreMolecules, trainingSet } from '../../tools/eval_apps.mjs';
import { copyLink, data, generate, launch, openPage, setControl, shot, startServer, train, waitReady } from './harness.mjs';

/** Generate and wait until the panel of a notation (tunes, molecules: its body counter) has read the text. */
async function generateRead(page, counter, options) {
  const before = await page.evaluate((c) => Number(document.body.dataset[c] || 0), counter);
  await generate(page, options);
  await page.waitForFunction(([c, n]) => Number(document.body.dataset[c] || 0) > n, [counter, before], { timeout: 120_000 });
}
const generateTune = (page, options) => generateRead(page, 'tunes', options);

// The tune panel draws the text's first tune: what comes before its first blank line.
const firstTuneOf = (text) => text.replace(/^(\s*\n)+/, '').split(/\n[ \t]*\n/)[0];

let server;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

describe('CPU path', () => {
  let browser;
  before(async () => {
    browser = await launch({ gpu: false });
  });
  after(() => browser.close());

  test('names its backend and why the GPU is not used', async () => {
    const page = await openPage(browser, server.url);
    const badge = await page.textContent('#backend');
    assert.match(badge, /CPU \(WebAssembly\)/);
    // Chromium with WebGPU switched off still has navigator.gpu, but gives no adapter.
    assert.match(badge, /ningún adaptador WebGPU|navigator\.gpu/);
    await shot(page, 'cpu-loaded');
  });

  test('the page opens on the Spanish default model, which writes 120 characters, with bars and attention', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu`);
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    assert.equal(await page.inputValue('#data'), 'frases');
    assert.match(await page.textContent('#model-info'), /Frases y refranes en español.*1,9\d bits/);
    const text = await generate(page, { prompt: 'A quien madruga', len: 120, seed: 7 });
    assert.equal([...text].length, 120);
    assert.match(await page.textContent('#gen-speed'), /^120 caracteres en \d+,\d\d s: \d+ caracteres por segundo\.$/);
    // The prompt's 15 positions, 120 more and, past the 128-character window, 64 re-read.
    assert.equal(
      await page.textContent('#gen-cost'),
      'Coste: 5·10⁸ operaciones (FLOP), 4,2·10⁶ por carácter contando el comienzo. GPT-3 necesita unas 3,5·10¹¹ por token: 8,3·10⁴ veces más.',
    );
    assert.equal(await page.locator('#bars .bar').count(), 10);
    const inked = await page.$eval('#attention', (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) n += d[i] > 0 ? 1 : 0;
      return n;
    });
    assert.ok(inked > 2000, `attention map drawn (${inked} pixels)`);
    await page.click('#output span.ch[data-index="10"]');
    await page.waitForSelector('#output span.ch.selected');
    await shot(page, 'cpu-generated');
  });

  test("the view opens with a first sample from the link's seed: the start of what Generate writes", async () => {
    const link = `${server.url}?backend=cpu#v=2&data=refranes&seed=11&len=150`;
    const samples = [];
    for (let i = 0; i < 2; i++) {
      const page = await openPage(browser, link);
      await page.waitForFunction(() => /primera muestra de 60 caracteres/.test(document.getElementById('gen-speed').textContent), null, {
        timeout: 120_000,
      });
      samples.push(await page.$$eval('#output span.ch', (s) => s.map((c) => c.textContent).join('')));
      assert.ok((await page.locator('#bars .bar').count()) > 0, 'the bars show what the model weighed');
      if (i === 0) await shot(page, 'cpu-gpt-first-sample');
      // Generate writes the whole text, which starts with the same 60 characters.
      const whole = await generate(page);
      assert.equal([...whole].length, 150);
      assert.equal([...whole].slice(0, 60).join(''), samples[0]);
      await page.context().close();
    }
    assert.equal([...samples[0]].length, 60);
    assert.equal(samples[1], samples[0], 'the same link writes the same first sample');
  });

  test('Stop ends a long generation part-way, keeping what was written', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&len=2000`);
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    await page.click('#generate');
    // The generation itself (not the first sample, written on arrival) has written 40 characters.
    await page.waitForFunction(
      () => !document.getElementById('stop-generate').disabled && document.querySelectorAll('#output span.ch').length >= 40,
    );
    await page.click('#stop-generate');
    await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 5000 });
    const written = await page.locator('#output span.ch').count();
    assert.ok(written >= 40 && written < 2000, `stopped after ${written} characters`);
    assert.match(await page.textContent('#gen-speed'), new RegExp(`^${written} caracteres en`));
  });

  test('the page is translated and usable while the default model downloads, and says so', async () => {
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    const prepare = (page) =>
      page.context().route('**/assets/models/frases.bpk', async (route) => {
        await held;
        await route.continue();
      });
    const page = await openPage(browser, `${server.url}?backend=cpu`, { prepare });
    assert.match(await page.textContent('#model-info'), /Descargando el modelo/);
    assert.equal(await page.textContent('#gpt-train h2'), 'Entrenar desde cero');
    assert.equal(await page.isDisabled('#generate'), true);
    await setControl(page, 'temp', '1.2');
    await shot(page, 'cpu-model-downloading');
    release();
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    assert.match(await page.textContent('#model-info'), /preentrenado en «Frases y refranes en español»/);
  });

  test('a link to the refranes model writes the same text as before the default changed', async () => {
    // `iagen-cli sample gpt --model web/assets/models/refranes --prompt "A quien madruga" --len 60
    // --seed 7` (same weights, sampler and seed); a v=1 link that names no data set meant refranes.
    const before = ', tie la hatros.\nCoria hos hobuacala ve nte a0.\nMime deciene';
    for (const hash of ['#v=1&seed=7&len=60', '#v=2&data=refranes&seed=7&len=60']) {
      const page = await openPage(browser, `${server.url}?backend=cpu${hash}`);
      await page.waitForFunction(() => !document.getElementById('generate').disabled);
      assert.equal(await page.inputValue('#data'), 'refranes', hash);
      assert.equal(await generate(page, { prompt: 'A quien madruga' }), before, hash);
      await page.close();
    }
  });

  test('30 training steps lower the loss', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=1&steps=30&seed=3`);
    const written = await generate(page, { prompt: 'A', len: 20, seed: 1 });
    await train(page);
    // The text the pretrained model wrote stays, said to be an earlier model's, and is not what
    // ¿Copia o inventa? checks.
    assert.equal(await page.textContent('#output'), `A${written}`);
    assert.match(await page.textContent('#gen-speed'), /^Este texto lo escribió el modelo anterior/);
    await page.click('#find-copies');
    await page.waitForFunction(() => /Genera un texto primero/.test(document.getElementById('copies-status').textContent));
    const losses = JSON.parse(await page.$eval('#loss-chart', (c) => c.dataset.losses));
    assert.ok(losses.length >= 2, `${losses.length} points`);
    assert.ok(losses.at(-1) < losses[0] - 0.3, `loss ${losses[0]} -> ${losses.at(-1)}`);
    assert.match(await page.textContent('#train-status'), /Paso 30 de 30/);
    assert.ok((await page.textContent('#train-sample')).length > 50, 'a sample is shown');
    // The cost meter, against a hand count for the proverbs' nano GPT (73 characters, width 32,
    // 2 layers, context 64, batch 16): per token 2·(24·32² + 4·64·32) + 2·32·73 = 70 208
    // operations, three passes over 16·64 tokens a step = 2.16·10⁸, 30 steps = 6.47·10⁹.
    assert.match(
      await page.textContent('#train-cost'),
      /^Coste: 2,2·10⁸ operaciones \(FLOP\) por paso × 30 pasos = 6,5·10⁹ FLOP, calculados en [\d,]+ s en esta página ≈ [\d,]+ Wh \(suponiendo 15 W, lo que gasta un procesador de portátil\)\. Entrenar GPT-3 costó 3,14·10²³ FLOP, 4,9·10¹³ veces más/,
    );
    assert.equal(Number(await page.$eval('#train-cost', (c) => c.dataset.flops)), 30 * 3 * 16 * 64 * 70208);
    await shot(page, 'cpu-trained');
  });

  test('Pause stops a run part-way, the link keeps its steps, Reset returns to the pretrained model', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=1&steps=2000`);
    const runs = await page.evaluate(() => Number(document.body.dataset.trainRuns || 0));
    await page.click('#train');
    await page.waitForFunction(() => /Paso [1-9]\d* de 2000/.test(document.getElementById('train-status').textContent));
    // The cost meter counts up while the run goes on.
    const flops = () => page.$eval('#train-cost', (c) => Number(c.dataset.flops));
    const early = await flops();
    await page.waitForFunction((f) => Number(document.getElementById('train-cost').dataset.flops) > f, early);
    await page.click('#pause');
    await page.waitForFunction((n) => Number(document.body.dataset.trainRuns || 0) > n, runs);
    const trained = Number(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('trained'));
    assert.ok(trained > 0 && trained < 2000, `paused after ${trained} steps`);
    assert.match(await page.textContent('#model-info'), new RegExp(`${trained} pasos`));
    assert.equal(await page.isEnabled('#generate'), true);
    await shot(page, 'cpu-paused');
    await page.click('#reset');
    await page.waitForFunction(() => /preentrenado/.test(document.getElementById('model-info').textContent));
    assert.doesNotMatch(await page.evaluate(() => location.hash), /trained=/);
    assert.equal(await page.textContent('#train-status'), '');
  });

  test('Generate clicked right after Train pauses the run instead of waiting behind it', async () => {
    // The training text arrives slowly, so both clicks land while the run still fetches it (once
    // a run has started, Generate is disabled until Pause).
    const prepare = (page) =>
      page.route('**/assets/data/refranes.txt', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await route.continue();
      });
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&data=refranes&steps=3000`, { prepare });
    await page.waitForFunction(() => /preentrenado/.test(document.getElementById('model-info').textContent));
    const generated = await page.evaluate(() => Number(document.body.dataset.generated || 0));
    await page.click('#train');
    await page.click('#generate');
    await page.waitForFunction((n) => Number(document.body.dataset.generated || 0) > n, generated, { timeout: 60_000 });
    const trained = Number(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('trained') || 0);
    assert.ok(trained < 3000, `the run paused (trained ${trained} steps)`);
    assert.ok((await page.textContent('#output')).length > 0, 'the text was written');
  });

  test('a link that would train for minutes asks first, and can open without training', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&data=refranes&trained=20000`);
    await page.waitForSelector('#replay-confirm:not([hidden])', { timeout: 120_000 });
    assert.match(await page.textContent('#replay-question'), /20000 pasos: en este equipo tardaría unos \d+ minutos/);
    assert.match(page.url(), /trained=20000/, 'the link is untouched while the page asks');
    await shot(page, 'cpu-replay-ask');
    await page.click('#replay-skip');
    await page.waitForFunction(() => /preentrenado/.test(document.getElementById('model-info').textContent));
    assert.doesNotMatch(page.url(), /trained=/);
    assert.ok(await page.isHidden('#replay-confirm'));
  });

  test('pasted text too short to train on gets a clear message with the length it needs', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=1&data=custom&ctx=64`, { locale: 'en-US' });
    await page.fill('#custom-text', 'Too short to train on.');
    await page.dispatchEvent('#custom-text', 'change');
    await train(page);
    assert.equal(
      await page.textContent('#train-message'),
      'The text is too short for this context: it has 22 characters and needs at least 650.',
    );
    assert.equal(await page.textContent('#train-status'), '');
    await shot(page, 'cpu-too-short');
  });

  test('a copied link reopened in a new page reproduces the same text', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=1&steps=20&tseed=11`);
    await setControl(page, 'lr', '0.01');
    await train(page);
    const first = await generate(page, { prompt: 'En', len: 60, seed: 5 });
    const link = await copyLink(page);
    assert.match(link, /trained=20/);
    assert.match(link, /lr=0.01/);
    assert.match(link, /tseed=11/);
    const again = await openPage(browser, link.replace('#', '?backend=cpu#'));
    assert.equal(await again.inputValue('#prompt'), 'En');
    const second = await generate(again);
    assert.equal(second, first);
    await shot(again, 'cpu-link-reproduced');
  });

  test('folk tunes and molecules: explained, trained live, and a shared link writes the same sequence', async () => {
    for (const [data, notation, alphabet, model] of [
      ['musica', /ABC escribe una melodía/, /^[\x20-\x7e\n]*$/, /preentrenado en «Melodías populares/],
      ['moleculas', /SMILES escribe una molécula/, /^[A-Za-z0-9()[\]=#@+\-\\/%\n]*$/, /preentrenado en «Moléculas/],
    ]) {
      const page = await openPage(browser, `${server.url}?backend=cpu#v=2&data=${data}&size=nano&steps=6&len=80&seed=3`);
      assert.match(await page.textContent('#data-help'), notation);
      await page.waitForFunction((re) => new RegExp(re).test(document.getElementById('model-info').textContent), model.source, {
        timeout: 120_000,
      });
      await train(page);
      const losses = JSON.parse(await page.$eval('#loss-chart', (c) => c.dataset.losses));
      assert.ok(losses.length > 0 && losses.every(Number.isFinite), `${data}: ${losses}`);
      const first = await generate(page, { prompt: '' });
      assert.equal(first.length, 80, data);
      assert.match(first, alphabet, `${data} writes in its own alphabet`);
      const link = await copyLink(page);
      assert.match(link, new RegExp(`data=${data}.*trained=6`));
      const again = await openPage(browser, link.replace('#', '?backend=cpu#'));
      assert.equal(await generate(again), first, data);
      await shot(again, `cpu-data-${data}`);
      await page.context().close();
      await again.context().close();
    }
  });

  test('a tune is drawn as a score, played with the sounding note lit, and what ABC cannot read is said by line; nothing leaves the page', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&data=musica&size=nano&steps=3&len=40&seed=3`);
    const foreign = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) foreign.push(r.url());
    });
    assert.ok(await page.isVisible('#gpt-tune'));
    assert.equal(await page.textContent('#tune-status'), 'Genera un texto para ver y oír su melodía.');
    await train(page);
    // A slow jig's first bars as the prompt, with two characters ABC does not allow (^^ before
    // no note) on its sixth line; a 3-step model goes on with noise.
    const prompt = 'M:6/8\nL:1/8\nQ:3/8=40\nR:jig\nK:D\nA|dfa afd|gbg ^^ faf|edc dBA|';
    await generateTune(page, { prompt });
    const notes = Number(await data(page, 'score', 'notes'));
    assert.ok(notes >= 9, `notes drawn: ${notes}`);
    assert.ok((await page.$$('#score svg .abcjs-note')).length === notes);
    assert.equal(
      await data(page, 'score', 'abc'),
      firstTuneOf(prompt + (await page.$$eval('#output span.ch', (s) => s.map((c) => c.textContent).join('')))),
    );
    const warnings = Number(await data(page, 'score', 'warnings'));
    assert.ok(warnings >= 2, `warnings: ${warnings}`);
    assert.match(
      await page.textContent('#tune-status'),
      new RegExp(`^Partitura de ${notes} notas; abcjs no pudo leer ${warnings} trozos:$`),
    );
    const listed = await page.$$eval('#tune-warnings li', (lis) => lis.map((li) => li.textContent));
    // The first ^, counting from 1, said in Spanish (abcjs: "Unknown character ignored").
    assert.match(listed[0], /^línea 6, columna 15: ABC no conoce el carácter «\^»: se salta$/);
    assert.equal(listed.length, Math.min(warnings, 5) + (warnings > 5 ? 1 : 0));
    await page.click('#tune-play');
    await page.waitForFunction(() => Number(document.getElementById('score').dataset.lit || 0) >= 3, null, { timeout: 60_000 });
    assert.equal(await data(page, 'tune-play', 'audio'), 'running');
    assert.ok((await page.$$('#score .tune-now')).length > 0, 'the sounding note is lit');
    await shot(page, 'cpu-tune-playing');
    await page.click('#tune-stop');
    assert.equal(await page.textContent('#tune-status'), 'Parada.');
    assert.equal((await page.$$('#score .tune-now')).length, 0);
    // Not ABC at all: honest words, no blank view, no exception.
    await generateTune(page, { prompt: 'hola, esto no es música' });
    assert.match(
      await page.textContent('#tune-status'),
      /^Sin cabecera ABC \(falta la línea K:\): abcjs lee igualmente sus letras como \d+ notas/,
    );
    await generateTune(page, { prompt: '1 2 3\n\n', len: 1 });
    assert.equal(
      await page.textContent('#tune-status'),
      'No hay notas que dibujar: el texto no empieza como una melodía ABC (una cabecera con K: y luego notas).',
    );
    assert.ok(await page.isDisabled('#tune-play'));
    // In English too.
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await page.textContent('#gpt-tune h2'), 'The tune');
    assert.match(await page.textContent('#tune-status'), /^No notes to draw: the text does not start like an ABC tune/);
    // The other data sets have no tune panel.
    await setControl(page, 'data', 'refranes');
    assert.ok(await page.isHidden('#gpt-tune'));
    assert.deepEqual(foreign, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('the shipped tune model writes a jig from its header that abcjs reads without a notation error', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&data=musica&temp=0.7&len=400`);
    await page.waitForFunction(() => /preentrenado en «Melodías populares/.test(document.getElementById('model-info').textContent), null, {
      timeout: 120_000,
    });
    assert.match(await page.textContent('#model-info'), /1\.245\.015 parámetros, 1,45 bits\/carácter/);
    await generateTune(page, { prompt: 'M:6/8\nL:1/8\nR:jig\nK:D\n', seed: 2 });
    const notes = Number(await data(page, 'score', 'notes'));
    assert.ok(notes >= 24, `notes drawn: ${notes}`);
    assert.equal(await page.textContent('#tune-status'), `Partitura de ${notes} notas, sin errores de notación.`);
    await shot(page, 'cpu-tune-shipped');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('molecules: each line drawn by RDKit, marked valid or why not, new or already trained on, tallied, and a new one finds its nearest training molecule', async () => {
    // The first training molecule, written from another atom: the same molecule, other text.
    const rdkit = await createRequire(import.meta.url)('@rdkit/rdkit')();
    const trained = readFileSync('web/assets/data/moleculas.txt', 'utf8').split('\n')[0];
    const mol = rdkit.get_mol(trained);
    const rewritten = mol.get_smiles(JSON.stringify({ canonical: false, rootedAtAtom: 2 }));
    mol.delete();
    assert.notEqual(rewritten, trained);
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&data=moleculas&size=nano&steps=3&len=80&seed=3`);
    const foreign = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) foreign.push(r.url());
    });
    assert.ok(await page.isVisible('#gpt-molecules'));
    await train(page);
    // A typed prompt: ethanol, an unclosed ring, an empty line, the rewritten training molecule.
    await generateRead(page, 'molecules', { prompt: `CCO\nC1CC\n\n${rewritten}\n` });
    const figures = await page.$$eval('#molecules figure', (fs) => fs.map((f) => ({ ...f.dataset, text: f.textContent })));
    assert.deepEqual(
      figures.slice(0, 4).map(({ valid, known, reason }) => ({ valid, known, reason })),
      [
        { valid: 'true', known: 'false', reason: undefined },
        { valid: 'false', known: undefined, reason: 'unclosed ring' },
        { valid: 'false', known: undefined, reason: undefined },
        { valid: 'true', known: 'true', reason: undefined },
      ],
    );
    assert.match(figures[1].text, /no válida — un anillo sin cerrar/); // RDKit: "unclosed ring"
    assert.match(figures[2].text, /línea vacía/);
    assert.match(figures[3].text, /ya estaba en el entrenamiento/);
    assert.equal((await page.$$('#molecules figure[data-valid="true"] img')).length, figures.filter((f) => f.valid === 'true').length);
    // The tally counts the complete lines the model wrote: not the four typed ones, nor the last,
    // cut off by the length.
    const generated = await page.$$eval('#output span.ch', (s) => s.map((c) => c.textContent).join(''));
    const written = generated.split('\n').slice(0, -1);
    const tally = await page.$eval('#mol-tally', (el) => ({ ...el.dataset }));
    assert.equal(Number(tally.generated), written.length);
    // The same counts as the scoring script's (tools/eval_apps.mjs, RDKit in Node).
    const score = await scoreMolecules(written, trainingSet());
    const valid = Math.round(score.validity * written.length);
    const unique = Math.round(score.uniqueness * valid);
    assert.deepEqual(
      [tally.valid, tally.unique, tally.novel].map(Number),
      [valid, unique, Math.round(score.novelty * unique)],
      JSON.stringify({ tally, score }),
    );
    assert.match(await page.textContent('#mol-tally'), /CharRNN de MOSES: 97,5 %, 99,9 %, 84 %\.$/);
    // Ethanol is new: its nearest training molecule, with the similarity.
    await page.click('#molecules figure.clickable');
    await page.waitForFunction(() => document.getElementById('mol-nearest-text').dataset.similarity);
    const similarity = Number(await data(page, 'mol-nearest-text', 'similarity'));
    assert.ok(similarity > 0 && similarity < 1, `${similarity}`);
    assert.match(
      await page.textContent('#mol-nearest-text'),
      /^La molécula de entrenamiento más parecida a CCO es la n\.º \d+, \S+: similitud de Tanimoto 0,\d\d/,
    );
    assert.equal((await page.$$('#mol-nearest figure img')).length, 2);
    await shot(page, 'cpu-molecules');
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.match(
      await page.textContent('#molecules figure:nth-child(2)'),
      /not valid — an unclosed ring \(a ring number without its pair\)/,
    );
    assert.match(await page.textContent('#mol-nearest-text'), /^The training molecule most similar to CCO is no\. \d+/);
    assert.deepEqual(foreign, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('the shipped molecules model writes mostly valid, new molecules in the page', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&data=moleculas&temp=0.6&len=1200&seed=1`);
    await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
    assert.match(await page.textContent('#model-info'), /preentrenado en «Moléculas parecidas a fármacos \(SMILES\)»: [\d.]+ parámetros/);
    await generateRead(page, 'molecules', { prompt: '' });
    const tally = await page.$eval('#mol-tally', (el) => ({ ...el.dataset }));
    const [generated, valid, novel] = [tally.generated, tally.valid, tally.novel].map(Number);
    // MODELS.md: 96 % valid at this temperature over 1 000 molecules; some 30 here.
    assert.ok(generated >= 20, JSON.stringify(tally));
    assert.ok(valid / generated >= 0.8, JSON.stringify(tally));
    assert.ok(novel / valid >= 0.8, JSON.stringify(tally));
    await shot(page, 'cpu-molecules-shipped');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test('a malformed link lists every problem in Spanish and still works', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu#v=1&lr=abc&colour=red&seed=-5&temp=NaN`);
    const items = await page.locator('#notice-list li').allTextContents();
    assert.equal(items.length, 4);
    assert.ok(
      items.some((s) => s.includes('«colour» no es un parámetro conocido')),
      items.join('\n'),
    );
    assert.ok(
      items.some((s) => s.includes('fuera de rango')),
      items.join('\n'),
    );
    assert.equal(await page.inputValue('#seed'), '0');
    assert.equal(await page.inputValue('#lr'), '0.003');
    await shot(page, 'cpu-bad-link');
  });

  test('a huge link is refused with one notice, and a long list of problems is cut short', async () => {
    const huge = Array.from({ length: 20_000 }, (_, i) => `k${i}=1`).join('&');
    const page = await openPage(browser, `${server.url}?backend=cpu#v=2&seed=5&${huge}`);
    const items = await page.locator('#notice-list li').allTextContents();
    assert.equal(items.length, 1);
    assert.match(items[0], /demasiado largo \(\d+ bytes; como mucho 16384\)/);
    assert.equal(await page.inputValue('#seed'), '42', 'nothing of the link is read');
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    await shot(page, 'cpu-huge-link');
    const many = Array.from({ length: 25 }, (_, i) => `k${i}=1`).join('&');
    const again = await openPage(browser, `${server.url}?backend=cpu#v=2&seed=5&${many}`);
    const listed = await again.locator('#notice-list li').allTextContents();
    assert.equal(listed.length, 11);
    assert.equal(listed[10], '… y 15 problemas más.');
    assert.equal(await again.inputValue('#seed'), '5');
  });

  test('the language switch changes the strings and the link', async () => {
    const page = await openPage(browser, `${server.url}?backend=cpu`);
    assert.equal(await page.textContent('#generate'), 'Generar');
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.getElementById('generate').textContent === 'Generate');
    assert.equal(await page.textContent('#gpt-train h2'), 'Train from scratch');
    assert.match(page.url(), /lang=en/);
    await shot(page, 'cpu-english');
  });

  test('embed mode shows the view without page chrome', async () => {
    const page = await openPage(browser, `${server.url}?embed=1&backend=cpu#v=1&data=shakespeare`);
    assert.equal(await page.locator('header.chrome').isVisible(), false);
    assert.equal(await page.locator('#gpt-generate').isVisible(), true);
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    assert.match(await page.textContent('#model-info'), /Shakespeare/);
    const text = await generate(page, { prompt: 'ROMEO:', len: 40, seed: 2 });
    assert.equal([...text].length, 40);
    await shot(page, 'cpu-embed');
  });
});

describe('WebGPU path (SwiftShader)', () => {
  let browser;
  before(async () => {
    browser = await launch({ gpu: true });
  });
  after(() => browser.close());

  test('names its WebGPU adapter, generates 100 characters and draws bars', async () => {
    const page = await openPage(browser, `${server.url}?backend=webgpu#v=2&data=refranes`, { locale: 'en-US' });
    assert.match(await page.textContent('#backend'), /^WebGPU — /);
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    const text = await generate(page, { prompt: 'A quien', len: 100, seed: 1 });
    assert.equal([...text].length, 100);
    assert.equal(await page.locator('#bars .bar').count(), 10);
    await shot(page, 'webgpu-generated');
  });

  test('a lost GPU device moves the page to the CPU, keeping the experiment', async () => {
    // The browser loses a device on a driver reset or a GPU-process crash; destroy() is the
    // same event on demand. The test's copy of the worker keeps a handle on burn's device.
    const keepDevice = `if (self.GPUAdapter) {
      const request = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (...a) {
        self.testDevice = await request.apply(this, a);
        return self.testDevice;
      };
    }\n`;
    const prepare = (page) =>
      page.route('**/worker.js', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: keepDevice + (await response.text()) });
      });
    const page = await openPage(browser, `${server.url}?backend=webgpu#v=1&seed=9&len=30&prompt=Dime`, { prepare });
    assert.equal(await page.evaluate(() => document.body.dataset.backend), 'webgpu');
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await page
      .workers()[0]
      .evaluate(() => self.testDevice.destroy())
      .catch(() => {});
    await reloaded;
    await waitReady(page);
    const badge = await page.textContent('#backend');
    assert.match(badge, /^CPU \(WebAssembly\)/);
    assert.match(badge, /se perdió el dispositivo WebGPU/);
    assert.equal(await page.inputValue('#seed'), '9');
    assert.equal(await page.inputValue('#prompt'), 'Dime');
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    const text = await generate(page);
    assert.equal([...text].length, 30);
    await shot(page, 'webgpu-lost-cpu');
  });

  test('left to choose, the page passes over a software GPU for the CPU and says why', async () => {
    const page = await openPage(browser, `${server.url}#v=2&data=refranes`);
    const badge = await page.textContent('#backend');
    assert.match(badge, /^CPU \(WebAssembly\)/);
    assert.match(badge, /se emula por software \(google swiftshader\)/);
    assert.equal(await page.evaluate(() => document.body.dataset.backend), 'cpu');
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    await shot(page, 'webgpu-software-passed-over');
  });

  test('on a real GPU each model runs where it is faster: the GPT on the CPU, the diffusion model on the GPU', async () => {
    // The adapter presents itself as a hardware GPU; SwiftShader still computes underneath.
    const hardware = `Object.defineProperty(GPUAdapter.prototype, 'info', {
      get: () => ({ vendor: 'nvidia', architecture: 'hopper', description: '', isFallbackAdapter: false }),
    });\n`;
    const prepare = (page) =>
      page.route('**/worker.js', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: hardware + (await response.text()) });
      });
    // Every line the badge shows about the WebGPU build's download, as it happens.
    const watchDownload = () => {
      window.downloadLines = [];
      new MutationObserver(() => {
        const line = document.querySelector('#backend small.download');
        if (line) window.downloadLines.push(line.textContent);
      }).observe(document, { childList: true, subtree: true });
    };
    const page = await openPage(browser, `${server.url}#v=2&data=refranes`, {
      prepare: async (p) => {
        await prepare(p);
        await p.addInitScript(watchDownload);
      },
    });
    const chosen = (why) => page.waitForFunction((w) => document.getElementById('backend').dataset.why === w, why);
    await chosen('smallwork');
    let badge = await page.textContent('#backend');
    assert.match(badge, /^CPU \(WebAssembly\)/);
    assert.match(badge, /hay WebGPU \(nvidia hopper\), pero este modelo encadena operaciones pequeñas/);
    assert.equal(await page.evaluate(() => document.body.dataset.backend), 'cpu');
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    // The GPT runs in the CPU-only build: the WebGPU build is not downloaded.
    assert.deepEqual(await page.evaluate(() => window.downloadLines), []);
    assert.equal([...(await generate(page, { prompt: 'A quien', len: 20, seed: 1 }))].length, 20);
    await shot(page, 'webgpu-hardware-gpt-on-cpu');
    const reloaded = page.waitForEvent('load');
    await page.click('#views button[data-view="diffusion"]');
    await reloaded;
    await waitReady(page);
    await chosen('bigwork');
    badge = await page.textContent('#backend');
    assert.match(badge, /^WebGPU — nvidia hopper/);
    assert.match(badge, /elegida para este modelo/);
    assert.equal(await page.evaluate(() => document.body.dataset.backend), 'webgpu');
    // While the WebGPU build downloaded, the badge said how much had come; now it says no more.
    const lines = await page.evaluate(() => window.downloadLines);
    assert.ok(lines.length > 0, 'the download was never shown');
    for (const line of lines) assert.match(line, /^descargando el motor para la GPU… \d+,\d MB$/);
    assert.ok(await page.isHidden('#backend small.download'));
    await shot(page, 'webgpu-hardware-diffusion-on-gpu');
    await page.context().close();

    // The WebGPU build does not arrive: the diffusion model runs on the CPU and the badge says why.
    const page2 = await openPage(browser, `${server.url}#v=2&view=diffusion`, {
      prepare: async (p) => {
        await prepare(p);
        await p.route('**/pkg/iagen_web_bg.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
      },
    });
    await page2.waitForFunction(() => document.getElementById('backend').dataset.why === 'failed');
    await waitReady(page2);
    badge = await page2.textContent('#backend');
    assert.match(badge, /^CPU \(WebAssembly\)WebGPU falló al iniciar: .*404/);
    assert.equal(await page2.evaluate(() => document.body.dataset.backend), 'cpu');
    assert.ok(await page2.isHidden('#error'));
    await shot(page2, 'webgpu-hardware-build-missing');
    await page2.context().close();

    // The WebGPU build arrives but the model does not: the page says so, and the badge no longer
    // says it is downloading.
    const page3 = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await prepare(page3);
    await page3.addInitScript(watchDownload);
    await page3.route('**/assets/models/diffusion-mnist.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page3.goto(`${server.url}#v=2&view=diffusion`);
    await page3.waitForSelector('#error:not([hidden])');
    assert.match(await page3.textContent('#error'), /diffusion-mnist\.json: HTTP 404/);
    await page3.waitForFunction(() => window.downloadLines.length > 0 && !document.querySelector('#backend small.download'));
    await shot(page3, 'webgpu-hardware-model-missing');
    await page3.context().close();
  });

  test('training runs a few steps on the GPU', async () => {
    const page = await openPage(browser, `${server.url}?backend=webgpu#v=1&steps=4&batch=4&ctx=32`);
    await train(page);
    const losses = JSON.parse(await page.$eval('#loss-chart', (c) => c.dataset.losses));
    assert.ok(losses.length >= 2, `${losses.length} points`);
    assert.ok(losses.every(Number.isFinite));
    await shot(page, 'webgpu-trained');
  });
});
