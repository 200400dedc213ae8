namespace SrganWorkbench.Mos.Site;

/// <summary>The rater's single page: sign in, calibration, one image at a time, buttons or keys 1-5.</summary>
static class RatingPage
{
    /// <summary>The page's one script as a content-security-policy source ('sha256-...'): the only script the site runs.</summary>
    public static string ScriptHash { get; } = Hash();

    static string Hash()
    {
        int start = Html.IndexOf("<script>", StringComparison.Ordinal) + "<script>".Length, end = Html.IndexOf("</script>", StringComparison.Ordinal);
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Html[start..end]));
        return $"'sha256-{Convert.ToBase64String(digest)}'";
    }

    public const string Html = """
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Image quality study</title>
<style>
 body{font-family:system-ui,sans-serif;margin:0;background:#f4f4f4;color:#222}
 header{background:#263238;color:#fff;padding:.6em 1.2em;display:flex;justify-content:space-between;align-items:center}
 main{padding:1.2em}
 .stage{background:#fff;display:inline-block;padding:12px;border:1px solid #ccc;max-width:100%;overflow:auto}
 .stage img{display:block;image-rendering:auto}
 .scale{margin:1em 0;display:flex;gap:.5em;flex-wrap:wrap}
 .scale button{font-size:1.05em;padding:.6em 1em;border:1px solid #888;border-radius:4px;background:#fff;cursor:pointer;min-width:7em}
 .scale button:hover{background:#e3f2fd}
 .note{background:#fff8e1;border-left:4px solid #ffb300;padding:.6em 1em;margin-bottom:1em;max-width:50em}
 #progress{font-variant-numeric:tabular-nums}
 .hidden{display:none}
 input{font-size:1.1em;padding:.4em}
 .error{color:#b71c1c}
</style></head>
<body>
<header><b>Image quality study</b><span id="progress"></span></header>
<main>
 <section id="signin">
  <p class="note">You will see images one at a time. Rate each from <b>1 (bad)</b> to <b>5 (excellent)</b>
  with the buttons or the keys 1-5. First, a few calibration examples show what 1 and 5 look like.
  You can stop at any time: this browser remembers where you were, and on another device you continue by entering the same code.</p>
  <form id="form"><p><label>Your code (from the organiser): <input id="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="40" placeholder="XXXX-XXXX-XXXX"></label></p>
  <p><label>Your name (optional): <input id="name" autocomplete="off" maxlength="40"></label></p>
  <button type="submit">Start</button></form>
 </section>
 <section id="calibration" class="hidden">
  <p class="note" id="calibration-text"></p>
  <div class="stage"><img id="calibration-image" alt="calibration example"></div>
  <p><button id="continue">Continue</button> (or press Enter)</p>
 </section>
 <section id="rate" class="hidden">
  <div class="stage"><img id="image" alt="image to rate"></div>
  <div class="scale" id="scale">
   <button data-score="1">1 · bad</button><button data-score="2">2 · poor</button><button data-score="3">3 · fair</button>
   <button data-score="4">4 · good</button><button data-score="5">5 · excellent</button>
  </div>
 </section>
 <section id="done" class="hidden"><h2>Thank you!</h2><p>You have rated every image.</p></section>
 <p class="error" id="error"></p>
</main>
<script>
let session = JSON.parse(localStorage.getItem("mos-session") || "null");
let current = null, busy = false;
const $ = id => document.getElementById(id);
function show(id) { for (const s of ["signin", "calibration", "rate", "done"]) $(s).classList.toggle("hidden", s !== id); }
async function call(method, url, body) {
  const headers = { "Content-Type": "application/json" };
  if (session) headers["X-Rater-Token"] = session.token;
  const r = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await r.json();
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}
function render(step) {
  current = step;
  $("error").textContent = "";
  $("progress").textContent = step.progress ? `${step.progress.done} / ${step.progress.total} rated` : "";
  if (step.kind === "calibration") {
    $("calibration-text").innerHTML = `Calibration ${step.step} of ${step.steps}: this image is an example of <b>${step.anchor} (${step.anchor === 1 ? "bad" : "excellent"})</b>.`;
    const img = $("calibration-image"); img.src = step.item.url; img.width = step.item.width; img.height = step.item.height;
    show("calibration");
  } else if (step.kind === "rate") {
    const img = $("image"); img.src = step.item.url; img.width = step.item.width; img.height = step.item.height;
    show("rate");
  } else show("done");
}
async function resume() {
  try { render(await call("GET", `/api/next?rater=${encodeURIComponent(session.rater)}`)); }
  catch (e) { localStorage.removeItem("mos-session"); session = null; show("signin"); }
}
$("form").addEventListener("submit", async ev => {
  ev.preventDefault();
  try {
    session = null;
    session = await call("POST", "/api/session", { code: $("code").value, name: $("name").value });
    localStorage.setItem("mos-session", JSON.stringify(session));
    await resume();
  } catch (e) { $("error").textContent = e.message; }
});
async function next() {
  if (busy || !current || current.kind !== "calibration") return;
  busy = true;
  try { render(await call("POST", "/api/calibration", { rater: session.rater, token: session.token, item: current.item.id })); }
  catch (e) { $("error").textContent = e.message; } finally { busy = false; }
}
async function rate(score) {
  if (busy || !current || current.kind !== "rate") return;
  busy = true;
  try { render((await call("POST", "/api/rate", { rater: session.rater, token: session.token, item: current.item.id, score })).next); }
  catch (e) { $("error").textContent = e.message; } finally { busy = false; }
}
$("continue").addEventListener("click", next);
for (const b of document.querySelectorAll("#scale button")) b.addEventListener("click", () => rate(Number(b.dataset.score)));
document.addEventListener("keydown", ev => {
  if (ev.target.tagName === "INPUT") return;
  if (current && current.kind === "rate" && ev.key >= "1" && ev.key <= "5") rate(Number(ev.key));
  if (current && current.kind === "calibration" && ev.key === "Enter") next();
});
if (session) resume(); else show("signin");
</script>
</body></html>
""";
}
