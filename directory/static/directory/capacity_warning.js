// Referral form: warn (before sending) when the chosen recipient reports no capacity.
(function () {
  "use strict";
  var box = document.getElementById("capacity-warning");
  if (!box) return;
  var select = document.getElementById(box.dataset.for);
  if (!select) return;
  var base = box.dataset.url; // ".../providers/0/"
  var asked = 0;
  function check() {
    var id = select.value;
    var mine = ++asked;
    box.hidden = true;
    box.textContent = "";
    if (!/^\d+$/.test(id || "")) return;
    fetch(base.replace(/\/0\/$/, "/" + id + "/"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (mine !== asked || !data) return;
        if (data.capacity === "no_capacity") {
          box.textContent = box.dataset.text + (data.capacity_note ? " (" + data.capacity_note + ")" : "");
          box.hidden = false;
        }
      })
      .catch(function () {});
  }
  select.addEventListener("change", check);
  check();
})();
