// Live regions: when a referral notification arrives (rh:notify from /static/js/notify.js),
// re-fetch this page and swap every [data-live-region] with the fresh server rendering,
// so the dashboard, a referral's page and the family portal update without reloading.
(function () {
  "use strict";
  var pending = null;
  function refresh() {
    fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region][id]").forEach(function (el) {
          var fresh = doc.getElementById(el.id);
          if (fresh) el.replaceWith(document.importNode(fresh, true));
        });
        document.dispatchEvent(new CustomEvent("rh:refreshed"));
      })
      .catch(function () { /* offline: the next event will try again */ });
  }
  function later() { clearTimeout(pending); pending = setTimeout(refresh, 150); }
  // The care team changed (the chat saw someone join or leave, or the notifications
  // socket said so): the team list re-renders.
  document.addEventListener("rh:team-changed", later);
  document.addEventListener("rh:case-activity", function (e) {
    if (e.detail && e.detail.change === "team") later();
  });
  document.addEventListener("rh:notify", function (e) {
    var kind = (e.detail && e.detail.kind) || "";
    if (kind.indexOf("referral.") !== 0 && kind.indexOf("case.") !== 0) return;
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
})();
