// The notice centre page: a new notice (rh:notify with a notice_id, from notify.js)
// re-renders the list from the server, so it reads exactly as after a reload.
(function () {
  "use strict";
  var status = document.querySelector("[data-notice-status]");
  var pending = null;
  function refresh() {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("notice-list");
        var current = document.getElementById("notice-list");
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () { /* offline: the next notice tries again */ });
  }
  document.addEventListener("rh:notify", function (e) {
    if (!e.detail || !e.detail.notice_id) return;
    if (status) status.textContent = status.dataset.newText || "";
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
  document.addEventListener("rh:notices-read", function () {
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
})();
