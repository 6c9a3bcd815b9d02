// stsd console: validation as you type and the live activity stream.
// Plain DOM APIs only; text is always inserted as text, never as HTML.
"use strict";
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function showProblems(list, result) {
    while (list.firstChild) list.removeChild(list.firstChild);
    list.classList.toggle("valid", result.valid);
    if (result.valid) {
      var ok = document.createElement("li");
      ok.textContent = "Valid policy.";
      list.appendChild(ok);
      return;
    }
    result.problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = "Line " + p.line + ", column " + p.column + ": " + p.message;
      list.appendChild(li);
    });
  }

  function validator(area) {
    var list = document.querySelector('[data-problems-for="' + area.id + '"]');
    var timer = null, seq = 0;
    function run() {
      var mine = ++seq;
      fetch("/console/api/validate", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ kind: area.getAttribute("data-validate"), document: area.value })
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (result) {
        if (!result || mine !== seq || !list) return;
        area.setAttribute("aria-invalid", result.valid ? "false" : "true");
        showProblems(list, result);
      }).catch(function () {});
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 250);
    });
    if (area.value.trim() !== "") run();
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    return td;
  }

  function eventRow(ev) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-id", ev.id);
    if (ev.denied) tr.className = "denied";
    tr.appendChild(cell(ev.time.replace("T", " ").replace(/\.\d+Z$/, "Z")));
    tr.appendChild(cell(ev.action));
    var p = cell(""), code = document.createElement("code");
    code.textContent = ev.principal;
    p.appendChild(code);
    tr.appendChild(p);
    tr.appendChild(cell(ev.role));
    var out = cell(""), a = document.createElement("a");
    a.href = "/console/activity/event?id=" + encodeURIComponent(ev.id);
    a.className = ev.denied ? "bad" : "ok";
    a.textContent = ev.denied ? ev.outcome : "ok";
    out.appendChild(a);
    tr.appendChild(out);
    tr.appendChild(cell(ev.reason));
    return tr;
  }

  function live(status) {
    var rows = document.getElementById("activity-rows");
    if (!rows || !window.EventSource) return;
    var src = new EventSource(status.getAttribute("data-stream"));
    src.onopen = function () { status.textContent = "Live: new events appear at the top."; };
    src.onerror = function () { status.textContent = "Live: disconnected, retrying…"; };
    src.addEventListener("audit", function (m) {
      var ev = JSON.parse(m.data);
      var none = document.getElementById("no-events");
      if (none) none.remove();
      rows.insertBefore(eventRow(ev), rows.firstChild);
      while (rows.children.length > 500) rows.removeChild(rows.lastChild);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-validate]").forEach(validator);
    var status = document.getElementById("live-status");
    if (status) live(status);
  });
})();
