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
        // An item's drag is not its module's.
        e.stopPropagation();
        dragged = el;
        el.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
      });
      el.addEventListener("dragend", function (e) {
        e.stopPropagation();
        dragged = null;
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
  // An item dropped on another module goes to the end of it (the item editor's "Move to
  // another module" form does the same from the keyboard).
  function acrossModules(outline) {
    let dragged = null;
    outline.querySelectorAll("ol.items > li[data-module-url]").forEach(function (li) {
      li.addEventListener("dragstart", function () { dragged = li; });
      li.addEventListener("dragend", function () { dragged = null; });
    });
    outline.querySelectorAll("section.module[data-module-id]").forEach(function (section) {
      const other = function () {
        return dragged && !section.contains(dragged);
      };
      section.addEventListener("dragover", function (e) {
        if (other()) e.preventDefault();
      });
      section.addEventListener("drop", function (e) {
        if (!other()) return;
        e.preventDefault();
        e.stopPropagation();
        const body = new URLSearchParams();
        body.set("csrf", document.querySelector('input[name="csrf"]').value);
        body.set("module_id", section.dataset.moduleId);
        fetch(dragged.dataset.moduleUrl, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
          .then(function () { window.location.reload(); });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const modules = document.querySelector("[data-outline]");
    if (modules) setup(modules, "section.module");
    document.querySelectorAll("ol.items").forEach(function (ol) { setup(ol, "li"); });
    if (modules) acrossModules(modules);
  });
})();
