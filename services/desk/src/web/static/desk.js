// The web desk's only script (served from /static/desk.js; the pages allow no inline script).
// - the live wire: the page listens to /api/stream for its columns' queries and, when something
//   new matched, each column reloads its body from /column (so a pickup joins its card);
// - columns remembered in the browser (localStorage) and restored when / is opened bare;
// - keyboard: j/k move between cards, Enter opens one, / goes to the search box;
// - queries checked as they are typed (/check), and a subscription's 24-hour preview (/preview).
"use strict";
(function () {
  var STORE = "wirefeed.desk.columns";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function rememberColumns() {
    if (document.body.dataset.page !== "wire") return;
    var params = new URLSearchParams(location.search);
    try {
      if (params.has("c")) {
        localStorage.setItem(STORE, location.search);
      } else {
        var saved = localStorage.getItem(STORE);
        if (saved && saved.indexOf("?c=") === 0) { location.replace("/" + saved); return true; }
      }
    } catch (e) { /* storage refused: columns live in the URL only */ }
    return false;
  }

  // One stream for the page (a browser opens at most six connections to a host): its query
  // is every column's OR-ed; whatever it announces, every column reloads its body.
  function liveColumns() {
    var board = document.querySelector(".columns[data-stream]");
    if (document.body.dataset.page !== "wire" || !board || !window.EventSource) return;
    var columns = Array.prototype.slice.call(document.querySelectorAll("section.column[data-query]"));
    function mark(state, words) {
      columns.forEach(function (column) {
        column.dataset.live = state;
        var status = column.querySelector(".live");
        if (status && words) status.textContent = words;
      });
    }
    function reload(column) {
      var query = column.dataset.query || "";
      var status = column.querySelector(".live");
      fetch("/column?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var body = column.querySelector(".column-body");
          if (body) body.outerHTML = html;
          column.dataset.updated = String(Date.now());
          if (status) status.textContent = "updated " + new Date().toLocaleTimeString();
        })
        .catch(function () { if (status) status.textContent = "update failed"; });
    }
    var refresh = debounce(function () { columns.forEach(reload); }, 150);
    var source = new EventSource("/api/stream?q=" + encodeURIComponent(board.dataset.stream || ""));
    source.addEventListener("article", refresh);
    source.addEventListener("open", function () { mark("open", ""); });
    source.addEventListener("error", function () { mark("reconnecting", "reconnecting"); });
  }

  function ago(seconds) {
    var a = Math.abs(seconds), w;
    if (a < 60) w = a + "s"; else if (a < 3600) w = Math.floor(a / 60) + "m";
    else if (a < 86400) w = Math.floor(a / 3600) + "h"; else w = Math.floor(a / 86400) + "d";
    return seconds < 0 ? "in " + w : w + " ago";
  }

  function tickAges() {
    document.querySelectorAll("time.ago[data-arrived]").forEach(function (t) {
      var at = Date.parse(t.dataset.arrived);
      if (!isNaN(at)) t.textContent = ago(Math.floor((Date.now() - at) / 1000));
    });
  }

  function keyboard() {
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
        target.tagName === "SELECT" || target.isContentEditable);
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "/") {
        var box = document.getElementById("q") || document.getElementById("find-q");
        if (box) { event.preventDefault(); box.focus(); box.select(); }
        return;
      }
      var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
      if (!cards.length) return;
      var at = cards.indexOf(document.activeElement);
      if (event.key === "j" || event.key === "k") {
        event.preventDefault();
        var next = event.key === "j" ? Math.min(at + 1, cards.length - 1) : Math.max(at - 1, 0);
        if (at < 0) next = 0;
        cards[next].focus();
        cards[next].scrollIntoView({ block: "nearest" });
      } else if (event.key === "Enter" && at >= 0) {
        var link = cards[at].querySelector("h3 a");
        if (link) link.click();
      }
    });
  }

  function checkQueries() {
    document.querySelectorAll("[data-check]").forEach(function (input) {
      var out = document.querySelector(input.dataset.check);
      var preview = input.dataset.preview ? document.querySelector(input.dataset.preview) : null;
      var check = debounce(function () {
        var q = input.value;
        fetch("/check?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (answer) {
            if (answer.ok) {
              input.removeAttribute("aria-invalid");
              if (out) out.textContent = "";
              if (preview) {
                fetch("/preview?q=" + encodeURIComponent(q), { credentials: "same-origin" })
                  .then(function (r) { return r.text(); })
                  .then(function (html) { preview.innerHTML = html; });
              }
            } else {
              input.setAttribute("aria-invalid", "true");
              if (out) out.textContent = "Column " + answer.column + ": " + answer.error;
            }
          })
          .catch(function () { /* the check is a help, not a gate */ });
      }, 250);
      input.addEventListener("input", check);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (rememberColumns()) return;
    liveColumns();
    keyboard();
    checkQueries();
    tickAges();
    setInterval(tickAges, 30000);
    document.body.dataset.ready = "yes";
  });
})();
