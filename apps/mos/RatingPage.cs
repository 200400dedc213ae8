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
 header{background:#263238;color:#fff;padding:.6em 1.2em;display:flex;justify-content:space-between;align-items:center;gap:1em}
 header button{font-size:.9em;padding:.2em .6em}
 main{padding:1.2em}
 .stage{background:#fff;display:inline-block;padding:12px;border:1px solid #ccc;max-width:100%;overflow:auto}
 .stage img{display:block;image-rendering:auto}
 .scale{margin:1em 0;display:flex;gap:.5em;flex-wrap:wrap}
 .scale button{font-size:1.05em;padding:.6em 1em;border:1px solid #888;border-radius:4px;background:#fff;cursor:pointer;min-width:7em}
 .scale button:hover:enabled{background:#e3f2fd}
 button:disabled{opacity:.45;cursor:default}
 .note{background:#fff8e1;border-left:4px solid #ffb300;padding:.6em 1em;margin-bottom:1em;max-width:50em}
 #progress{font-variant-numeric:tabular-nums}
 .hidden{display:none}
 input{font-size:1.1em;padding:.4em}
 .error{color:#b71c1c}
</style></head>
<body>
<header><b>Image quality study</b>
 <span><span id="who" class="hidden">Signed in as <b id="who-name"></b> · <button id="signout" type="button">Not you? Sign out</button></span>
 <span id="progress"></span></span></header>
<main>
 <section id="signin">
  <p class="note">You will see images one at a time. Rate each from <b>1 (bad)</b> to <b>5 (excellent)</b>
  with the buttons or the keys 1-5. First, a few calibration examples show what 1 and 5 look like.
  You can stop at any time: enter your code again later, here or on another device, to continue where you stopped.
  On a shared computer, sign out when you leave.</p>
  <form id="form"><p><label>Your code (from the organiser): <input id="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="40" placeholder="XXXX-XXXX-XXXX"></label></p>
  <p><label>Your name (optional): <input id="name" autocomplete="off" maxlength="40"></label></p>
  <button type="submit">Start</button></form>
 </section>
 <section id="calibration" class="hidden">
  <p class="note" id="calibration-text"></p>
  <div class="stage"><img id="calibration-image" alt="calibration example"></div>
  <p><button id="continue" disabled>Continue</button> (or press Enter)</p>
 </section>
 <section id="rate" class="hidden">
  <p class="note hidden" id="notice"></p>
  <div class="stage"><img id="image" alt="image to rate"></div>
  <div class="scale" id="scale">
   <button data-score="1" disabled>1 · bad</button><button data-score="2" disabled>2 · poor</button><button data-score="3" disabled>3 · fair</button>
   <button data-score="4" disabled>4 · good</button><button data-score="5" disabled>5 · excellent</button>
  </div>
 </section>
 <section id="done" class="hidden"><h2>Thank you!</h2><p>You have rated every image.</p>
  <p><button id="next-person" type="button">Sign out, so the next person can start</button></p></section>
 <p class="error" id="error"></p>
</main>
<script>
// The session lives in this tab only (sessionStorage): a new tab or window starts signed out. (A browser restoring a closed
// tab restores its sessionStorage too; the sign-out button and the server's idle limit are what end a session for good.)
const KEY = "mos-session";
let session = JSON.parse(sessionStorage.getItem(KEY) || "null");
let current = null, busy = false, loaded = false;
const $ = id => document.getElementById(id);
function show(id) {
  for (const s of ["signin", "calibration", "rate", "done"]) $(s).classList.toggle("hidden", s !== id);
  $("who").classList.toggle("hidden", !session || id === "signin");
  $("who-name").textContent = session ? session.name : "";
  if (id === "signin") $("progress").textContent = "";
}
class SessionEnded extends Error {}
async function call(method, url, body) {
  const headers = { "Content-Type": "application/json" };
  if (session) headers["X-Rater-Token"] = session.token;
  const r = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const data = await r.json();
  if (r.status === 401 && session) throw new SessionEnded(data.error);
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}
function forget() { sessionStorage.removeItem(KEY); session = null; current = null; $("code").value = ""; $("name").value = ""; }
function ended(message) { forget(); show("signin"); $("error").textContent = message; }
function failed(e) { if (e instanceof SessionEnded) ended(e.message); else $("error").textContent = e.message; }
// Buttons and keys act only once the image is on screen: a blank or broken image is never rated.
function controls(enabled) { for (const b of document.querySelectorAll("#scale button, #continue")) b.disabled = !enabled; }
function load(img, item) {
  loaded = false; controls(false);
  img.onload = () => { if (img.src.endsWith(item.url)) { loaded = true; controls(true); } };
  img.onerror = () => { if (img.src.endsWith(item.url)) $("error").textContent = "This image did not load, so it cannot be rated yet. Reload the page to try again; your ratings so far are kept."; };
  img.width = item.width; img.height = item.height; img.src = item.url;
}
function render(step, note) {
  current = step;
  $("error").textContent = "";
  $("notice").textContent = note || ""; $("notice").classList.toggle("hidden", !note);
  $("progress").textContent = step.progress ? `${step.progress.done} / ${step.progress.total} rated` : "";
  if (step.kind === "calibration") {
    $("calibration-text").innerHTML = `Calibration ${step.step} of ${step.steps}: this image is an example of <b>${step.anchor} (${step.anchor === 1 ? "bad" : "excellent"})</b>.`;
    show("calibration");
    load($("calibration-image"), step.item);
  } else if (step.kind === "rate") {
    show("rate");
    load($("image"), step.item);
  } else show("done");
}
async function resume() {
  try { render(await call("GET", `/api/next?rater=${encodeURIComponent(session.rater)}`)); }
  catch (e) { if (e instanceof SessionEnded) ended(e.message); else { forget(); show("signin"); $("error").textContent = e.message; } }
}
$("form").addEventListener("submit", async ev => {
  ev.preventDefault();
  try {
    session = null;
    session = await call("POST", "/api/session", { code: $("code").value, name: $("name").value });
    sessionStorage.setItem(KEY, JSON.stringify(session));
    await resume();
  } catch (e) { $("error").textContent = e.message; }
});
async function signOut() {
  if (session) { try { await call("POST", "/api/signout", { rater: session.rater, token: session.token }); } catch (e) { } }
  forget(); show("signin"); $("error").textContent = "";
}
async function next() {
  if (busy || !loaded || !current || current.kind !== "calibration") return;
  busy = true;
  try { render(await call("POST", "/api/calibration", { rater: session.rater, token: session.token, item: current.item.id })); }
  catch (e) { failed(e); } finally { busy = false; }
}
async function rate(score) {
  if (busy || !loaded || !current || current.kind !== "rate") return;
  busy = true;
  try {
    const answer = await call("POST", "/api/rate", { rater: session.rater, token: session.token, item: current.item.id, score });
    render(answer.next, answer.stored ? "" : answer.note);
  } catch (e) { failed(e); } finally { busy = false; }
}
$("continue").addEventListener("click", next);
$("signout").addEventListener("click", signOut);
$("next-person").addEventListener("click", signOut);
for (const b of document.querySelectorAll("#scale button")) b.addEventListener("click", () => { b.blur(); rate(Number(b.dataset.score)); }); // no focus left to rate the next image by Enter
document.addEventListener("keydown", ev => {
  // A held key would rate each new image the moment it loads; a modifier means a browser shortcut, not a score.
  if (ev.target.tagName === "INPUT" || ev.repeat || ev.ctrlKey || ev.altKey || ev.metaKey) return;
  if (current && current.kind === "rate" && ev.key >= "1" && ev.key <= "5") rate(Number(ev.key));
  if (current && current.kind === "calibration" && ev.key === "Enter") next();
});
if (session) resume(); else show("signin");
</script>
</body></html>
""";
}
