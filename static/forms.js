// Small enhancements for forms and dates; every page works without them.
// 1. The browser's time zone in a cookie, so that dates are shown in the visitor's zone when
//    their profile does not name one.
// 2. Character counters under limited fields (`data-maxlength`): how many are left, or how
//    many too many, announced politely once typing pauses.
// 3. Tables wider than the screen scroll in their box: such a box takes the keyboard focus (and
//    is named by its table's caption), so that it can be scrolled without a mouse.
(function () {
  "use strict";
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("amphi_tz=" + encodeURIComponent(tz)) === -1) {
      document.cookie = "amphi_tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* no Intl: the server uses the profile's zone or UTC */ }

  var plural = null;
  try { plural = new Intl.PluralRules(document.documentElement.lang || "en"); } catch (e) { plural = null; }

  function category(n) {
    return plural && plural.select(n) === "one" ? "one" : "other";
  }

  function counted(value) {
    // Characters as the server counts them (code points), after trimming.
    return Array.from(value.trim()).length;
  }

  function attach(input) {
    var counter = document.getElementById(input.id + "-count");
    var max = parseInt(input.getAttribute("data-maxlength"), 10);
    if (!counter || !(max > 0)) { return; }
    var timer = null;
    function update() {
      var n = counted(input.value);
      var over = n > max;
      var k = over ? n - max : max - n;
      var tpl = counter.getAttribute("data-" + (over ? "over" : "left") + "-" + category(k));
      counter.textContent = tpl.replace("{n}", k.toLocaleString(document.documentElement.lang || undefined));
      counter.classList.toggle("over", over);
    }
    input.addEventListener("input", function () {
      // Screen readers hear the count once typing pauses, not at every key.
      counter.setAttribute("aria-live", "off");
      update();
      clearTimeout(timer);
      timer = setTimeout(function () { counter.setAttribute("aria-live", "polite"); update(); }, 700);
    });
    if (input.value) { update(); }
  }

  function init() {
    var inputs = document.querySelectorAll("[data-maxlength]");
    for (var i = 0; i < inputs.length; i++) { attach(inputs[i]); }
    var copies = document.querySelectorAll("button[data-copy]");
    for (var j = 0; j < copies.length; j++) { copyButton(copies[j]); }
  }

  // 3. Copy buttons (`data-copy` names the element whose text, or a read-only input's value, is
  // copied); hidden without JS.
  function copyButton(btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var src = document.getElementById(btn.getAttribute("data-copy"));
      var status = document.getElementById(btn.getAttribute("data-copy") + "-copied");
      if (!src || !navigator.clipboard) { return; }
      navigator.clipboard.writeText((src.tagName === "INPUT" ? src.value : src.textContent).trim()).then(function () {
        if (status) { status.textContent = btn.getAttribute("data-done"); }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

(function () {
  "use strict";
  function update(box) {
    var table = box.querySelector("table");
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = table && table.caption ? table.caption.textContent.trim() : "";
      if (caption) box.setAttribute("aria-label", caption);
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll(".table-scroll");
    if (!boxes.length) return;
    boxes.forEach(update);
    if ("ResizeObserver" in window) {
      var ro = new ResizeObserver(function (entries) {
        entries.forEach(function (e) { update(e.target); });
      });
      boxes.forEach(function (b) { ro.observe(b); });
    } else {
      window.addEventListener("resize", function () { boxes.forEach(update); });
    }
  });
})();
