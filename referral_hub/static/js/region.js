// Re-render regions of this page from the server: fetch the page again and swap each
// region (an element id) with its fresh rendering, so it reads exactly as after a
// reload. Shared by the pages that follow live events (Cases, the notice centre, the
// referral pages).
//
//   var refresh = rhRegions(["notice-list"], afterSwap);
//   document.addEventListener("rh:notify", refresh);
//
// ids may also be a function returning them, asked at each refresh.
//
// refresh() coalesces a burst of events into one fetch, 150 ms after the last;
// afterSwap (optional) runs once the fresh regions are in place.
(function () {
  "use strict";
  window.rhRegions = function (ids, afterSwap) {
    var pending = null;
    function refresh() {
      fetch(location.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          (typeof ids === "function" ? ids() : ids).forEach(function (id) {
            var fresh = doc.getElementById(id), current = document.getElementById(id);
            if (fresh && current) current.replaceWith(document.importNode(fresh, true));
          });
          if (afterSwap) afterSwap();
        })
        .catch(function () { /* offline: the next event tries again */ });
    }
    return function later() { clearTimeout(pending); pending = setTimeout(refresh, 150); };
  };
})();
