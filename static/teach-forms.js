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

// The quiz's question list: a row dragged onto another takes its place (the arrows stay for
// keyboard and screen-reader users). The order lives in the form's hidden fields, so the rows
// only move on the page; "Save the quiz" keeps the new order, and a live message says so.
(function () {
  "use strict";
  function renumber(tbody) {
    const rows = Array.from(tbody.rows);
    rows.forEach(function (row, i) {
      const number = row.cells[0].firstChild;
      if (number && number.nodeType === Node.TEXT_NODE) number.nodeValue = String(i + 1);
      row.querySelectorAll('button[name="op"]').forEach(function (b) {
        const op = b.value.split(":")[0];
        b.value = op + ":" + i;
        if (op === "up") b.disabled = i === 0;
        if (op === "down") b.disabled = i === rows.length - 1;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.quiz-slots tbody").forEach(function (tbody) {
      if (tbody.rows.length < 2) return;
      const status = document.querySelector("[data-slots-moved]");
      let dragged = null;
      Array.from(tbody.rows).forEach(function (row) {
        row.setAttribute("draggable", "true");
        row.addEventListener("dragstart", function (e) {
          dragged = row;
          row.classList.add("dragging");
          e.dataTransfer.effectAllowed = "move";
          e.dataTransfer.setData("text/plain", "");
        });
        row.addEventListener("dragend", function () {
          row.classList.remove("dragging");
          dragged = null;
        });
        row.addEventListener("dragover", function (e) {
          if (dragged && dragged !== row) e.preventDefault();
        });
        row.addEventListener("drop", function (e) {
          e.preventDefault();
          if (!dragged || dragged === row) return;
          const rows = Array.from(tbody.rows);
          const down = rows.indexOf(dragged) < rows.indexOf(row);
          tbody.insertBefore(dragged, down ? row.nextSibling : row);
          renumber(tbody);
          if (status) status.textContent = status.dataset.slotsMoved;
        });
      });
    });
  });
})();
