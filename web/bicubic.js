// MATLAB's imresize(A, scale, 'bicubic') for 8-bit RGB, ported from lib/Imaging/MatlabResize.cs (which matches MATLAB-made
// files bit for bit): Keys' cubic kernel (a = -0.5), MATLAB's 1-based coordinate map u = x/scale + (1 - 1/scale)/2,
// weights normalised per output sample, edge samples repeated (the workspace's default border), the two 1-D passes
// rows first with uint8 rounding between them (round half away from zero, saturate), as MATLAB's mex does. The same
// double-precision operations in the same order, so the page's bicubic of a dropped image is the workspace's.
"use strict";

const MatlabBicubic = (() => {
  function cubic(x) {
    const ax = Math.abs(x), ax2 = ax * ax, ax3 = ax2 * ax;
    if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
    if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
    return 0;
  }

  // For each output sample: the input indices it reads and their weights (upscaling: no antialiasing stretch).
  function contributions(inLength, outLength, scale) {
    const kernelWidth = 4, taps = Math.ceil(kernelWidth) + 2;
    const indices = new Int32Array(outLength * taps), weights = new Float64Array(outLength * taps);
    for (let i = 0; i < outLength; i++) {
      const x = i + 1;
      const u = x / scale + 0.5 * (1 - 1 / scale);
      const left = Math.floor(u - kernelWidth / 2);
      let sum = 0;
      for (let t = 0; t < taps; t++) {
        const w = cubic(u - (left + t));
        weights[i * taps + t] = w;
        sum += w;
      }
      for (let t = 0; t < taps; t++) {
        weights[i * taps + t] /= sum;
        indices[i * taps + t] = Math.min(Math.max(left + t, 1), inLength) - 1;
      }
    }
    return { taps, indices, weights };
  }

  // MATLAB's double -> uint8: round half away from zero, saturate (values below 0 saturate, so Math.round's half-up is enough).
  const toByte = v => { const r = Math.round(v); return r <= 0 ? 0 : r >= 255 ? 255 : r; };

  // rgb: Uint8Array of w*h*3 interleaved samples. Returns { width, height, rgb } scaled by an integer factor.
  function resize(rgb, width, height, scale) {
    const outW = Math.ceil(scale * width), outH = Math.ceil(scale * height);
    const alongY = contributions(height, outH, scale), alongX = contributions(width, outW, scale);
    const mid = new Float64Array(outH * width * 3); // rows first (MATLAB: the smaller scale first, rows on a tie)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < width; ox++)
        for (let k = 0; k < 3; k++) {
          let sum = 0;
          for (let t = 0; t < alongY.taps; t++)
            sum += alongY.weights[oy * alongY.taps + t] * rgb[(alongY.indices[oy * alongY.taps + t] * width + ox) * 3 + k];
          mid[(oy * width + ox) * 3 + k] = toByte(sum);
        }
    const out = new Uint8Array(outW * outH * 3);
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let k = 0; k < 3; k++) {
          let sum = 0;
          for (let t = 0; t < alongX.taps; t++)
            sum += alongX.weights[ox * alongX.taps + t] * mid[(oy * width + alongX.indices[ox * alongX.taps + t]) * 3 + k];
          out[(oy * outW + ox) * 3 + k] = toByte(sum);
        }
    return { width: outW, height: outH, rgb: out };
  }

  return { resize, cubic };
})();
