// SRGAN Workbench, in the browser: the workspace's generators (exported to ONNX by `srgan export`) run by ONNX Runtime
// Web (WebAssembly, CPU) on a test image or a dropped one, beside bicubic, with one zoom and pan for every panel and a
// before/after slider. Everything comes from this folder (built by `srgan web build`): no CDN, no network.
"use strict";

// Tiles as `srgan upscale --tile 128 --overlap 16` (lib/Inference/TileOptions.cs): bounded memory for large drops, and the
// same numbers as the workspace's tiled upscale. Images within one tile go whole, as there.
const TILE = 128, OVERLAP = 16, SCALE = 4;

const state = {
  manifest: null,
  sessions: {},          // model id -> ort.InferenceSession (made on first use)
  panels: [],            // { id, label, canvas, image: {width, height, rgb} }
  view: { zoom: 1, cx: 0, cy: 0 },
  run: 0,                // the current run; a newer one makes an older one stop drawing
  // For tests and curious users: each run's outputs (RGB bytes) and whether it finished.
  done: false, outputs: {}, error: null, timings: {},
};
window.srgan = state;

const $ = sel => document.querySelector(sel);

async function main() {
  // Absolute: ONNX Runtime Web imports its WebAssembly loader relative to its own script otherwise (ort/ort/...).
  ort.env.wasm.wasmPaths = new URL("ort/", location.href).href;
  // Threads need cross-origin isolation (`srgan web serve` sends the headers); otherwise one thread.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  state.manifest = await (await fetch("manifest.json")).json();
  const select = $("#test-image");
  for (const set of ["Set5", "Set14"]) {
    const group = document.createElement("optgroup");
    group.label = set;
    for (const [i, image] of state.manifest.images.entries())
      if (image.set === set) group.append(new Option(`${image.name} (${image.width}x${image.height})`, String(i)));
    select.append(group);
  }
  select.addEventListener("change", () => select.value !== "" && showTestImage(state.manifest.images[+select.value]));
  $("#file").addEventListener("change", e => e.target.files[0] && showDropped(e.target.files[0]));
  const drop = $("#drop");
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => { e.preventDefault(); drop.classList.remove("over"); e.dataTransfer.files[0] && showDropped(e.dataTransfer.files[0]); });
  $("#zoom").addEventListener("input", e => setZoom(+e.target.value));
  $("#slider").addEventListener("input", drawCompare);
  $("#left-method").addEventListener("change", drawCompare);
  $("#right-method").addEventListener("change", drawCompare);
  $("#status").textContent = `Ready: ${state.manifest.models.length} models (ONNX opset ${state.manifest.opset}), ` +
    `ONNX Runtime Web ${ort.env.versions.web}, ${ort.env.wasm.numThreads} thread(s). Pick a test image or drop one.`;
  document.body.dataset.ready = "true";
}

// ---- images ----------------------------------------------------------------------------------------------------------

// An image file's RGB bytes as stored: no colour management, no premultiplied alpha (alpha is dropped, as the network
// sees colour only).
async function readRgb(blob) {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { colorSpace: "srgb" });
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const rgb = new Uint8Array(bitmap.width * bitmap.height * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) { rgb[q] = rgba[p]; rgb[q + 1] = rgba[p + 1]; rgb[q + 2] = rgba[p + 2]; }
  return { width: bitmap.width, height: bitmap.height, rgb };
}

const fetchRgb = async url => readRgb(await (await fetch(url)).blob());

function toImageData(image) {
  const data = new ImageData(image.width, image.height);
  for (let p = 0, q = 0; q < image.rgb.length; p += 4, q += 3) {
    data.data[p] = image.rgb[q]; data.data[p + 1] = image.rgb[q + 1]; data.data[p + 2] = image.rgb[q + 2]; data.data[p + 3] = 255;
  }
  return data;
}

// ---- the network ----------------------------------------------------------------------------------------------------

