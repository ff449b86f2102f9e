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
  document.addEventListener("rh:notify", function (e) {
    var kind = (e.detail && e.detail.kind) || "";
    if (kind.indexOf("referral.") !== 0 && kind.indexOf("case.") !== 0) return;
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
})();
