// The cmi5 player on the content origin: launches an AU (Amphi opens a session and gives the
// launch URL), in the frame or, for "OwnWindow" AUs, in a window of its own; when the AU
// returns (its returnURL posts a message), the table of contents is brought up to date.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("cmi5-data").textContent);
  var L = D.labels;
  var frame = document.getElementById("au-frame");
  var statusEl = document.getElementById("player-status");
  var alertEl = document.getElementById("player-alert");
  var ownBox = document.getElementById("own-window");
  var again = document.getElementById("own-window-again");
  var current = null;
  var popup = null;

  function say(text) { statusEl.textContent = text || ""; }
  function alarm(text) {
    alertEl.textContent = text;
    alertEl.hidden = !text;
  }
  function buttons() { return Array.prototype.slice.call(document.querySelectorAll("[data-au]")); }
  function mark(id) {
    buttons().forEach(function (b) {
      if (b.getAttribute("data-au") === id) b.setAttribute("aria-current", "step");
      else b.removeAttribute("aria-current");
    });
  }

  function launch(id, ownWindow) {
    alarm("");
    current = id;
    mark(id);
    say(L.opening);
    // A window opened by the click itself, before the answer, is not blocked.
    if (ownWindow) popup = window.open("about:blank", "amphi-cmi5-au");
    fetch(D.launch, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ au: id })
    }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (l) {
      if (l.own_window && popup) {
        popup.location.href = l.url;
        frame.src = "about:blank";
        frame.hidden = true;
        ownBox.hidden = false;
        say(L["opened-window"]);
      } else {
        ownBox.hidden = true;
        frame.hidden = false;
        frame.src = l.url;
        say("");
      }
    }).catch(function () {
      if (popup) popup.close();
      alarm(L.failed);
      say("");
    });
  }

  function refresh() {
    fetch(D.state, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      s.entries.forEach(function (e) {
        if (!e.au) return;
        var b = document.querySelector('[data-au="' + CSS.escape(e.id) + '"]');
        if (!b) return;
        b.setAttribute("data-state", e.status);
        var label = b.querySelector(".toc-state-text");
        if (label && L["status-" + e.status]) label.textContent = L["status-" + e.status];
      });
      say(s.satisfied ? L.satisfied : L.returned);
    }).catch(function () { /* the next launch shows the state */ });
  }

  window.addEventListener("message", function (ev) {
    if (ev.origin !== location.origin || !ev.data || ev.data.amphiCmi5 !== "returned") return;
    frame.src = "about:blank";
    ownBox.hidden = true;
    frame.hidden = false;
    refresh();
  });

  buttons().forEach(function (b) {
    b.addEventListener("click", function () {
      launch(b.getAttribute("data-au"), b.hasAttribute("data-own-window"));
    });
  });
  if (again) again.addEventListener("click", function () {
    if (current) launch(current, true);
  });

  // Start where the learner is: the first AU not yet satisfied (a frame only: a window of its
  // own waits for a click).
  if (D.next) {
    var first = document.querySelector('[data-au="' + CSS.escape(D.next) + '"]');
    if (first && !first.hasAttribute("data-own-window")) launch(D.next, false);
  }
})();
