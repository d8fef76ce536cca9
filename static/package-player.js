// The package player, on the content origin. It gives the SCO its run-time API (scorm-again:
// window.API for SCORM 1.2, window.API_1484_11 for SCORM 2004), loaded with what the learner
// saved last, and stores every commit on the server at once, over the revision it last saw
// (a commit from a second tab on the same attempt is refused, never silently merged). When the
// tab is hidden the state is committed; when it closes, the last state goes out with
// keepalive, small enough for it (a long suspend data is committed as soon as it is set, and
// a later commit that leaves it as the server has it says so instead of sending it again).
//
// Navigation. A SCORM 2004 package with sequencing is driven by scorm-again's own sequencing
// engine (one API for the whole attempt, its activity tree built from the manifest): the
// engine decides what is delivered (start, resume, continue, previous, choice, the SCO's
// adl.nav.request, its pre-, post- and exit-condition rules, limit conditions), the table of
// contents and previous / next follow its validity (disabled, hidden from choice), and its
// state is saved on the server per attempt (over a revision, like SCO commits) so that a reload
// or a new session continues there. Other packages: table of contents (choice) and previous /
// next (flow) in the manifest's order.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("player-data").textContent);
  var V12 = D.api === "Scorm12";
  var SEQ = !V12 && !!D.sequencing;
  var frame = document.getElementById("sco-frame");
  var statusEl = document.getElementById("player-status");
  var alertEl = document.getElementById("player-alert");
  var prevBtn = document.getElementById("nav-prev");
  var nextBtn = document.getElementById("nav-next");
  var launches = D.launches || [];
  var states = {};
  (D.states || []).forEach(function (s) { states[s[0]] = s[1]; });
  // Suspend data longer than this is committed as soon as the SCO sets it.
  var EAGER = 8192;

  var api = null;
  var current = null; // {sco, revision, cmi}
  var blocked = false;
  var leaving = false;
  // Something the SCO set has not reached the server yet.
  var dirty = false;
  // The suspend data the server holds for the current SCO, and the one a commit in flight sends.
  var storedSuspend = "";
  var sendingSuspend = null;

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
  function suspendOf(cmi) {
    var c = cmi && cmi.cmi ? cmi.cmi : cmi;
    if (!c) return "";
    return String(c.suspend_data || "");
  }

  function failCode() { return V12 ? 101 : 391; }

  // What the server answered to a commit: the next revision, or why it was refused.
  function answered(status, text) {
    var body = {};
    try { body = JSON.parse(text || "{}"); } catch (e) { body = {}; }
    if (status >= 200 && status < 300 && body.result) {
      if (current && typeof body.revision === "number") current.revision = body.revision;
      if (sendingSuspend !== null) storedSuspend = sendingSuspend;
      sendingSuspend = null;
      dirty = false;
      say(D.labels.saved);
      if (SEQ) saveState(false);
      return { result: true, errorCode: 0 };
    }
    sendingSuspend = null;
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

  // A commit's body: a suspend data the server already holds is not sent again (the server
  // keeps it), so that the last commit of a closing tab fits keepalive's and a beacon's 64 KB.
  function body(cmi) {
    var out = { sco: current.sco, revision: current.revision, data: cmi };
    var c = cmi && cmi.cmi;
    var sd = suspendOf(cmi);
    if (c && sd.length > 1024 && sd === storedSuspend && current.revision > 0) {
      delete c.suspend_data;
      out.keep_suspend_data = true;
    } else {
      sendingSuspend = sd;
    }
    return out;
  }
  function payload(cmi) { return JSON.stringify(body(cmi)); }

  function settingsFor() {
    var s = {
      autocommit: true,
      autocommitSeconds: 10,
      logLevel: 5,
      dataCommitFormat: "json",
      sendFullCommit: true,
      lmsCommitUrl: D.preview ? false : D.commit,
      commitRequestDataType: "application/json;charset=UTF-8",
      requestHandler: function (commit, meta) {
        var b = body(commit);
        if (meta && meta.isTerminateCommit) {
          // The last commit goes out as a beacon, whose answer nobody reads: the server moves
          // to the next revision when it takes it.
          current.revision += 1;
          if (sendingSuspend !== null) storedSuspend = sendingSuspend;
          sendingSuspend = null;
          dirty = false;
        }
        return b;
      },
      xhrResponseHandler: function (xhr) {
        return answered(xhr.status, xhr.responseText);
      },
      responseHandler: function (response) {
        return response.text().then(function (t) { return answered(response.status, t); });
      }
    };
    if (SEQ) s.sequencing = D.sequencing;
    return s;
  }

  function makeApi() {
    var a = V12 ? new window.Scorm12API(settingsFor()) : new window.Scorm2004API(settingsFor());
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
    a.on(V12 ? "LMSSetValue.cmi.suspend_data" : "SetValue.cmi.suspend_data", function (el, v) {
      // A long state goes to the server now, not only with the closing tab's last commit.
      if (String(v).length > EAGER) setTimeout(function () { if (pending() && initialised(a)) a[V12 ? "LMSCommit" : "Commit"](""); }, 0);
    });
    return a;
  }

  function initialised(a) { return a && a.isInitialized && a.isInitialized() && !(a.isTerminated && a.isTerminated()); }

  function pending() { return api && !D.preview && !blocked && dirty; }

  // The SCO's state now, saved and answered before going on (moving to another SCO).
  function save() {
    if (!pending() || !initialised(api)) return Promise.resolve();
    return fetch(D.commit, { method: "POST", headers: { "Content-Type": "application/json" }, body: payload(api.renderCommitCMI(true)) })
      .then(function (r) { return r.text().then(function (t) { answered(r.status, t); }); });
  }

  // The tab is closing and the SCO's own unload handler has run without terminating: what it
  // left goes out with keepalive (a SCO that terminates has its last state sent by the
  // run-time as a beacon).
  function onScoUnload() {
    if (leaving || !pending() || !initialised(api)) return;
    try {
      fetch(D.commit, { method: "POST", keepalive: true, headers: { "Content-Type": "application/json" }, body: payload(api.renderCommitCMI(true)) });
    } catch (e) { /* the page is going away */ }
  }

  // ---- The sequencing state on the server ----------------------------------------------------

  var seq = D.seq || { revision: 0, state: null };
  var savedState = strip(seq.state);
  var stateChain = Promise.resolve();
  function strip(s) { return s ? String(s).replace(/"timestamp":"[^"]*"/g, "") : ""; }

  // Saves the engine's state when it changed (one save at a time, over the revision read).
  function saveState(keepalive) {
    if (!SEQ || D.preview || blocked || !api) return stateChain;
    var s;
    try { s = api.serializeSequencingState(); } catch (e) { return stateChain; }
    if (strip(s) === savedState) return stateChain;
    if (keepalive) {
      try {
        fetch(D.state, { method: "POST", keepalive: true, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ revision: seq.revision, state: s }) });
      } catch (e) { /* the page is going away */ }
      return stateChain;
    }
    stateChain = stateChain.then(function () {
      s = api.serializeSequencingState();
      if (strip(s) === savedState || blocked) return;
      return fetch(D.state, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ revision: seq.revision, state: s }) })
        .then(function (r) {
          return r.text().then(function (t) {
            var b = {};
            try { b = JSON.parse(t || "{}"); } catch (e) { b = {}; }
            if (r.ok && typeof b.revision === "number") {
              seq.revision = b.revision;
              savedState = strip(s);
            } else if (r.status === 409) {
              blocked = true;
              alarm(D.labels.conflict);
            } else if (r.status === 401) {
              blocked = true;
              alarm(D.labels.expired);
            } else {
              alarm(b.message || D.labels.failed);
            }
          });
        });
    }).catch(function () { alarm(D.labels.failed); });
    return stateChain;
  }

  // ---- Table of contents and navigation buttons ---------------------------------------------

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

  var validity = null; // the engine's last navigation validity (SEQ)
  var ended = false;
  var sessionEnded = false; // the engine ended the sequencing session (exit all, the end)

  function activityOf(id) {
    try { return api._sequencing.activityTree.getActivity(id); } catch (e) { return null; }
  }

  // Hidden from choice: by selection, or by a hiddenFromChoice pre-condition rule of the
  // activity or of a cluster above it, as the engine's own rules evaluate now.
  function hiddenFromChoice(a) {
    for (; a; a = a.parent) {
      if (a.isHiddenFromChoice) return true;
      var rules = (a.sequencingRules && a.sequencingRules.preConditionRules) || [];
      for (var i = 0; i < rules.length; i++) {
        try {
          if (rules[i].action === "hiddenFromChoice" && rules[i].evaluate(a) === true) return true;
        } catch (e) { /* a rule the engine cannot evaluate now hides nothing */ }
      }
    }
    return false;
  }

  function refreshNav() {
    if (SEQ) return refreshSeqNav();
    var i = current ? indexOf(current.sco) : -1;
    if (prevBtn) prevBtn.disabled = i <= 0;
    if (nextBtn) nextBtn.disabled = i < 0 || i >= launches.length - 1;
    document.querySelectorAll(".toc-item").forEach(function (b) {
      var here = current && b.getAttribute("data-sco") === current.sco;
      if (here) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
    });
  }

  // What the engine allows now: previous / next, and each entry of the table of contents
  // (disabled when choosing it is refused, hidden when the package hides it from choice).
  function refreshSeqNav() {
    var v = validity || { "continue": false, previous: false, choice: {} };
    var hide = (v.hideLmsUi || []);
    if (prevBtn) { prevBtn.disabled = blocked || !v.previous; prevBtn.hidden = hide.indexOf("previous") >= 0; }
    if (nextBtn) { nextBtn.disabled = blocked || !v["continue"]; nextBtn.hidden = hide.indexOf("continue") >= 0; }
    document.querySelectorAll(".toc-item").forEach(function (b) {
      var id = b.getAttribute("data-sco");
      var here = current && id === current.sco && !ended;
      if (here) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
      var li = b.closest("li");
      if (li) li.hidden = hiddenFromChoice(activityOf(id));
      b.disabled = blocked || (!here && (v.choice || {})[id] !== "true");
    });
  }

  // ---- Delivering a SCO -------------------------------------------------------------------------

  function deliver(start) {
    current = { sco: start.sco, revision: start.revision, cmi: start.cmi };
    storedSuspend = suspendOf(start.cmi);
    dirty = false;
    if (SEQ) {
      // One API for the attempt: a fresh run-time for this SCO, the engine kept.
      api.reset(undefined, { preserveListeners: true });
      window.API_1484_11 = api;
    } else {
      api = makeApi();
    }
    api.loadFromJSON(start.cmi, "");
    var l = launchOf(start.sco);
    frame.title = l ? l.title : frame.title;
    frame.src = /^https?:\/\//i.test(l.href) ? l.href : D.files + l.href;
    leaving = false;
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

  // The start data of a SCO (what the server has of it), then its delivery.
  function fetchAndDeliver(id) {
    return fetch(D.sco + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) return r.json().then(function (b) { throw new Error(b.message || D.labels.failed); });
        return r.json();
      })
      .then(function (b) { deliver(b.start); })
      .catch(function (e) { leaving = false; alarm(e.message); });
  }

  // Moves to another SCO (packages without sequencing): the current one is unloaded first (it
  // commits and terminates in its unload handler, as SCOs do), then the next one starts with
  // its own saved data.
  function go(id) {
    if (blocked || !launchOf(id)) return;
    leaving = true;
    frame.src = "about:blank";
    setTimeout(function () {
      save().then(function () { return fetchAndDeliver(id); });
    }, 50);
  }

  function step(delta) {
    var i = indexOf(current.sco) + delta;
    if (i >= 0 && i < launches.length) go(launches[i].identifier);
  }

  // ---- Sequenced navigation -------------------------------------------------------------------

  var delivered = null; // what the engine delivered during the last request
  var firstStart = true;

  function onDelivery(activity) { delivered = activity.id; }

  // After the engine delivered an activity: its state saved, then the SCO started.
  function followDelivery() {
    var id = delivered;
    delivered = null;
    if (!id) return false;
    ended = false;
    sessionEnded = false;
    leaving = true;
    frame.src = "about:blank";
    saveState(false).then(function () {
      if (firstStart && D.start && D.start.sco === id) {
        firstStart = false;
        deliver(D.start);
      } else {
        firstStart = false;
        fetchAndDeliver(id);
      }
    });
    return true;
  }

  // A navigation request of the learner (previous / continue / a table of contents entry): the
  // SCO is unloaded (it terminates, or is terminated here with the request), then the engine
  // sequences and the activity it delivers is started.
  function navigate(request, target) {
    if (blocked || leaving) return;
    leaving = true;
    delivered = null;
    frame.src = "about:blank";
    setTimeout(function () {
      var ok = true;
      if (initialised(api)) {
        api.SetValue("adl.nav.request", target ? "{target=" + target + "}" + request : request);
        api.Terminate("");
        ok = !!delivered;
      }
      // The SCO terminated itself (or its exit rules delivered something): the learner's
      // request comes now.
      if (!delivered) ok = api.processNavigationRequest(request, target);
      leaving = false;
      if (!followDelivery()) {
        if (!ok) alarm(D.labels.refused);
        afterSession();
      }
    }, 50);
  }

  // Nothing was delivered: the session ended (exit all, the end of the course) or the request
  // was refused; the learner chooses where to go from the table of contents.
  function afterSession() {
    var ss = api.getSequencingService().getSequencingState();
    if (sessionEnded || !ss.currentActivity || !ss.currentActivity.isActive) {
      // What the SCO shows last (a results page) stays on screen.
      ended = true;
      say(sessionEnded ? D.labels.courseEnded : D.labels.ended);
    }
    saveState(false);
    refreshNav();
  }

  function startSequencing() {
    api = makeApi();
    var seqService = api.getSequencingService();
    api.setSequencingEventListeners({
      onActivityDelivery: onDelivery,
      onNavigationValidityUpdate: function (v) { validity = v; refreshNav(); },
      onSequencingSessionEnd: function () { ended = true; sessionEnded = true; }
    });
    var restored = false;
    if (seq.state) {
      try { restored = api.deserializeSequencingState(seq.state); } catch (e) { restored = false; }
    }
    var parsed = null;
    try { parsed = restored ? JSON.parse(seq.state).sequencing : null; } catch (e) { parsed = null; }
    var cur = parsed && parsed.currentActivity;
    var was = cur && parsed.activityStates ? parsed.activityStates[cur] || {} : {};
    delivered = null;
    if (parsed && parsed.suspendedActivity) {
      api.processNavigationRequest("resumeAll");
    } else if (cur && (was.isActive || was.isSuspended) && launchOf(cur)) {
      // Reloaded while a SCO was open, or left suspended: it starts again where it was.
      delivered = cur;
    } else if (!api.processNavigationRequest("start") && cur) {
      // The session had begun and its activity ended: what follows it.
      api.processNavigationRequest("continue");
    }
    try { api.getSequencingService().getOverallSequencingProcess().updateNavigationValidity(); } catch (e) { /* older engines */ }
    if (!followDelivery()) afterSession();
  }

  // After the SCO terminates: follow what the engine delivered (SCORM 2004 with sequencing), or
  // its navigation request (SCORM 2004 without), else stay.
  function finished(a) {
    say(D.labels.ended);
    if (V12 || leaving) return;
    if (SEQ) {
      setTimeout(function () { if (!leaving && !followDelivery()) afterSession(); }, 0);
      return;
    }
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
    b.addEventListener("click", function () {
      if (SEQ) { if (!current || id !== current.sco || ended) navigate("choice", id); }
      else if (!current || id !== current.sco) go(id);
    });
  });
  if (prevBtn) prevBtn.addEventListener("click", function () { if (SEQ) navigate("previous"); else step(-1); });
  if (nextBtn) nextBtn.addEventListener("click", function () { if (SEQ) navigate("continue"); else step(1); });
  // Hidden (another tab, the phone locked): commit what the SCO has, as it would.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && pending() && initialised(api)) {
      api[V12 ? "LMSCommit" : "Commit"]("");
    }
    if (document.visibilityState === "hidden") saveState(false);
  });
  window.addEventListener("pagehide", function () { if (SEQ) saveState(true); });
  frame.addEventListener("load", function () {
    try { frame.contentWindow.addEventListener("unload", onScoUnload); } catch (e) { /* another origin */ }
  });

  if (SEQ) startSequencing();
  else deliver(D.start);
})();
