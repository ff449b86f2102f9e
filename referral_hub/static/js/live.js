// Live regions: when a referral notification arrives (rh:notify from /static/js/notify.js),
// re-fetch this page and swap every [data-live-region] with the fresh server rendering
// (/static/js/region.js), so the dashboard, a referral's page and the family portal
// update without reloading.
(function () {
  "use strict";
  function liveRegions() {
    return Array.prototype.map.call(document.querySelectorAll("[data-live-region][id]"), function (el) {
      return el.id;
    });
  }
  var later = window.rhRegions(liveRegions, function () {
    document.dispatchEvent(new CustomEvent("rh:refreshed"));
  });
  // The care team changed (the chat saw someone join or leave, or the notifications
  // socket said so): the team list re-renders.
  document.addEventListener("rh:team-changed", later);
  document.addEventListener("rh:case-activity", function (e) {
    if (e.detail && e.detail.change === "team") later();
  });
  document.addEventListener("rh:notify", function (e) {
    var kind = (e.detail && e.detail.kind) || "";
    if (kind.indexOf("referral.") === 0 || kind.indexOf("case.") === 0) later();
  });
})();
