// Quiz attempt page: a countdown that submits the attempt when time is up (the server
// enforces the limit anyway), a confirmation before submitting, and a screen-reader
// announcement at 5 and 1 minutes left.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var submit = document.getElementById("quiz-submit");
  if (submit && form) {
    submit.addEventListener("click", function (e) {
      var msg = submit.getAttribute("data-confirm");
      if (msg && !form.dataset.autoSubmit && !window.confirm(msg)) {
        e.preventDefault();
      }
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
