// Quiz attempt page: a countdown that submits the attempt when time is up (the server
// enforces the limit anyway), a confirmation before submitting, and a screen-reader
// announcement at 5 and 1 minutes left.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var submit = document.getElementById("quiz-submit");
  // The questions left unanswered, by their labels ("Question 2"). A numeric answer's unit
  // alone does not answer it.
  function unanswered() {
    var out = [];
    var qs = form.querySelectorAll("fieldset.question");
    for (var i = 0; i < qs.length; i++) {
      var answered = false;
      var fields = qs[i].querySelectorAll("input, select, textarea");
      for (var j = 0; j < fields.length && !answered; j++) {
        var f = fields[j];
        if (f.type === "hidden" || /\.unit$/.test(f.name)) continue;
        if (f.type === "radio" || f.type === "checkbox") answered = f.checked;
        else answered = f.value.trim() !== "";
      }
      if (!answered) {
        var label = qs[i].querySelector(".qnum");
        out.push(label ? label.textContent : String(i + 1));
      }
    }
    return out;
  }
  // Sent with the submit: the learner has already confirmed (or time is up), so the server
  // does not ask again about unanswered questions.
  function confirmed() {
    var c = document.createElement("input");
    c.type = "hidden";
    c.name = "confirmed";
    c.value = "1";
    form.appendChild(c);
  }
  if (submit && form) {
    submit.addEventListener("click", function (e) {
      if (form.dataset.autoSubmit) {
        confirmed();
        return;
      }
      var msg = submit.getAttribute("data-confirm") || "";
      var left = unanswered();
      if (left.length) {
        msg = submit.getAttribute("data-unanswered") + " " + left.join(", ") + ".\n\n" + msg;
      }
      if (msg && !window.confirm(msg)) {
        e.preventDefault();
        return;
      }
      confirmed();
    });
  }
  var timer = document.getElementById("quiz-timer");
  if (!timer || !form) return;
  var left = parseInt(timer.getAttribute("data-seconds-left"), 10);
  if (isNaN(left)) return;
  var end = Date.now() + left * 1000;
  var value = document.getElementById("quiz-timer-value");
  var announce = document.getElementById("quiz-timer-announce");
  var said = {};
  function tick() {
    var s = Math.max(0, Math.round((end - Date.now()) / 1000));
    var m = Math.floor(s / 60);
    var r = s % 60;
    value.textContent = m + ":" + (r < 10 ? "0" : "") + r;
    if ((m === 5 || m === 1) && r === 0 && !said[m] && announce) {
      said[m] = true;
      announce.textContent = value.textContent;
    }
    if (s <= 0) {
      form.dataset.autoSubmit = "1";
      form.removeAttribute("hx-post");
      if (submit) { submit.click(); } else { form.submit(); }
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
