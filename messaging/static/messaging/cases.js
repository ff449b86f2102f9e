// The Cases page: a new message, a read or a team change in one of the user's cases
// (rh:case-activity from /static/js/notify.js) re-renders the lists from the server.
(function () {
  "use strict";
  var status = document.querySelector("[data-cases-status]");
  var pending = null;
  function refresh() {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["case-list", "former-cases"].forEach(function (id) {
          var fresh = doc.getElementById(id), current = document.getElementById(id);
          if (fresh && current) current.replaceWith(document.importNode(fresh, true));
        });
        if (status) status.textContent = status.dataset.newText || "";
      })
      .catch(function () { /* offline: the next event tries again */ });
  }
  function later() { clearTimeout(pending); pending = setTimeout(refresh, 150); }
  document.addEventListener("rh:case-activity", later);
  document.addEventListener("rh:notify", function (e) {
    var kind = (e.detail && e.detail.kind) || "";
    if (kind === "mention") later();
  });
})();
