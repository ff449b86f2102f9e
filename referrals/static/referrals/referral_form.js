// New-referral form: directory search for the recipient and live screening validation.
// The server is the only judge: the live feedback asks it (the same rules and words as the
// form's refusal on submit), nothing is checked twice here.
(function () {
  "use strict";
  var form = document.getElementById("referral-form");
  if (!form) return;
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

  // The server's refusal names the field for programs (screenings[0].domain_scores.x):
  // the input it is about, to tell "not typed yet" from "wrong".
  function inputFor(field) {
    var m = /^screenings\[\d+\]\.(?:domain_scores\.)?(\w+)$/.exec(field || "");
    if (!m) return null;
    if (m[1] === "instrument") return instrument;
    return document.getElementById("domain_" + m[1]) || document.getElementById(m[1]);
  }

  var timer = null;
  function validate() {
    showFields();
    feedback.textContent = "";
    feedback.className = "";
    if (!instrument.value) return;
    var data = collect();
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
          // Incomplete entries are normal while typing: only a typed value is refused.
          var input = inputFor(res.body.field);
          if (input && input.value === "") return;
          // The same plain words (in the reader's language) the form shows beside the field.
          var detail = res.body.detail || "";
          var prefix = (res.body.field || "") + ": ";
          feedback.textContent = detail.indexOf(prefix) === 0 ? detail.slice(prefix.length) : detail;
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

  // Recipient picker with consent in view: covered providers first (the only possible
  // default), everyone else with "ask the family to share with this provider".
  var search = document.getElementById("recipient-search");
  var select = document.getElementById("to_provider");
  var childSelect = document.getElementById("child");
  var pickerEl = document.getElementById("recipient-picker");
  var coverage = pickerEl && pickerEl.dataset.coverage ? JSON.parse(pickerEl.dataset.coverage) : {};
  var consentStatus = document.getElementById("recipient-consent");
  var askPanel = document.getElementById("ask-family");
  var searchStatus = document.getElementById("recipient-search-status");

  function cover() {
    return coverage[childSelect && childSelect.value] || { providers: [], organizations: [], pending: [] };
  }
  function isCovered(id, org) {
    var c = cover();
    return c.providers.indexOf(id) > -1 || (org !== null && c.organizations.indexOf(org) > -1);
  }
  function group(name) { return select.querySelector('optgroup[data-group="' + name + '"]'); }

  function makeOption(id, org, label) {
    var opt = document.createElement("option");
    opt.value = String(id);
    opt.dataset.org = org === null ? "" : String(org);
    opt.dataset.label = label;
    return opt;
  }

  function place(options, keepValue) {
    var covered = group("covered"), others = group("others");
    var pending = cover().pending;
    covered.innerHTML = ""; others.innerHTML = "";
    options.forEach(function (opt) {
      var id = Number(opt.value), org = opt.dataset.org ? Number(opt.dataset.org) : null;
      var yes = isCovered(id, org);
      opt.dataset.covered = yes ? "1" : "";
      opt.textContent = (yes ? "\u2713 " : "") + opt.dataset.label +
        (!yes && pending.indexOf(id) > -1 ? " \u2014 " + select.dataset.askedText : "");
      (yes ? covered : others).appendChild(opt);
    });
    var keep = keepValue && select.querySelector('option[value="' + keepValue + '"]');
    var first = covered.querySelector("option");
    select.value = keep ? keepValue : (first ? first.value : "");
    update();
  }

  function allOptions() {
    return Array.prototype.slice.call(select.querySelectorAll("optgroup option"));
  }

  function update() {
    var opt = select.selectedOptions[0];
    var chosen = opt && opt.value;
    var yes = chosen && opt.dataset.covered === "1";
    var asked = chosen && cover().pending.indexOf(Number(chosen)) > -1;
    if (consentStatus) {
      consentStatus.textContent = !chosen ? "" : yes ? consentStatus.dataset.coveredText :
        asked ? consentStatus.dataset.pendingText : consentStatus.dataset.uncoveredText;
    }
    if (askPanel) {
      askPanel.hidden = !chosen || yes;
      askPanel.querySelectorAll("[data-sync]").forEach(function (input) {
        input.value = input.dataset.sync === "child" ? childSelect.value : chosen;
      });
      var next = askPanel.querySelector("input[name=next]");
      if (next) next.value = location.pathname + "?child=" + childSelect.value;
    }
  }

  // Asking the family to share sends what is typed below along, kept as a draft for
  // when the family has signed (referrals.drafts).
  var askForm = document.getElementById("ask-form");
  if (askForm) {
    askForm.addEventListener("submit", function () {
      document.querySelectorAll("[data-draft]").forEach(function (input) {
        var field = document.getElementById(input.dataset.draft);
        input.value = field ? field.value : "";
      });
    });
  }

  if (select && childSelect) {
    select.addEventListener("change", update);
    childSelect.addEventListener("change", function () { place(allOptions(), null); });
  }
  var searchTimer = null;
  if (search && select) {
    search.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () {
        fetch(search.dataset.url + "?q=" + encodeURIComponent(search.value), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) {
            var keep = select.value;
            place(rows.map(function (p) {
              return makeOption(p.id, p.organization_id, p.name + " (" + p.discipline_label +
                (p.organization ? ", " + p.organization : "") + ")");
            }), keep);
            if (searchStatus) searchStatus.textContent = searchStatus.dataset.found + " " + rows.length;
          });
      }, 200);
    });
  }
})();
