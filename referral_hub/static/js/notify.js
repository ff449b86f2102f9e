// In-app notifications over /ws/notifications/. Dispatches a DOM event "rh:notify"
// ({kind, payload}) and bumps any [data-notify-badge] counter. Reconnects with backoff.
(function () {
  "use strict";
  if (!document.body.dataset.authenticated) return;
  var delay = 1000;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/ws/notifications/");
    ws.onopen = function () { delay = 1000; };
    ws.onmessage = function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      if (data.type !== "notify") return;
      document.dispatchEvent(new CustomEvent("rh:notify", { detail: data }));
      document.querySelectorAll("[data-notify-badge]").forEach(function (el) {
        var n = parseInt(el.textContent || "0", 10) + 1;
        el.textContent = String(n);
        el.hidden = false;
      });
    };
    ws.onclose = function (e) {
      if (e.code === 4401 || e.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
