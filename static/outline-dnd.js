// Drag and drop to reorder modules and items on the outline editor. The up/down buttons stay
// for keyboard and screen-reader users; this script only adds the mouse/touch gesture, then
// posts the same move form with the number of steps and reloads.
(function () {
  "use strict";
  function setup(list, itemSelector) {
    let dragged = null;
    list.querySelectorAll(itemSelector).forEach(function (el) {
      if (!el.dataset.moveUrl) return;
      el.setAttribute("draggable", "true");
      el.addEventListener("dragstart", function (e) {
        dragged = el;
        el.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
      });
      el.addEventListener("dragend", function () {
        el.classList.remove("dragging");
      });
      el.addEventListener("dragover", function (e) {
        if (dragged && dragged !== el && dragged.parentNode === el.parentNode) e.preventDefault();
      });
      el.addEventListener("drop", function (e) {
        e.preventDefault();
        if (!dragged || dragged === el || dragged.parentNode !== el.parentNode) return;
        const siblings = Array.from(el.parentNode.querySelectorAll(":scope > " + itemSelector));
        const from = siblings.indexOf(dragged);
        const to = siblings.indexOf(el);
        if (from < 0 || to < 0 || from === to) return;
        const body = new URLSearchParams();
        body.set("csrf", document.querySelector('input[name="csrf"]').value);
        body.set("direction", to < from ? "up" : "down");
        body.set("steps", String(Math.abs(to - from)));
        fetch(dragged.dataset.moveUrl, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
          .then(function () { window.location.reload(); });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const modules = document.querySelector("[data-outline]");
    if (modules) setup(modules, "section.module");
    document.querySelectorAll("ol.items").forEach(function (ol) { setup(ol, "li"); });
  });
})();
