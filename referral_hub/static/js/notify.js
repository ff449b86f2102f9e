// In-app notifications over /ws/notifications/. Re-dispatches each frame as a DOM event
// ("rh:notify" {kind, payload, notice_id}, "rh:notices-read" {unread},
// "rh:case-activity" {case_id, change, message_id, unread_total}) and keeps the nav
// badges ([data-badge]) right: each shows its count with a full label for screen
// readers ("3 unread messages"), and hides at 0. Reconnects with backoff.
(function () {
  "use strict";
  if (!document.body.dataset.authenticated) return;

  function badges(name) { return document.querySelectorAll('[data-badge="' + name + '"]'); }

  function setBadge(name, count) {
    badges(name).forEach(function (el) {
      var n = Math.max(0, count === null ? parseInt(el.dataset.count || "0", 10) + 1 : count);
      el.dataset.count = String(n);
      var shown = el.querySelector("[data-badge-count]");
      var label = el.querySelector("[data-badge-label]");
      if (shown) shown.textContent = String(n);
      if (label) label.textContent = (n === 1 ? el.dataset.one : el.dataset.other || "").replace("%(n)s", String(n));
      el.hidden = n === 0;
    });
  }
  window.rhSetBadge = setBadge;

  var handlers = {
    "notify": function (data) {
      if (data.notice_id) setBadge("notices", null);
      if (data.kind === "referral.received") setBadge("waiting", null);
      document.dispatchEvent(new CustomEvent("rh:notify", { detail: data }));
    },
    "notices.read": function (data) {
      setBadge("notices", data.unread);
      document.dispatchEvent(new CustomEvent("rh:notices-read", { detail: data }));
    },
    "case.activity": function (data) {
      if (data.change === "message") setBadge("messages", null);
      // "read", "removed" and "access" carry the user's exact new total.
      if (typeof data.unread_total === "number") setBadge("messages", data.unread_total);
      document.dispatchEvent(new CustomEvent("rh:case-activity", { detail: data }));
    }
  };

  var delay = 1000;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/ws/notifications/");
    ws.onopen = function () { delay = 1000; };
    ws.onmessage = function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      var handle = handlers[data.type];
      if (handle) handle(data);
    };
    ws.onclose = function (e) {
      if (e.code === 4401 || e.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
