// The Cases page: a new message, a read, a removed message, an ended access or a team
// change in one of the user's cases
// (rh:case-activity from /static/js/notify.js) re-renders the lists from the server
// (rhRegions, /static/js/region.js).
(function () {
  "use strict";
  var status = document.querySelector("[data-cases-status]");
  var later = window.rhRegions(["case-list", "former-cases"], function () {
    if (status) status.textContent = status.dataset.newText || "";
  });
  document.addEventListener("rh:case-activity", later);
  document.addEventListener("rh:notify", function (e) {
    var kind = (e.detail && e.detail.kind) || "";
    if (kind === "mention") later();
  });
})();
