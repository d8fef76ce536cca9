// Where a cmi5 AU goes when it terminates (its returnURL): tell the player, which shows the
// course again; a window of the AU's own closes.
(function () {
  "use strict";
  var msg = { amphiCmi5: "returned" };
  if (window.parent && window.parent !== window) {
    window.parent.postMessage(msg, location.origin);
  } else if (window.opener) {
    try { window.opener.postMessage(msg, location.origin); } catch (e) { /* the player is gone */ }
    window.close();
  }
})();
