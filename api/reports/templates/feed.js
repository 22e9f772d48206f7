// Parallax feed report: the search box over the story labels, and each story's
// comparison report, built into a sandboxed frame the first time it is opened.
(function () {
  "use strict";
  document.documentElement.className = "js";
  var stories = Array.prototype.slice.call(document.querySelectorAll("details.story"));
  var search = document.getElementById("search");
  var count = document.getElementById("shown");
  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    stories.forEach(function (el) {
      var hay = el.getAttribute("data-search");
      var hit = words.every(function (w) { return hay.indexOf(w) !== -1; });
      el.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown + " of " + stories.length + " stories";
  }
  search.addEventListener("input", filter);
  filter();
  function build(box) {
    if (box.getAttribute("data-built")) { return; }
    var data = document.getElementById("data-" + box.id);
    if (!data) { return; }
    var frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("title", "comparison report");
    frame.srcdoc = JSON.parse(data.textContent);
    box.appendChild(frame);
    box.setAttribute("data-built", "1");
  }
  document.querySelectorAll("details.comparison").forEach(function (box) {
    box.addEventListener("toggle", function () { if (box.open) { build(box); } });
  });
  function follow() {
    var id = decodeURIComponent(location.hash.slice(1));
    var box = id && document.getElementById(id);
    if (box && box.classList.contains("comparison")) {
      box.closest("details.story").open = true;
      box.open = true;
      build(box);
      box.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", follow);
  follow();
})();
