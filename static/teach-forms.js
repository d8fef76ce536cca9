// Forms of the course team that show only what applies: an element marked
// `data-show-if="NAME: v1 v2"` is shown while the control NAME of its form (a select or radio
// buttons) has one of the listed values. The server renders each form for its current values,
// so without this script the right fields are there; it only follows changes as they happen.
(function () {
  "use strict";
  function current(form, name) {
    const checked = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
    if (checked) return checked.value;
    const el = form.elements.namedItem(name);
    return el && "value" in el ? el.value : "";
  }
  function update(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      const rule = el.dataset.showIf.split(":");
      const values = (rule[1] || "").trim().split(/\s+/);
      el.hidden = values.indexOf(current(form, rule[0].trim())) < 0;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-show-if]")) return;
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();

// The quiz's "random questions" form: says how many questions the chosen category holds and
// keeps the count within it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-draw-form]").forEach(function (form) {
      const select = form.elements.namedItem("draw_category");
      const count = form.elements.namedItem("draw_count");
      const holds = form.querySelector("[data-draw-holds]");
      if (!select || !count || !holds) return;
      function update() {
        const opt = select.options[select.selectedIndex];
        if (!opt) return;
        holds.textContent = opt.dataset.holds || "";
        holds.hidden = false;
        count.max = opt.dataset.count || "";
      }
      select.addEventListener("change", update);
      update();
    });
  });
})();
