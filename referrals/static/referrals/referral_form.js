// New-referral form: directory search for the recipient and live screening validation.
// The server stays the authority (it re-validates on submit); this only gives early feedback.
(function () {
  "use strict";
  var form = document.getElementById("referral-form");
  if (!form) return;
  var RANGES = {
    asq_3: { interval_months: [2, 60] },
    asq_se_2: { interval_months: [2, 60], total: [0, 400] },
    mchat_r_f: { total: [0, 20], follow_up_total: [0, 20] },
    epds: { total: [0, 30], item_10: [0, 3] }
  };
  var DOMAIN_RANGE = [0, 60];
  var instrument = document.getElementById("screening_instrument");
  var feedback = document.getElementById("screening-feedback");

  function showFields() {
    var chosen = instrument.value;
    form.querySelectorAll("#screening [data-for]").forEach(function (p) {
      p.hidden = !chosen || p.dataset.for.split(" ").indexOf(chosen) === -1;
    });
  }

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function collect() {
    var chosen = instrument.value;
    var data = { instrument: chosen, administered_on: form.administered_on.value };
    ["interval_months", "total", "follow_up_total", "item_10"].forEach(function (k) {
      var p = form.querySelector('[data-for] #' + k);
      if (p && !p.closest("[data-for]").hidden && p.value !== "") data[k] = Number(p.value);
    });
    if (chosen === "asq_3") {
      data.domain_scores = {};
      form.querySelectorAll("input[id^=domain_]").forEach(function (el) {
        if (el.value !== "") data.domain_scores[el.id.slice(7)] = Number(el.value);
      });
    }
    return data;
  }

  function localErrors(data) {
    var errors = [];
    var ranges = RANGES[data.instrument] || {};
    Object.keys(ranges).forEach(function (k) {
      if (data[k] === undefined) return;
      var r = ranges[k];
      if (data[k] < r[0] || data[k] > r[1]) errors.push(k.replace(/_/g, " ") + " must be between " + r[0] + " and " + r[1]);
    });
    if (data.domain_scores) {
      Object.keys(data.domain_scores).forEach(function (d) {
        var v = data.domain_scores[d];
        if (v < DOMAIN_RANGE[0] || v > DOMAIN_RANGE[1]) errors.push(d.replace(/_/g, " ") + " must be between 0 and 60");
      });
    }
    return errors;
  }

  var timer = null;
  function validate() {
    showFields();
    feedback.textContent = "";
    feedback.className = "";
    if (!instrument.value) return;
    var data = collect();
    var errors = localErrors(data);
    if (errors.length) {
      feedback.textContent = errors.join("; ");
      feedback.className = "error";
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(feedback.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(data)
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (res) {
        if (res.ok) {
          feedback.textContent = "Result: " + res.body.summary;
          feedback.className = "ok";
        } else {
          // Incomplete entries are normal while typing: only show range/unknown errors.
          if (/is required/.test(res.body.detail || "")) return;
          feedback.textContent = res.body.detail || "Invalid screening.";
          feedback.className = "error";
        }
      }).catch(function () {});
    }, 250);
  }

  form.addEventListener("input", function (e) {
    if (e.target.closest("#screening")) validate();
  });
  instrument.addEventListener("change", validate);
  showFields();

  var search = document.getElementById("recipient-search");
  var select = document.getElementById("to_provider");
  var searchTimer = null;
  if (search && select) {
    search.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () {
        fetch(search.dataset.url + "?q=" + encodeURIComponent(search.value), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) {
            select.innerHTML = "";
            rows.forEach(function (p) {
              var opt = document.createElement("option");
              opt.value = p.id;
              opt.textContent = p.name + " (" + p.discipline.replace(/_/g, " ") + (p.organization ? ", " + p.organization : "") + ")";
              select.appendChild(opt);
            });
          });
      }, 200);
    });
  }
})();
