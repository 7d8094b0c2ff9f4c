// The views the page offers, in the order of the navigation: the lessons, then the model
// families. Each view module exports `mount(root, shell)` and declares everything else about
// its family itself. Adding a family adds one line here.
export const FAMILIES = [
  { id: 'lessons', module: './views/lessons.js' },
  { id: 'gpt', module: './views/gpt.js' },
  { id: 'diffusion', module: './views/diffusion.js' },
  { id: 'vae', module: './views/vae.js' },
  { id: 'gan', module: './views/gan.js' },
  { id: 'ganimg', module: './views/ganimg.js' },
  { id: 'pixelgpt', module: './views/pixelgpt.js' },
  { id: 'compare', module: './views/compare.js' },
];
