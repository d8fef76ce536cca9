// The package player, on the content origin. It gives the SCO its run-time API (scorm-again:
// window.API for SCORM 1.2, window.API_1484_11 for SCORM 2004), loaded with what the learner
// saved last, and stores every commit on the server at once, over the revision it last saw
// (a commit from a second tab on the same attempt is refused, never silently merged). When the
// tab is hidden the state is committed; when it closes, the last state goes out with
// keepalive. Navigation: table of contents (choice) and previous / next (flow) when the
// package allows them, and the SCO's own navigation requests (adl.nav.request).
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("player-data").textContent);
  var V12 = D.api === "Scorm12";
  var frame = document.getElementById("sco-frame");
  var statusEl = document.getElementById("player-status");
  var alertEl = document.getElementById("player-alert");
  var prevBtn = document.getElementById("nav-prev");
  var nextBtn = document.getElementById("nav-next");
  var launches = D.launches || [];
  var states = {};
  (D.states || []).forEach(function (s) { states[s[0]] = s[1]; });
  var controls = (D.sequencing && D.sequencing.activityTree && D.sequencing.activityTree.sequencingControls) || {};
  // Packages without sequencing: choice and flow both (what SCORM 1.2 players offer).
  var allowChoice = controls.choice !== false;
  var allowFlow = D.sequencing ? controls.flow !== false : true;
  var forwardOnly = controls.forwardOnly === true;

  var api = null;
  var current = null; // {sco, revision, cmi}
  var blocked = false;
  var leaving = false;
  // Something the SCO set has not reached the server yet.
  var dirty = false;

  function say(text) { statusEl.textContent = text; }
  function alarm(text) {
    alertEl.textContent = text;
    alertEl.hidden = false;
  }
  function launchOf(id) {
    for (var i = 0; i < launches.length; i++) if (launches[i].identifier === id) return launches[i];
    return null;
  }
  function indexOf(id) {
    for (var i = 0; i < launches.length; i++) if (launches[i].identifier === id) return i;
    return -1;
  }

  function failCode() { return V12 ? 101 : 391; }

  // What the server answered to a commit: the next revision, or why it was refused.
  function answered(status, text) {
    var body = {};
    try { body = JSON.parse(text || "{}"); } catch (e) { body = {}; }
    if (status >= 200 && status < 300 && body.result) {
      if (current && typeof body.revision === "number") current.revision = body.revision;
      dirty = false;
      say(D.labels.saved);
      return { result: true, errorCode: 0 };
    }
    if (status === 409) {
      blocked = true;
      alarm(D.labels.conflict);
    } else if (status === 401) {
      blocked = true;
      alarm(D.labels.expired);
    } else {
      alarm(body.message || D.labels.failed);
    }
    return { result: false, errorCode: failCode() };
  }

  function payload(cmi) {
    return JSON.stringify({ sco: current.sco, revision: current.revision, data: cmi });
  }

  function makeApi(start) {
    var settings = {
      autocommit: true,
      autocommitSeconds: 10,
      logLevel: 5,
      dataCommitFormat: "json",
      sendFullCommit: true,
      lmsCommitUrl: D.preview ? false : D.commit,
      commitRequestDataType: "application/json;charset=UTF-8",
      requestHandler: function (commit) {
        return { sco: current.sco, revision: current.revision, data: commit };
      },
      xhrResponseHandler: function (xhr) {
        return answered(xhr.status, xhr.responseText);
      },
      responseHandler: function (response) {
        return response.text().then(function (t) { return answered(response.status, t); });
      }
    };
    var a = V12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    a.loadFromJSON(start.cmi, "");
    if (V12) {
      // SCORM 1.2 caps cmi.suspend_data at 4,096 characters (error 405, incorrect data type).
      var set = a.LMSSetValue.bind(a);
      a.LMSSetValue = function (k, v) {
        if (k === "cmi.suspend_data" && String(v).length > 4096) {
          a.throwSCORMError(null, 405, "cmi.suspend_data holds at most 4096 characters");
          return "false";
        }
        return set(k, v);
      };
      window.API = a;
    } else {
      window.API_1484_11 = a;
    }
    a.on(V12 ? "LMSFinish" : "Terminate", function () { finished(a); });
    a.on(V12 ? "LMSSetValue" : "SetValue", function () { dirty = true; });
    a.on(V12 ? "LMSSetValue.cmi.core.lesson_status" : "SetValue.cmi.completion_status", function (el, v) {
      mark(current.sco, v === "passed" || v === "failed" ? "completed" : v);
    });
    return a;
  }

  function initialised(a) { return a && a.isInitialized && a.isInitialized() && !(a.isTerminated && a.isTerminated()); }

  function pending() { return api && !D.preview && !blocked && dirty; }

  // The SCO's state now, saved and answered before going on (moving to another SCO).
  function save() {
    if (!pending()) return Promise.resolve();
    return fetch(D.commit, { method: "POST", headers: { "Content-Type": "application/json" }, body: payload(api.renderCommitCMI(true)) })
      .then(function (r) { return r.text().then(function (t) { answered(r.status, t); }); });
  }

  // The tab is closing and the SCO's own unload handler has run without terminating: what it
  // left goes out with keepalive (a SCO that terminates has its last state sent by the
  // run-time as a beacon).
  function onScoUnload() {
    // A SCO that terminated has had its last state sent by the run-time (a beacon).
    if (leaving || !pending() || !initialised(api)) return;
    try {
      fetch(D.commit, { method: "POST", keepalive: true, headers: { "Content-Type": "application/json" }, body: payload(api.renderCommitCMI(true)) });
    } catch (e) { /* the page is going away */ }
  }

  function mark(id, state) {
    states[id] = state;
    var b = document.querySelector('.toc-item[data-sco="' + cssEscape(id) + '"]');
    if (b) {
      b.setAttribute("data-state", state || "");
      var t = b.querySelector(".toc-state-text");
      if (t) t.textContent = state ? " (" + state + ")" : "";
    }
  }
  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/"/g, '\\"'); }

  function refreshNav() {
    var i = current ? indexOf(current.sco) : -1;
    if (prevBtn) prevBtn.disabled = !allowFlow || forwardOnly || i <= 0;
    if (nextBtn) nextBtn.disabled = !allowFlow || i < 0 || i >= launches.length - 1;
    document.querySelectorAll(".toc-item").forEach(function (b) {
      var here = current && b.getAttribute("data-sco") === current.sco;
      if (here) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
      b.disabled = !allowChoice && !here;
    });
  }

  function deliver(start) {
    current = { sco: start.sco, revision: start.revision, cmi: start.cmi };
    api = makeApi(start);
    var l = launchOf(start.sco);
    frame.title = l ? l.title : frame.title;
    frame.src = /^https?:\/\//i.test(l.href) ? l.href : D.files + l.href;
    refreshNav();
    if (l && l.scorm_type === "asset") assetDone(l);
  }

  // An asset has no run-time API: launched is completed.
  function assetDone(l) {
    if (D.preview) return;
    var cmi = V12 ? { cmi: { core: { lesson_status: "completed" } } } : { cmi: { completion_status: "completed" } };
    fetch(D.commit, { method: "POST", headers: { "Content-Type": "application/json" }, body: payload(cmi) })
      .then(function (r) { return r.text().then(function (t) { answered(r.status, t); }); })
      .then(function () { mark(l.identifier, "completed"); });
  }

  // Moves to another SCO: the current one is unloaded first (it commits and terminates in its
  // unload handler, as SCOs do), then the next one starts with its own saved data.
  function go(id) {
    if (blocked || !launchOf(id)) return;
    leaving = true;
    frame.src = "about:blank";
    setTimeout(function () {
      save().then(function () {
        return fetch(D.sco + encodeURIComponent(id), { headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) return r.json().then(function (b) { throw new Error(b.message || D.labels.failed); });
          return r.json();
        })
      })
        .then(function (b) { leaving = false; deliver(b.start); })
        .catch(function (e) { leaving = false; alarm(e.message); });
    }, 50);
  }

  function step(delta) {
    var i = indexOf(current.sco) + delta;
    if (i >= 0 && i < launches.length) go(launches[i].identifier);
  }

  // After the SCO terminates: follow its navigation request (SCORM 2004), else stay.
  function finished(a) {
    say(D.labels.ended);
    if (V12 || leaving) return;
    var req = "";
    try { req = a.adl && a.adl.nav ? a.adl.nav.request : ""; } catch (e) { req = ""; }
    if (req === "continue") setTimeout(function () { step(1); }, 0);
    else if (req === "previous") setTimeout(function () { step(-1); }, 0);
    else {
      var m = /^\{target=([^}]+)\}(choice|jump)$/.exec(req || "");
      if (m) setTimeout(function () { go(m[1]); }, 0);
    }
  }

  document.querySelectorAll(".toc-item").forEach(function (b) {
    var id = b.getAttribute("data-sco");
    mark(id, states[id]);
    b.addEventListener("click", function () { if (!current || id !== current.sco) go(id); });
  });
  if (prevBtn) prevBtn.addEventListener("click", function () { step(-1); });
  if (nextBtn) nextBtn.addEventListener("click", function () { step(1); });
  // Hidden (another tab, the phone locked): commit what the SCO has, as it would.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && pending() && initialised(api)) {
      api[V12 ? "LMSCommit" : "Commit"]("");
    }
  });
  frame.addEventListener("load", function () {
    try { frame.contentWindow.addEventListener("unload", onScoUnload); } catch (e) { /* another origin */ }
  });

  deliver(D.start);
})();