async function session(model) {
  if (!state.sessions[model.id])
    state.sessions[model.id] = await ort.InferenceSession.create(model.file, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  return state.sessions[model.id];
}

// The graph's output for LR pixels [y0, y0+th) x [x0, x0+tw): planar floats in [0,1], not clamped (GeneratorExport.cs).
async function runTile(s, lr, x0, y0, tw, th) {
  const plane = tw * th, input = new Float32Array(3 * plane);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++)
      for (let c = 0; c < 3; c++) input[c * plane + y * tw + x] = lr.rgb[((y0 + y) * lr.width + x0 + x) * 3 + c] / 255;
  const result = await s.run({ lr: new ort.Tensor("float32", input, [1, 3, th, tw]) });
  return result.sr.data;
}

// TileOptions.Starts: steps of tile - overlap, the last tile flush with the edge.
function starts(length) {
  if (length <= TILE) return [0];
  const out = [];
  for (let p = 0; ; p += TILE - OVERLAP) {
    if (p + TILE >= length) { out.push(length - TILE); return out; }
    out.push(p);
  }
}

// TileOptions.Ramp: blend weights along one side of an SR tile (float32, as there).
function ramp(length, rampIn, rampOut) {
  const o = OVERLAP * SCALE, r = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    let v = 1;
    if (rampIn && i < o) v = Math.min(v, Math.fround((i + 0.5) / o));
    if (rampOut && i >= length - o) v = Math.min(v, Math.fround((length - i - 0.5) / o));
    r[i] = v;
  }
  return r;
}

// ModelUpscaler.Upscale: whole, or tiles blended by their ramps; then clamped and rounded to 8 bits (ImageTensor.ToSample).
async function upscale(model, lr) {
  const s = await session(model);
  const W = lr.width * SCALE, H = lr.height * SCALE, plane = W * H;
  let values;
  if (lr.width <= TILE && lr.height <= TILE) values = await runTile(s, lr, 0, 0, lr.width, lr.height);
  else {
    const sum = new Float32Array(3 * plane), weight = new Float32Array(plane);
    for (const y0 of starts(lr.height))
      for (const x0 of starts(lr.width)) {
        const th = Math.min(TILE, lr.height - y0), tw = Math.min(TILE, lr.width - x0);
        const sr = await runTile(s, lr, x0, y0, tw, th);
        const down = ramp(th * SCALE, y0 > 0, y0 + th < lr.height), across = ramp(tw * SCALE, x0 > 0, x0 + tw < lr.width);
        const tp = th * SCALE * tw * SCALE;
        for (let y = 0; y < th * SCALE; y++)
          for (let x = 0; x < tw * SCALE; x++) {
            const w = Math.fround(down[y] * across[x]), at = (y0 * SCALE + y) * W + x0 * SCALE + x;
            for (let c = 0; c < 3; c++) sum[c * plane + at] = Math.fround(sum[c * plane + at] + Math.fround(sr[c * tp + y * tw * SCALE + x] * w));
            weight[at] = Math.fround(weight[at] + w);
          }
      }
    values = sum;
    for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) values[c * plane + p] = Math.fround(values[c * plane + p] / weight[p]);
  }
  const rgb = new Uint8Array(3 * plane);
  for (let p = 0; p < plane; p++)
    for (let c = 0; c < 3; c++) {
      const r = Math.round(values[c * plane + p] * 255); // half away from zero for v >= 0; below 0 saturates
      rgb[p * 3 + c] = r <= 0 ? 0 : r >= 255 ? 255 : r;
    }
  return { width: W, height: H, rgb };
}

// ---- runs -----------------------------------------------------------------------------------------------------------

// A new run starts at once, before its images are read: `done` must not still say the previous run's.
function begin() {
  Object.assign(state, { done: false, outputs: {}, error: null, timings: {} });
  return ++state.run;
}

async function showTestImage(image) {
  const run = begin();
  const [lr, bicubic, hr] = await Promise.all([fetchRgb(image.lr), fetchRgb(image.bicubic), fetchRgb(image.hr)]);
  if (run === state.run) await compareAll(run, lr, bicubic, "bicubic (MATLAB imresize, made by the workspace)", hr, image);
}

