// Reports how much of a course video has been watched, so that watching enough of it (90 % by
// default) completes the item. Loaded by learn/item.html as a file (the CSP forbids inline
// scripts); the page passes everything through data- attributes of the <video> element:
//   data-progress-url   where to POST (urlencoded csrf, watched, duration; answers 204)
//   data-csrf           the page's CSRF token
//   data-track-progress "true" for an enrolled learner who has not completed the item
// "watched" is the total of the distinct stretches actually played (video.played), so seeking
// to the end does not count. A report goes every 15 seconds of playback, on pause and at the end.
(function () {
  "use strict";
  var EVERY = 15;

  function played(v) {
    var total = 0;
    for (var i = 0; i < v.played.length; i++) {
      total += v.played.end(i) - v.played.start(i);
    }
    return total;
  }

  function track(v) {
    // Fit the player to the column (style attributes in the page would break the CSP).
    v.style.maxWidth = "100%";
    v.style.height = "auto";
    if (v.getAttribute("data-track-progress") !== "true") {
      return;
    }
    var url = v.getAttribute("data-progress-url");
    var csrf = v.getAttribute("data-csrf");
    var sent = -1;
    var since = 0;
    var last = null;

    function report() {
      var duration = v.duration;
      if (!isFinite(duration) || duration <= 0) {
        return;
      }
      var watched = Math.min(played(v), duration);
      if (watched <= sent) {
        return;
      }
      sent = watched;
      var body = new URLSearchParams();
      body.set("csrf", csrf);
      body.set("watched", watched.toFixed(1));
      body.set("duration", duration.toFixed(1));
      fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
        .catch(function () { /* the next report will try again */ });
    }

    v.addEventListener("timeupdate", function () {
      var now = v.currentTime;
      if (!v.paused && !v.seeking && last !== null) {
        var step = now - last;
        if (step > 0 && step < 2) {
          since += step;
        }
      }
      last = now;
      if (since >= EVERY) {
        since = 0;
        report();
      }
    });
    v.addEventListener("seeked", function () { last = v.currentTime; });
    v.addEventListener("pause", report);
    v.addEventListener("ended", report);
  }

  var videos = document.querySelectorAll("video[data-progress-url]");
  for (var i = 0; i < videos.length; i++) {
    track(videos[i]);
  }
})();
