// Case chat panel ([data-chat-panel], see messaging/chat_panel.html). Vanilla JS, no
// inline script (CSP script-src 'self'): everything comes from data- attributes.
// Socket /ws/cases/<id>/?after=<last id>: history by replay, then live. Reconnects with
// exponential backoff resuming from the last id; re-sends unacknowledged messages with
// the same client_msg_id (the server stores each once). If the socket cannot open, falls
// back to REST (polling GET + POST). Closed with 4403: "Your access to this case has ended".
(function () {
  "use strict";

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function Chat(panel) {
    this.panel = panel;
    this.caseId = panel.dataset.caseId;
    this.userId = parseInt(panel.dataset.userId, 10);
    this.wsPath = panel.dataset.wsPath;
    this.apiUrl = panel.dataset.apiUrl;
    this.csrf = panel.dataset.csrf;
    this.log = panel.querySelector("[data-chat-log]");
    this.status = panel.querySelector("[data-chat-status]");
    this.presence = panel.querySelector("[data-chat-presence]");
    this.typing = panel.querySelector("[data-chat-typing]");
    this.form = panel.querySelector("[data-chat-form]");
    this.input = panel.querySelector("[data-chat-input]");
    this.ended = panel.querySelector("[data-chat-ended]");
    this.endedText = panel.querySelector("[data-chat-ended-text]");
    this.endReason = null;  // {reason, at} from an access.ended frame
    this.lastId = 0;
    this.names = {};        // user id -> name, learned from messages
    this.pending = {};      // client_msg_id -> body, until acknowledged
    this.readBy = {};       // user id -> message id
    this.delay = 500;
    this.failures = 0;
    this.over = false;
    this.mode = "socket";
    this.lastTypingSent = 0;
    this.typingTimer = null;
    this.bind();
    this.keepAtEnd();
    this.connect();
  }

  Chat.prototype.setStatus = function (text) { this.status.textContent = text; };

  // The panel's words in the page's language (data-t-<key>, translated by Django).
  Chat.prototype.t = function (key, fallback) {
    return this.panel.getAttribute("data-t-" + key) || fallback;
  };

  Chat.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = self.input.value;
      if (!body.trim() || self.over) return;
      self.input.value = "";
      self.send(body);
    });
    // Enter sends; Shift+Enter (or Alt/Ctrl/Cmd+Enter) starts a new line; Enter while an
    // input method is composing (e.g. accents, Japanese) is left to it.
    this.input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      if (self.over || !self.input.value.trim()) return;
      if (self.form.requestSubmit) self.form.requestSubmit();
      else self.form.dispatchEvent(new Event("submit", { cancelable: true }));
    });
    this.input.addEventListener("input", function () {
      var now = Date.now();
      if (self.mode === "socket" && self.ws && self.ws.readyState === 1 && now - self.lastTypingSent > 2000) {
        self.lastTypingSent = now;
        self.ws.send(JSON.stringify({ type: "typing" }));
      }
    });
  };

  Chat.prototype.connect = function () {
    if (this.over) return;
    var self = this;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var opened = false;
    var ws = new WebSocket(scheme + location.host + this.wsPath + "?after=" + this.lastId);
    this.ws = ws;
    ws.onopen = function () {
      opened = true;
      self.delay = 500;
      self.failures = 0;
      self.setStatus(self.t("connected", "Connected"));
      Object.keys(self.pending).forEach(function (id) { self.sendFrame(id, self.pending[id]); });
    };
    ws.onmessage = function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      self.handle(frame);
    };
    ws.onclose = function (e) {
      if (self.over) return;
      if (e.code === 4403 || e.code === 4401) {
        if (!self.endReason && e.reason) self.endReason = { reason: e.reason, at: null };
        self.end();
        return;
      }
      if (!opened) self.failures += 1;
      if (self.failures >= 3) { self.startFallback(); return; }
      self.setStatus(self.t("reconnecting", "Reconnecting…"));
      setTimeout(function () { self.connect(); }, self.delay);
      self.delay = Math.min(self.delay * 2, 30000);
    };
  };

  // A date in the reader's language and the time zone the page was rendered in.
  Chat.prototype.day = function (iso) {
    if (!iso) return "";
    var opts = { day: "numeric", month: "short", year: "numeric" };
    if (this.panel.dataset.timeZone) opts.timeZone = this.panel.dataset.timeZone;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, opts).format(new Date(iso));
    } catch (err) {
      return new Date(iso).toLocaleDateString();
    }
  };

  // A date and time in the reader's language and the page's time zone (the account's).
  Chat.prototype.moment = function (iso) {
    var opts = { dateStyle: "medium", timeStyle: "short" };
    if (this.panel.dataset.timeZone) opts.timeZone = this.panel.dataset.timeZone;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, opts).format(new Date(iso));
    } catch (err) {
      return new Date(iso).toLocaleString();
    }
  };

  // Why access ended, in plain words (the sentences are rendered, translated, by Django).
  Chat.prototype.endedSentence = function () {
    var why = this.endReason || {};
    var text = this.panel.getAttribute("data-ended-" + (why.reason || "default")) ||
      this.panel.getAttribute("data-ended-default");
    if (text.indexOf("{date}") !== -1) {
      text = why.at ? text.replace("{date}", this.day(why.at)) : this.panel.getAttribute("data-ended-consent_changed");
    }
    return text;
  };

  // Access ended (consent revoked or expired, removed from the team, signed out): the
  // conversation leaves the page, not just the view (every message, read mark, name and
  // the child's name in [data-case-private] are removed from the DOM), and the panel
  // says why in plain words. What the member was typing stays theirs, in a disabled box.
  Chat.prototype.end = function () {
    this.over = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.typingTimer);
    clearTimeout(this.readTimer);
    if (this.ws) { try { this.ws.close(); } catch (err) { /* already closed */ } }
    this.log.replaceChildren();
    this.log.hidden = true;
    this.names = {};
    this.readBy = {};
    this.pending = {};
    this.typing.textContent = "";
    this.presence.textContent = "";
    document.querySelectorAll("[data-case-private], [data-chat-mention-names]").forEach(function (el) {
      el.remove();
    });
    this.endedText.textContent = this.endedSentence();
    this.ended.hidden = false;
    this.setStatus(this.t("disconnected", "Disconnected"));
    this.input.disabled = true;
    this.form.querySelector("[data-chat-send]").disabled = true;
    document.dispatchEvent(new CustomEvent("rh:access-ended", { detail: this.endReason || {} }));
  };

  Chat.prototype.handle = function (frame) {
    if (this.over) return;  // nothing more reaches the page once access ended
    switch (frame.type) {
      case "message.new": this.addMessage(frame.message); break;
      case "message.updated": this.updateMessage(frame.message); break;
      case "message.ack": delete this.pending[frame.client_msg_id]; break;
      case "typing": this.showTyping(frame.user_id); break;
      case "presence": this.showPresence(frame.online); break;
      case "read": this.readBy[frame.user_id] = frame.message_id; this.renderReads(); break;
      case "error": this.setStatus(this.t("error", "Error: {detail}").replace("{detail}", frame.detail)); break;
      case "access.ended": this.endReason = { reason: frame.reason, at: frame.at }; break;
      case "member.left": this.teamLine(frame, "data-member-left"); break;
      case "member.joined": this.teamLine(frame, "data-member-joined"); break;
    }
  };

  // "Jordan Ellis left the care team": a line in the log (announced: the log is a live
  // region), and the page's team list refreshes (rh:team-changed, see js/live.js).
  Chat.prototype.teamLine = function (frame, attr) {
    var li = document.createElement("li");
    li.className = "chat-system";
    li.dataset.teamChange = frame.type;
    var text = (this.panel.getAttribute(attr) || "{name}").replace("{name}", frame.provider.name);
    li.appendChild(document.createTextNode(text + " · "));
    var when = document.createElement("time");
    when.dateTime = frame.at;
    when.textContent = this.moment(frame.at);
    li.appendChild(when);
    this.log.appendChild(li);
    this.scrollToEnd();
    this.mentionable(frame);
    document.dispatchEvent(new CustomEvent("rh:team-changed", { detail: frame }));
  };

  // The newest line in view: the log scrolls, never the page (on a phone the page would
  // jump past the header and the heading on every message).
  Chat.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  // A reader at the newest line stays there when the log changes size (a phone turned,
  // a window resized); one who scrolled back to read stays where they are.
  Chat.prototype.keepAtEnd = function () {
    var self = this;
    var atEnd = true;
    this.log.addEventListener("scroll", function () {
      atEnd = self.log.scrollTop + self.log.clientHeight >= self.log.scrollHeight - 8;
    });
    window.addEventListener("resize", function () { if (atEnd) self.scrollToEnd(); });
  };

  // The hint's names to mention follow the team: one who left is taken out, one who
  // joined is added.
  Chat.prototype.mentionable = function (frame) {
    var names = this.panel.querySelector("[data-chat-mention-names]");
    if (!names) return;
    var name = frame.provider.name;
    names.querySelectorAll("[data-mention-name]").forEach(function (el) {
      if (el.getAttribute("data-mention-name") === name) el.remove();
    });
    if (frame.type === "member.joined") {
      var span = document.createElement("span");
      span.className = "chat-mention";
      span.setAttribute("data-mention-name", name);
      span.textContent = "@" + name;
      names.appendChild(span);
    }
  };

  Chat.prototype.name = function (userId) {
    return this.names[userId] || this.t("someone", "A team member");
  };

  // The account's zone (people.middleware, on <body data-time-zone>), labelled: "Dec 10, 2026, 4:03 PM CST".
  function localTime(iso) {
    var options = {year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
      timeZoneName: "short"};
    var zone = document.body.getAttribute("data-time-zone");
    if (zone) { options.timeZone = zone; }
    try {
      return new Date(iso).toLocaleString(document.documentElement.lang || undefined, options);
    } catch (e) {
      return new Date(iso).toLocaleString();
    }
  }

  Chat.prototype.fill = function (li, m) {
    li.textContent = "";
    var head = document.createElement("p");
    head.className = "chat-meta";
    var who = document.createElement("strong");
    who.textContent = m.author.name;
    var when = document.createElement("time");
    when.dateTime = m.created_at;
    when.textContent = localTime(m.created_at);
    head.appendChild(who);
    head.appendChild(document.createTextNode(" · " + m.author.discipline.replace(/_/g, " ") + " · "));
    head.appendChild(when);
    var body = document.createElement("p");
    body.className = "chat-body";
    if (m.deleted) {
      body.textContent = this.t("removed", "message removed");
      body.classList.add("chat-removed");
    } else {
      body.textContent = m.body;  // textContent: plain text, always escaped
      if (m.edited_at) {
        var edited = document.createElement("span");
        edited.className = "chat-edited";
        edited.textContent = " " + this.t("edited", "(edited)");
        body.appendChild(edited);
      }
    }
    li.appendChild(head);
    li.appendChild(body);
  };

  Chat.prototype.addMessage = function (m) {
    if (this.over || m.id <= this.lastId) return;  // replay after a reconnect overlaps: keep each once
    this.lastId = m.id;
    this.names[m.author.id] = m.author.name;
    delete this.pending[m.client_msg_id];
    var li = document.createElement("li");
    li.className = "chat-message" + (m.author.id === this.userId ? " chat-mine" : "");
    li.dataset.messageId = m.id;
    this.fill(li, m);
    this.log.appendChild(li);
    this.scrollToEnd();
    if (this.typing.dataset.userId === String(m.author.id)) this.typing.textContent = "";
    this.markRead(m.id);
    this.renderReads();
  };

  Chat.prototype.updateMessage = function (m) {
    var li = this.log.querySelector('[data-message-id="' + m.id + '"]');
    if (li) { this.fill(li, m); this.renderReads(); }
  };

  Chat.prototype.markRead = function (id) {
    var self = this;
    if (this.mode !== "socket" || document.visibilityState === "hidden") return;
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(function () {
      if (self.ws && self.ws.readyState === 1) self.ws.send(JSON.stringify({ type: "read", message_id: id }));
    }, 500);
  };

  Chat.prototype.renderReads = function () {
    var self = this;
    this.log.querySelectorAll(".chat-read").forEach(function (el) { el.remove(); });
    var byMessage = {};
    Object.keys(this.readBy).forEach(function (uid) {
      if (parseInt(uid, 10) === self.userId) return;
      (byMessage[self.readBy[uid]] = byMessage[self.readBy[uid]] || []).push(self.name(uid));
    });
    Object.keys(byMessage).forEach(function (mid) {
      var li = self.log.querySelector('[data-message-id="' + mid + '"]');
      if (!li) return;
      var mark = document.createElement("p");
      mark.className = "chat-read";
      mark.textContent = self.t("seen", "Seen by {names}").replace("{names}", byMessage[mid].join(", "));
      li.appendChild(mark);
    });
  };

  Chat.prototype.showTyping = function (userId) {
    var self = this;
    this.typing.dataset.userId = String(userId);
    this.typing.textContent = this.t("typing", "{name} is typing…").replace("{name}", this.name(userId));
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function () { self.typing.textContent = ""; }, 4000);
  };

  Chat.prototype.showPresence = function (online) {
    var self = this;
    var others = online.filter(function (id) { return id !== self.userId; });
    this.presence.textContent = others.length
      ? this.t("online", "Online now: {names}").replace("{names}", others.map(function (id) { return self.name(id); }).join(", "))
      : this.t("alone", "No one else from the team is online.");
  };

  Chat.prototype.send = function (body) {
    var id = uuid4();
    this.pending[id] = body;
    this.sendFrame(id, body);
  };

  Chat.prototype.sendFrame = function (id, body) {
    if (this.mode === "socket") {
      if (this.ws && this.ws.readyState === 1) {
        this.ws.send(JSON.stringify({ type: "message.send", body: body, client_msg_id: id }));
      }
      return;  // otherwise re-sent on reconnect
    }
    var self = this;
    fetch(this.apiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrf },
      body: JSON.stringify({ body: body, client_msg_id: id }),
    }).then(function (r) {
      if (r.status === 404 || r.status === 403) { self.end(); return null; }
      return r.ok ? r.json() : null;
    }).then(function (m) {
      if (m) { delete self.pending[id]; self.poll(); }
    }).catch(function () { /* kept in pending; retried by the next poll */ });
  };

  // REST fallback: the socket could not open (proxy, firewall...). Poll for new messages.
  Chat.prototype.startFallback = function () {
    var self = this;
    this.mode = "rest";
    this.setStatus(this.t("fallback", "Live updates unavailable; checking for new messages every few seconds."));
    this.poll();
    this.pollTimer = setInterval(function () {
      if (self.over) { clearInterval(self.pollTimer); return; }
      self.poll();
      Object.keys(self.pending).forEach(function (id) { self.sendFrame(id, self.pending[id]); });
    }, 3000);
  };

  Chat.prototype.poll = function () {
    var self = this;
    fetch(this.apiUrl + "?after=" + this.lastId + "&limit=200", { credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 404 || r.status === 403) { self.end(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (page) {
        if (page) page.results.forEach(function (m) { self.addMessage(m); });
      })
      .catch(function () { /* try again on the next tick */ });
  };

  document.querySelectorAll("[data-chat-panel]").forEach(function (panel) { new Chat(panel); });
})();