async function showDropped(file) {
  const run = begin();
  let lr;
  try { lr = await readRgb(file); }
  catch (e) { return refuse(`${file.name}: not an image this browser can read (${e.message}).`); }
  if (lr.width < 5 || lr.height < 5) return refuse(`${file.name}: ${lr.width}x${lr.height} is too small (the generator needs 5x5).`);
  const bicubic = MatlabBicubic.resize(lr.rgb, lr.width, lr.height, SCALE);
  if (run === state.run) await compareAll(run, lr, bicubic, "bicubic (MATLAB imresize, JS port: bicubic.js)", null, null, file.name);
}

// One line naming the file and why; the run ends (state.error says so to anyone waiting on it).
function refuse(message) {
  state.error = message;
  $("#status").textContent = message;
}

async function compareAll(run, lr, bicubic, bicubicLabel, hr, image, droppedName) {
  state.outputs.bicubic = bicubic;
  const panels = [{ id: "bicubic", label: bicubicLabel, image: bicubic }]
    .concat(state.manifest.models.map(m => ({ id: m.id, label: labelOf(m), image: null })));
  if (hr) panels.push({ id: "hr", label: "HR (ground truth)", image: hr });
  layout(panels, lr);
  scoresTable(image);
  const name = image ? `${image.set}/${image.name}` : droppedName;
  try {
    for (const model of state.manifest.models) {
      if (run !== state.run) return;
      $("#status").textContent = `${name}: ${lr.width}x${lr.height} -> ${lr.width * SCALE}x${lr.height * SCALE}, running ${model.id} ...`;
      const started = performance.now();
      const sr = await upscale(model, lr);
      if (run !== state.run) return;
      state.timings[model.id] = (performance.now() - started) / 1000;
      state.outputs[model.id] = sr;
      const panel = state.panels.find(p => p.id === model.id);
      panel.image = sr;
      draw(panel);
      panel.caption.textContent = `${panel.label} - ${state.timings[model.id].toFixed(1)} s in this browser`;
    }
    $("#status").textContent = `${name}: done (${Object.entries(state.timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}).`;
    drawCompare();
    state.done = true;
  } catch (e) {
    state.error = String(e);
    $("#status").textContent = `error: ${e.message || e}`;
  }
}

// "SRResNet: srresnet-cpu-continued (...)"; a label that already says what it is ("SRGAN, GPU-trained ...") stays as it is.
const labelOf = m => m.label.startsWith(m.kind) ? m.label : `${m.kind}: ${m.label}`;

// ---- panels, zoom and slider ----------------------------------------------------------------------------------------

function layout(panels, lr) {
  const grid = $("#panels");
  grid.replaceChildren();
  state.panels = panels;
  const W = lr.width * SCALE, H = lr.height * SCALE;
  state.view = { zoom: +$("#zoom").value, cx: W / 2, cy: H / 2, width: W, height: H };
  for (const panel of panels) {
    const figure = document.createElement("figure");
    figure.className = "panel";
    figure.dataset.method = panel.id;
    const viewport = document.createElement("div");
    viewport.className = "viewport";
    panel.canvas = document.createElement("canvas");
    panel.canvas.width = W; panel.canvas.height = H;
    viewport.append(panel.canvas);
    panButtons(viewport);
    panel.caption = document.createElement("figcaption");
    panel.caption.textContent = panel.image ? panel.label : `${panel.label} - waiting ...`;
    figure.append(viewport, panel.caption);
    grid.append(figure);
    if (panel.image) draw(panel);
  }
  for (const select of [$("#left-method"), $("#right-method")]) {
    const keep = select.value;
    select.replaceChildren(...panels.map(p => new Option(p.label, p.id)));
    if (panels.some(p => p.id === keep)) select.value = keep;
  }
  if (!$("#left-method").value || $("#left-method").value === $("#right-method").value) $("#left-method").value = "bicubic";
  if ($("#right-method").value === "bicubic" || !$("#right-method").value) $("#right-method").value = panels[2]?.id ?? panels[1].id;
  $("#compare-left").width = $("#compare-right").width = W;
  $("#compare-left").height = $("#compare-right").height = H;
  panButtons($("#compare .viewport"));
  applyView();
}

