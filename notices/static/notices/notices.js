// The notice centre page: a new notice (rh:notify with a notice_id, from notify.js)
// re-renders the list from the server (rhRegions, /static/js/region.js), so it reads
// exactly as after a reload.
(function () {
  "use strict";
  var status = document.querySelector("[data-notice-status]");
  var later = window.rhRegions(["notice-list"]);
  document.addEventListener("rh:notify", function (e) {
    if (!e.detail || !e.detail.notice_id) return;
    if (status) status.textContent = status.dataset.newText || "";
    later();
  });
  document.addEventListener("rh:notices-read", later);
})();
