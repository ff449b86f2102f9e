/* Directory search: filters start folded (phones see results first) and open on wide
   screens; after "Apply filters" the page lands on the results heading with the count,
   and keyboard and screen-reader focus goes there too. */
(function () {
  "use strict";
  var filters = document.querySelector("details[data-open-wide]");
  if (filters && window.matchMedia("(min-width: 48.01rem)").matches) {
    filters.open = true;
  }
  var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  if (target && target.id === "results") {
    target.focus();
  } else if (target && target.id.indexOf("provider-") === 0) {
    var link = target.querySelector("a");
    if (link) { link.focus(); }
  }
})();