function draw(panel) { panel.canvas.getContext("2d").putImageData(toImageData(panel.image), 0, 0); }

function drawCompare() {
  const left = state.panels.find(p => p.id === $("#left-method").value), right = state.panels.find(p => p.id === $("#right-method").value);
  for (const [canvas, panel] of [[$("#compare-left"), left], [$("#compare-right"), right]]) {
    const context = canvas.getContext("2d");
    if (panel?.image) context.putImageData(toImageData(panel.image), 0, 0);
    else context.clearRect(0, 0, canvas.width, canvas.height);
  }
  // The right image shows right of the slider; the left image beneath it, left of it.
  $("#compare-right").style.clipPath = `inset(0 0 0 ${$("#slider").value}%)`;
  $("#compare-labels").textContent = `left: ${left?.label ?? "-"} | right: ${right?.label ?? "-"}`;
}

// One zoom and centre for every panel and the slider view: pixels replicated (image-rendering: pixelated).
function applyView() {
  const { zoom, cx, cy } = state.view;
  for (const viewport of document.querySelectorAll(".viewport")) {
    const vw = viewport.clientWidth, vh = viewport.clientHeight;
    for (const canvas of viewport.querySelectorAll("canvas"))
      canvas.style.transform = `translate(${vw / 2 - cx * zoom}px, ${vh / 2 - cy * zoom}px) scale(${zoom})`;
  }
  $("#zoom-value").textContent = `${zoom}x`;
}

function setZoom(zoom) { state.view.zoom = zoom; $("#zoom").value = zoom; applyView(); }

// Drag any panel to pan all of them; the wheel zooms all of them.
function panButtons(viewport) {
  if (viewport.dataset.wired) return;
  viewport.dataset.wired = "true";
  let last = null;
  viewport.addEventListener("pointerdown", e => { last = [e.clientX, e.clientY]; viewport.setPointerCapture(e.pointerId); });
  viewport.addEventListener("pointermove", e => {
    if (!last) return;
    state.view.cx -= (e.clientX - last[0]) / state.view.zoom;
    state.view.cy -= (e.clientY - last[1]) / state.view.zoom;
    last = [e.clientX, e.clientY];
    applyView();
  });
  viewport.addEventListener("pointerup", () => { last = null; });
  viewport.addEventListener("wheel", e => {
    e.preventDefault();
    const steps = [0.25, 0.5, 1, 2, 3, 4, 6, 8];
    const i = steps.indexOf(state.view.zoom);
    setZoom(steps[Math.max(0, Math.min(steps.length - 1, (i < 0 ? 2 : i) + (e.deltaY < 0 ? 1 : -1)))]);
  }, { passive: false });
}

function scoresTable(image) {
  const table = $("#scores");
  if (!image) { table.innerHTML = "<caption>No workspace scores for a dropped image (no ground truth).</caption>"; return; }
  const rows = [["bicubic", "bicubic"]].concat(state.manifest.models.map(m => [m.id, labelOf(m)]));
  const cell = (v, d) => v == null ? "-" : v.toFixed(d);
  table.innerHTML = `<caption>${image.set}/${image.name}, as the workspace measured it (${state.manifest.protocol})</caption>` +
    "<tr><th>method</th><th>PSNR (dB)</th><th>LPIPS (lower is better)</th></tr>" +
    rows.map(([id, label]) => `<tr data-method="${id}"><td>${label}</td><td>${cell(image.scores[id]?.psnr, 2)}</td><td>${cell(image.scores[id]?.lpips, 4)}</td></tr>`).join("");
}

main().catch(e => { state.error = String(e); $("#status").textContent = `error: ${e.message || e}`; });
