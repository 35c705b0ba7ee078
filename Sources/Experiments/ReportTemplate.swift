/// The Mustache template of `report.html`, shipped in the binary. Every value is inserted with `{{…}}`,
/// which HTML-escapes it; the page needs no network and no server (images are relative links).
enum ReportTemplate {
    static let text = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
.meta { color: #666; margin: 0 0 1em; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #ddd; padding: .3em .6em; text-align: right; white-space: nowrap; }
th { background: #f0f0f0; cursor: pointer; user-select: none; }
th.sorted-asc::after { content: " ▲"; } th.sorted-desc::after { content: " ▼"; }
td:first-child, th:first-child { text-align: left; }
.ci { color: #888; font-size: .85em; }
section.image { background: #fff; border: 1px solid #ddd; margin: 1em 0; padding: .5em 1em; }
section.image h3 { margin: .2em 0 .5em; font-size: 1.05em; }
.strip { display: flex; flex-wrap: wrap; gap: .6em; align-items: flex-start; }
figure { margin: 0; text-align: center; font-size: .8em; max-width: 180px; }
figure img { max-width: 180px; max-height: 140px; display: block; margin: 0 auto; border: 1px solid #ccc;
  background: repeating-conic-gradient(#ddd 0% 25%, #fff 0% 50%) 50% / 12px 12px; }
figure.run { cursor: pointer; }
figure.run:hover img, figure.run:focus img { outline: 3px solid #2a7ae2; }
.nomask { width: 120px; height: 90px; display: flex; align-items: center; justify-content: center; border: 1px dashed #c33; color: #c33; }
#panel { position: fixed; top: 0; right: 0; width: min(560px, 95vw); height: 100vh; overflow: auto; background: #fff;
  border-left: 2px solid #2a7ae2; box-shadow: -4px 0 12px rgba(0,0,0,.15); padding: 1em; box-sizing: border-box; }
#panel button { float: right; font-size: 1.2em; }
ol.dialogue { padding-left: 1.2em; } ol.dialogue li { margin: .4em 0; white-space: pre-wrap; }
li.question b { color: #2a7ae2; } li.answer b { color: #2b8a3e; } li.rejection b { color: #c33; } li.decision b { color: #a35c00; }
</style>
<script>
window.addEventListener("error", function () {
  var count = parseInt(document.documentElement.getAttribute("data-script-errors") || "0", 10) + 1;
  document.documentElement.setAttribute("data-script-errors", String(count));
});
</script>
</head>
<body>
<h1>{{title}}</h1>
<p class="meta">{{runCount}} runs · {{imageCount}} images · {{configurationCount}} configurations · seed {{seed}}</p>
<h2>Summary</h2>
<table id="summary">
<thead><tr>{{#columns}}<th data-type="{{type}}">{{name}}</th>{{/columns}}</tr></thead>
<tbody>
{{#summaries}}<tr>{{#cells}}<td data-value="{{sort}}">{{text}}{{#interval}} <span class="ci">{{interval}}</span>{{/interval}}</td>{{/cells}}</tr>
{{/summaries}}
</tbody>
</table>
<h2>Images</h2>
<p class="meta">Photo, Set-of-Mark overlay, truth, then each run's cutout with its IoU. Click a cutout to read its dialogue (or open report.html#run-RUN-ID).</p>
{{#images}}
<section class="image">
<h3>{{name}}{{#oracle}} · oracle IoU {{oracle}}{{/oracle}}</h3>
<div class="strip">
<figure><img src="{{photo}}" alt="photo {{name}}"><figcaption>photo</figcaption></figure>
{{#marks}}<figure><img src="{{marks}}" alt="marks {{name}}"><figcaption>marks</figcaption></figure>{{/marks}}
{{#truth}}<figure><img src="{{truth}}" alt="truth {{name}}"><figcaption>truth</figcaption></figure>{{/truth}}
{{#runs}}<figure class="run" data-run="{{runID}}" tabindex="0" title="{{configuration}}">{{#cutout}}<img src="{{cutout}}" alt="cutout {{runID}}">{{/cutout}}{{^cutout}}<div class="nomask">no decision</div>{{/cutout}}<figcaption>{{configuration}}{{#repeat}} · r{{repeat}}{{/repeat}}<br>{{status}} · IoU {{iou}}</figcaption></figure>
{{/runs}}
</div>
</section>
{{/images}}
<div id="dialogues" hidden>
{{#dialogues}}<article id="dialogue-{{runID}}">
<h3>{{configuration}}</h3>
<p class="meta">{{image}} · {{runID}} · {{status}} ({{stopReason}}) · IoU {{iou}}{{#transcript}} · <a href="{{transcript}}">transcript</a>{{/transcript}}</p>
{{#error}}<p class="meta">{{error}}</p>{{/error}}
<ol class="dialogue">{{#lines}}<li class="{{kind}}"><b>{{who}}</b> {{text}}</li>{{/lines}}</ol>
</article>
{{/dialogues}}
</div>
<aside id="panel" hidden><button id="close" aria-label="close">×</button><div id="panel-body"></div></aside>
<script>
(function () {
  "use strict";
  var table = document.getElementById("summary");
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, column) {
    th.addEventListener("click", function () {
      var ascending = !th.classList.contains("sorted-asc");
      Array.prototype.forEach.call(headers, function (other) { other.classList.remove("sorted-asc", "sorted-desc"); });
      th.classList.add(ascending ? "sorted-asc" : "sorted-desc");
      var numeric = th.getAttribute("data-type") === "number";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-value"), y = b.cells[column].getAttribute("data-value");
        var order = numeric ? (parseFloat(x) || -Infinity) - (parseFloat(y) || -Infinity) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  var panel = document.getElementById("panel"), panelBody = document.getElementById("panel-body");
  function show(runID) {
    var article = document.getElementById("dialogue-" + runID);
    if (!article) { return; }
    panelBody.replaceChildren(article.cloneNode(true));
    panel.hidden = false;
  }
  document.querySelectorAll("figure.run").forEach(function (figure) {
    figure.addEventListener("click", function () { show(figure.getAttribute("data-run")); });
    figure.addEventListener("keydown", function (event) { if (event.key === "Enter") { show(figure.getAttribute("data-run")); } });
  });
  document.getElementById("close").addEventListener("click", function () { panel.hidden = true; });
  if (location.hash.indexOf("#run-") === 0) { show(decodeURIComponent(location.hash.slice(5))); }
  window.addEventListener("load", function () {
    var loaded = 0;
    Array.prototype.forEach.call(document.images, function (image) { if (image.complete && image.naturalWidth > 0) { loaded++; } });
    document.body.setAttribute("data-images", document.images.length + " " + loaded);
  });
  document.body.setAttribute("data-ready", "yes");
})();
</script>
</body>
</html>
"""#
}
