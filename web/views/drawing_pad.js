// A canvas to draw a digit or a garment on with the pointer (pen or eraser), read back as a
// 28×28 image prepared the way MNIST's were: the ink's bounding box scaled to fit 20×20
// (keeping its shape), then moved so its centre of mass sits at the centre of the 28×28 frame.

const SIDE = 28;
const BOX = 20;

export function drawingPad(canvas, { onStroke }) {
  const ctx = canvas.getContext('2d');
  let tool = 'pen';
  let drawing = false;
  let last = null;

  function clear() {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  clear();

  const at = (e) => {
    const rect = canvas.getBoundingClientRect();
    return [((e.clientX - rect.left) * canvas.width) / rect.width, ((e.clientY - rect.top) * canvas.height) / rect.height];
  };
  function line(from, to) {
    ctx.strokeStyle = tool === 'pen' ? '#fff' : '#000';
    ctx.lineWidth = (canvas.width / SIDE) * (tool === 'pen' ? 2.2 : 4);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
  }
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture?.(e.pointerId);
    last = at(e);
    line(last, last);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const next = at(e);
    line(last, next);
    last = next;
  });
  const finish = () => {
    if (!drawing) return;
    drawing = false;
    onStroke();
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointerleave', finish);

  /** The drawing as 784 values in [-1, 1] (ink bright), or null when the pad is empty. */
  function toImage() {
    const { width, height } = canvas;
    const ink = ctx.getImageData(0, 0, width, height).data;
    let [x0, y0, x1, y1] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (ink[(y * width + x) * 4] > 20) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) return null;
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    const scale = BOX / Math.max(w, h);
    const small = document.createElement('canvas');
    small.width = small.height = SIDE;
    const sctx = small.getContext('2d');
    sctx.fillStyle = '#000';
    sctx.fillRect(0, 0, SIDE, SIDE);
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = 'high';
    // Fitted into the frame's centre first; the centre-of-mass shift follows.
    const dw = w * scale;
    const dh = h * scale;
    sctx.drawImage(canvas, x0, y0, w, h, (SIDE - dw) / 2, (SIDE - dh) / 2, dw, dh);
    const grey = sctx.getImageData(0, 0, SIDE, SIDE).data;
    const values = new Float32Array(SIDE * SIDE);
    let [mass, mx, my] = [0, 0, 0];
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = grey[i * 4] / 255;
      values[i] = v;
      mass += v;
      mx += v * (i % SIDE);
      my += v * Math.floor(i / SIDE);
    }
    const dx = Math.round((SIDE - 1) / 2 - mx / mass);
    const dy = Math.round((SIDE - 1) / 2 - my / mass);
    const out = new Float32Array(SIDE * SIDE).fill(-1);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const [sx, sy] = [x - dx, y - dy];
        if (sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE) out[y * SIDE + x] = values[sy * SIDE + sx] * 2 - 1;
      }
    }
    return out;
  }

  return {
    clear,
    toImage,
    setTool(name) {
      tool = name;
    },
  };
}
