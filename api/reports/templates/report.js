
(function () {
  "use strict";
  // Linked spans: hovering over or focusing a highlighted span lights up the spans of
  // the same cluster in every column (and its matrix row), and the panel above the
  // columns describes the cluster. All text goes in through textContent, never HTML.
  var root = document.documentElement;
  var dataBlock = document.getElementById("parallax-data");
  var columns = document.getElementById("columns");
  var panel = document.getElementById("cluster-panel");
  if (!dataBlock || !columns || !panel) { return; }
  var data = JSON.parse(dataBlock.textContent);
  var idle = Array.prototype.map.call(panel.childNodes, function (n) { return n.cloneNode(true); });
  var lit = [];
  var hovered = null;
  var focused = null;
  // Where the pointer last moved. When the page scrolls (to a focused span, say), the
  // browser sends mouseover for whatever slid under a pointer that did not move; that
  // must not take over from the span just focused.
  var pointer = null;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  var MAX_NAMES = 12;  // outlet names listed in a line before "and N more"
  var MAX_ROWS = 8;  // past this many outlets, a conflict's values are grouped

  function names(indexes) {
    var shown = indexes.slice(0, MAX_NAMES).map(function (i) { return data.outlets[i]; });
    var more = indexes.length - shown.length;
    return shown.join(", ") + (more > 0 ? " and " + more + " more" : "");
  }

  function valueRows(values) {
    // [[outlet, value], ...]; with many outlets, [[value, "n outlets: names"], ...].
    if (values.length <= MAX_ROWS) {
      return values.map(function (pair) { return [data.outlets[pair[0]], pair[1]]; });
    }
    var order = [];
    var byValue = {};
    values.forEach(function (pair) {
      if (!Object.prototype.hasOwnProperty.call(byValue, pair[1])) {
        byValue[pair[1]] = [];
        order.push(pair[1]);
      }
      byValue[pair[1]].push(pair[0]);
    });
    order.sort(function (a, b) { return byValue[b].length - byValue[a].length; });
    return order.map(function (value) {
      var who = byValue[value];
      return [value, who.length + " outlet" + (who.length === 1 ? "" : "s") + ": " + names(who)];
    });
  }

  function describe(id) {
    var c = data.clusters[id];
    panel.textContent = "";
    if (!c) {
      idle.forEach(function (n) { panel.appendChild(n.cloneNode(true)); });
      panel.removeAttribute("data-status");
      return;
    }
    panel.setAttribute("data-status", c.status);
    var about = el("div", null, "about");
    var head = el("h3");
    var badge = el("span", c.word || c.status, "badge status-" + c.status);
    head.appendChild(badge);
    head.appendChild(document.createTextNode(c.label));
    about.appendChild(head);
    if (c.detail_of) {
      about.appendChild(el("p", "Detail of: " + c.detail_of, "muted"));
    }
    var n = c.articles.length;
    var total = data.outlets.length;
    if (c.status === "unmatched") {
      // Not matched: it says nothing about the other outlets.
      about.appendChild(el("p", "Stated by " + names(c.articles) +
        "; not matched with confidence, so nothing is said of the other outlets"));
    } else {
      about.appendChild(el("p", "Reported by " + n + " of " + total + ": " + names(c.articles)));
    }
    if (c.omits.length) {
      about.appendChild(el("p", "Omitted by " + names(c.omits), "muted"));
    }
    panel.appendChild(about);
    if (c.values && c.values.length) {
      var table = el("table", null, "values");
      var caption = el("caption", "What each outlet states" + (c.kind ? " (" + c.kind + " conflict)" : ""));
      table.appendChild(caption);
      var thead = el("thead");
      var hr = el("tr");
      var grouped = c.values.length > MAX_ROWS;
      hr.appendChild(el("th", grouped ? "States" : "Outlet")).setAttribute("scope", "col");
      hr.appendChild(el("th", grouped ? "Outlets" : "States")).setAttribute("scope", "col");
      thead.appendChild(hr);
      table.appendChild(thead);
      var body = el("tbody");
      valueRows(c.values).forEach(function (row) {
        var tr = el("tr");
        tr.appendChild(el("th", row[0], grouped ? "value" : "outlet")).setAttribute("scope", "row");
        tr.appendChild(el("td", row[1], grouped ? "" : "value"));
        body.appendChild(tr);
      });
      table.appendChild(body);
      panel.appendChild(table);
    }
  }

  function reveal(mark) {
    // Scroll the mark's column (not the page) so the mark is in view.
    var box = mark.closest(".text");
    if (!box) { return; }
    var top = mark.offsetTop;
    if (top < box.scrollTop || top + mark.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }

  function clear() {
    lit.forEach(function (node) {
      node.classList.remove("is-active", "is-linked");
      node.removeAttribute("aria-current");
    });
    lit = [];
    columns.classList.remove("has-active");
  }

  function show(mark) {
    clear();
    if (!mark) { describe(null); return; }
    var id = mark.getAttribute("data-cluster");
    var selector = '[data-cluster="' + CSS.escape(id) + '"]';
    columns.classList.add("has-active");
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (node) {
      if (node === mark) {
        node.classList.add("is-active");
        node.setAttribute("aria-current", "true");
      } else {
        node.classList.add("is-linked");
        if (node.tagName === "MARK" && node.closest(".pane") !== mark.closest(".pane")) {
          reveal(node);
        }
      }
      lit.push(node);
    });
    describe(id);
  }

  function markOf(target) {
    return target && target.closest ? target.closest("mark.claim") : null;
  }

  document.addEventListener("mousemove", function (event) {
    pointer = [event.clientX, event.clientY];
  });
  columns.addEventListener("mouseover", function (event) {
    if (pointer && event.clientX === pointer[0] && event.clientY === pointer[1]) { return; }
    var mark = markOf(event.target);
    if (mark && mark !== hovered) { hovered = mark; show(mark); }
  });
  columns.addEventListener("mouseout", function (event) {
    var mark = markOf(event.target);
    if (mark && !mark.contains(event.relatedTarget)) { hovered = null; show(focused); }
  });
  columns.addEventListener("focusin", function (event) {
    var mark = markOf(event.target);
    if (mark) { focused = mark; show(mark); }
  });
  columns.addEventListener("focusout", function (event) {
    if (markOf(event.target) === focused && !markOf(event.relatedTarget)) {
      focused = null;
      show(hovered);
    }
  });
  columns.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && focused) { focused.blur(); }
  });
  // A link to a claim (matrix cells, quotes in the lists) focuses its span, which
  // lights it up with its counterparts, instead of only scrolling to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#claim-"]') : null;
    if (!link) { return; }
    var mark = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!mark) { return; }
    event.preventDefault();
    hovered = null;
    mark.scrollIntoView({ block: "center", inline: "nearest" });
    mark.focus({ preventScroll: true });
  });
  root.classList.remove("no-js");
  root.setAttribute("data-ready", "1");
})();
