// Waymark web chat. Plain JavaScript, no dependencies, no build step.
//
// Safety rule: text from the server or the practitioner is only ever put in
// the page with textContent or document.createTextNode, never parsed as
// HTML, so nothing in a corpus or a question can become markup. **bold** and *bold*
// become <strong> elements built here, and links are made only for http(s)
// URLs, tel: and mailto:.
//
// The API is POST /api/chat, and GET /api/inbox for the notes the desk
// leaves for this session (a specialist has the request, their replies),
// asked for every 10 seconds while the page is visible; see
// handlers/web/api.go and inbox.go for the JSON. GET /api/session says
// first whether the chat is anonymous (loopback: the page keeps its own
// session id) or needs sign-in (the cookie is the session, and the page
// sends the CSRF token it is given, kept in memory only, with each call).
(function () {
  "use strict";

  var LIMIT = 2000; // characters, as the server counts them (code points)
  var SESSION_KEY = "waymark.session";
  var ACTION_ASK = "ask";
  var INBOX_EVERY = 10000; // milliseconds between asking for notes

  var NOTICE_LABELS = {
    act_now: "Act now",
    personal_data: "Personal data",
    unavailable: "Unavailable",
    info: "Note"
  };
  var KIND_LABELS = {
    process: "Process",
    pathway: "Referral pathway",
    contact: "Contact",
    guidance: "Guidance",
    training: "Training",
    practice: "Practice example"
  };
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  // ---- Small DOM helpers -------------------------------------------------

  // el creates an element with a class and, optionally, plain text.
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // safeURL returns u if it is an absolute http(s) URL, else "".
  function safeURL(u) {
    try {
      var parsed = new URL(String(u));
      if (parsed.protocol === "http:" || parsed.protocol === "https:") return parsed.href;
    } catch (e) { /* not a URL */ }
    return "";
  }

  // link returns an anchor with plain text.
  function link(href, text, external) {
    var a = el("a", "", text);
    a.href = href;
    if (external) a.rel = "noopener noreferrer";
    return a;
  }

  // appendBold appends text to parent, with **runs** and *runs* as <strong>.
  var BOLD = /\*\*([^*\n]+?)\*\*|\*([^*\s](?:[^*\n]*?[^*\s])?)\*/g;
  function appendBold(parent, text) {
    var last = 0, m;
    BOLD.lastIndex = 0;
    while ((m = BOLD.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(el("strong", "", m[1] !== undefined ? m[1] : m[2]));
      last = BOLD.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // appendInline appends text to parent with bold runs and http(s) URLs as
  // links. Everything else is text.
  var URLS = /\bhttps?:\/\/[^\s<>"]+/g;
  function appendInline(parent, text) {
    text = String(text || "");
    var last = 0, m;
    URLS.lastIndex = 0;
    while ((m = URLS.exec(text)) !== null) {
      var url = m[0].replace(/[.,;:!?)\]*]+$/, "");
      URLS.lastIndex = m.index + url.length;
      var href = safeURL(url);
      if (!href) continue;
      appendPhones(parent, text.slice(last, m.index));
      parent.appendChild(link(href, url, true));
      last = m.index + url.length;
    }
    appendPhones(parent, text.slice(last));
    return parent;
  }

  // PHONES finds UK telephone numbers and 999, 111 and 101, as the server's
  // renderers do (handlers.Phones).
  var PHONES = /(?:\+44 ?\(?0?\)? ?|\b0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b(?:999|111|101)\b/g;

  // appendPhones appends text with each telephone number a tel: link.
  function appendPhones(parent, text) {
    var last = 0, m;
    PHONES.lastIndex = 0;
    while ((m = PHONES.exec(text)) !== null) {
      appendBold(parent, text.slice(last, m.index));
      var a = link("tel:" + m[0].replace(/[^0-9+]/g, ""), m[0]);
      a.className = "phone";
      parent.appendChild(a);
      last = m.index + m[0].length;
    }
    appendBold(parent, text.slice(last));
  }

  // paragraphs renders text as <p> elements, one per blank-line-separated
  // block; single line breaks are kept by CSS (white-space: pre-line).
  function paragraphs(parent, text) {
    String(text || "").split(/\n\s*\n/).forEach(function (block) {
      block = block.trim();
      if (block) parent.appendChild(appendInline(el("p"), block));
    });
    return parent;
  }

  // formatDate turns 2026-03-01 into "1 March 2026".
  function formatDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return String(iso || "");
    return Number(m[3]) + " " + MONTHS[Number(m[2]) - 1] + " " + m[1];
  }

  function timeEl(iso) {
    var t = el("time", "", formatDate(iso));
    t.setAttribute("datetime", iso);
    return t;
  }

  function areaLabel(area) {
    return area === "national" ? "National" : area;
  }

  // ---- Rendering a reply -------------------------------------------------

  function renderNotice(n) {
    var kind = NOTICE_LABELS.hasOwnProperty(n.kind) ? n.kind : "info";
    var box = el("div", "notice notice-" + kind);
    box.appendChild(el("p", "notice-label", NOTICE_LABELS[kind]));
    if (n.title) box.appendChild(el("h3", "notice-title", n.title));
    if (n.text) box.appendChild(appendInline(el("p", "notice-text"), n.text));
    return box;
  }

  function renderAnswer(a) {
    var card = el("li", "card card-answer" + (a.stale ? " card-stale" : ""));
    var h = el("h3", "card-title");
    var href = safeURL(a.url);
    h.appendChild(href ? link(href, a.title || a.doc_id, true) : document.createTextNode(a.title || a.doc_id));
    card.appendChild(h);
    var meta = [KIND_LABELS[a.kind] || a.kind, areaLabel(a.area)].filter(Boolean);
    if (meta.length) card.appendChild(el("p", "card-meta", meta.join(" · ")));
    if (a.snippet && a.full) card.appendChild(renderDocument(a.snippet));
    else if (a.snippet) card.appendChild(appendInline(el("p", "snippet"), a.snippet));
    if (a.reviewed) {
      var r = el("p", "reviewed", "Reviewed ");
      r.appendChild(timeEl(a.reviewed));
      card.appendChild(r);
    }
    if (a.stale) card.appendChild(el("p", "stale", a.warning || "Past its review date: may be out of date"));
    return card;
  }

  // renderDocument shows a whole document's Markdown: headings as
  // headings, each paragraph or list item on its own, links and phone
  // numbers live.
  function renderDocument(md) {
    var doc = el("div", "document");
    String(md || "").split(/\n\s*\n/).forEach(function (block) {
      block.split("\n").forEach(function (line) {
        line = line.trim();
        if (!line) return;
        var h = /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
        if (h) doc.appendChild(el("h4", "document-heading", h[1]));
        else doc.appendChild(appendInline(el("p", "document-line"), line));
      });
    });
    return doc;
  }

  function detail(dl, term, value) {
    if (!value) return;
    dl.appendChild(el("dt", "", term));
    var dd = el("dd");
    if (typeof value === "string") dd.textContent = value;
    else dd.appendChild(value);
    dl.appendChild(dd);
  }

  function renderContact(c) {
    var card = el("li", "card card-contact" + (c.stale ? " card-stale" : ""));
    card.appendChild(el("h3", "card-title", c.name || c.team || c.role || c.organisation));
    if (c.stale) card.appendChild(el("p", "stale", c.warning || "Past its review date: check these details before relying on them"));
    var about = [c.role, c.team, c.organisation].filter(function (s) {
      return s && s !== (c.name || c.team || c.role || c.organisation);
    });
    if (about.length) card.appendChild(el("p", "card-meta", about.join(", ")));
    var dl = el("dl", "contact-details");
    if (c.phone) {
      var tel = c.phone.replace(/[^0-9+]/g, "");
      var phone = tel ? link("tel:" + tel, c.phone) : el("span", "", c.phone);
      phone.className = "phone";
      detail(dl, "Phone", phone);
    }
    if (c.email) detail(dl, "Email", /^[^\s@]+@[^\s@]+$/.test(c.email) ? link("mailto:" + c.email, c.email) : c.email);
    detail(dl, "Hours", c.hours);
    if (c.out_of_hours) detail(dl, "Out of hours", appendInline(el("span"), c.out_of_hours));
    if (c.bookable && c.specialism) detail(dl, "Consultations", "Bookable (" + c.specialism + ")");
    if (dl.childNodes.length) card.appendChild(dl);
    return card;
  }

  // renderForm builds a form card: a labelled input per field (a select,
  // a one-line text input or a textarea), its hint, and a Send button.
  // onForm(form, values) is called on submission with the values by field
  // name, and resolves to true when the server took them; the card is then
  // disabled. Otherwise it stays as filled in, to be corrected and sent
  // again.
  var formCount = 0;
  function renderForm(form, onForm) {
    formCount++;
    var card = el("form", "card card-form");
    card.setAttribute("aria-label", form.title || "Form");
    if (form.title) card.appendChild(el("h3", "card-title", form.title));
    var inputs = {};
    (form.fields || []).forEach(function (field) {
      var id = "wm-form-" + formCount + "-" + field.name;
      var row = el("div", "form-field");
      var label = el("label", "form-label", field.label || field.name);
      label.htmlFor = id;
      if (!field.required) label.appendChild(el("span", "form-optional", " (optional)"));
      row.appendChild(label);
      if (field.hint) {
        var hint = el("p", "form-hint", field.hint);
        hint.id = id + "-hint";
        row.appendChild(hint);
      }
      var input;
      if (field.kind === "select" && field.options && field.options.length) {
        input = el("select", "form-input");
        field.options.forEach(function (o) {
          var opt = el("option", "", o.label || o.value);
          opt.value = o.value;
          if (o.value === field.value) opt.selected = true;
          input.appendChild(opt);
        });
      } else {
        input = el(field.kind === "textarea" ? "textarea" : "input", "form-input");
        if (field.kind === "textarea") input.rows = 4;
        else input.type = "text";
        input.value = field.value || "";
        // maxLength counts UTF-16 units, never fewer than the server's
        // characters, so what fits here fits there.
        input.maxLength = field.max_len > 0 ? Math.min(field.max_len, LIMIT) : LIMIT;
        input.autocomplete = "off";
      }
      input.id = id;
      input.name = field.name;
      input.required = !!field.required;
      if (field.hint) input.setAttribute("aria-describedby", id + "-hint");
      row.appendChild(input);
      inputs[field.name] = input;
      card.appendChild(row);
    });
    var send = el("button", "btn btn-primary", form.submit_label || "Send");
    send.type = "submit";
    card.appendChild(send);
    card.addEventListener("submit", async function (e) {
      e.preventDefault();
      var values = {};
      Object.keys(inputs).forEach(function (name) { values[name] = inputs[name].value; });
      if (await onForm(form, values)) {
        Object.keys(inputs).forEach(function (name) { inputs[name].disabled = true; });
        send.disabled = true;
      }
    });
    return card;
  }

  // renderReply builds the bot's message from a Reply: notices, text,
  // answer cards, contact cards, a form, buttons, follow-ups.
  // onAction(action, label, group) is called when a button is pressed,
  // onForm(form, values) when the form is sent (see renderForm).
  function renderReply(reply, onAction, onForm) {
    var msg = el("div", "msg msg-bot");
    msg.appendChild(el("p", "who", "Waymark"));
    if (reply.ref) msg.dataset.ref = reply.ref;

    (reply.notices || []).forEach(function (n) { msg.appendChild(renderNotice(n)); });
    if (reply.text) msg.appendChild(paragraphs(el("div", "reply-text"), reply.text));

    if (reply.answers && reply.answers.length) {
      var answers = el("ul", "cards answers");
      answers.setAttribute("aria-label", "Documents");
      reply.answers.forEach(function (a) { answers.appendChild(renderAnswer(a)); });
      msg.appendChild(answers);
    }
    if (reply.contacts && reply.contacts.length) {
      var contacts = el("ul", "cards contacts");
      contacts.setAttribute("aria-label", "Contacts");
      reply.contacts.forEach(function (c) { contacts.appendChild(renderContact(c)); });
      msg.appendChild(contacts);
    }
    if (reply.form && reply.form.id) {
      msg.appendChild(renderForm(reply.form, onForm || function () { return Promise.resolve(false); }));
    }
    if (reply.buttons && reply.buttons.length) {
      var actions = el("div", "actions");
      actions.setAttribute("role", "group");
      actions.setAttribute("aria-label", "Actions");
      reply.buttons.forEach(function (b) {
        var style = b.style === "primary" || b.style === "danger" ? " btn-" + b.style : "";
        var btn = el("button", "btn" + style, b.label);
        btn.type = "button";
        btn.setAttribute("data-action", b.action_id);
        btn.addEventListener("click", function () {
          onAction({ id: b.action_id, value: b.value }, b.label, actions);
        });
        actions.appendChild(btn);
      });
      msg.appendChild(actions);
    }
    if (reply.follow_ups && reply.follow_ups.length) {
      var ups = el("div", "follow-ups");
      ups.setAttribute("role", "group");
      ups.setAttribute("aria-label", "Suggested questions");
      ups.appendChild(el("p", "follow-ups-label", "You could also ask:"));
      reply.follow_ups.forEach(function (q) {
        var btn = el("button", "btn btn-suggest", q);
        btn.type = "button";
        btn.setAttribute("data-action", ACTION_ASK);
        btn.addEventListener("click", function () {
          onAction({ id: ACTION_ASK, value: q }, q, null);
        });
        ups.appendChild(btn);
      });
      msg.appendChild(ups);
    }
    return msg;
  }

  // renderNotification builds a note the desk left (GET /api/inbox): a
  // reply like any other, marked as a notification.
  function renderNotification(reply, onAction, onForm) {
    var msg = renderReply(reply, onAction, onForm);
    msg.classList.add("msg-notification");
    msg.insertBefore(el("p", "notification-label", "Notification"), msg.firstChild.nextSibling);
    return msg;
  }

  // ---- Session -----------------------------------------------------------

  function randomID() {
    var bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function loadSession(fresh) {
    var id = null;
    try { if (!fresh) id = localStorage.getItem(SESSION_KEY); } catch (e) { /* storage off */ }
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = randomID();
      try { localStorage.setItem(SESSION_KEY, id); } catch (e) { /* kept in memory only */ }
    }
    return id;
  }

  // ---- The chat ----------------------------------------------------------

  function start() {
    var form = document.getElementById("ask");
    var box = document.getElementById("question");
    var sendBtn = document.getElementById("send");
    var count = document.getElementById("question-count");
    var list = document.getElementById("messages");
    var intro = list.querySelector(".msg-intro");
    var session = loadSession(false);
    var csrf = ""; // signed in: the session's CSRF token
    var busy = false;

    function chars(s) { return Array.from(s).length; }

    function updateCount() {
      var n = chars(box.value.trim());
      if (n > LIMIT) {
        count.textContent = n.toLocaleString("en-GB") + " characters: the limit is " +
          LIMIT.toLocaleString("en-GB") + ". Please shorten your message.";
        count.className = "count count-over";
      } else if (n > LIMIT - 200) {
        count.textContent = (LIMIT - n).toLocaleString("en-GB") + " characters left";
        count.className = "count";
      } else {
        count.textContent = "";
        count.className = "count";
      }
    }

    function add(node, scrollToTop) {
      list.appendChild(node);
      node.scrollIntoView({ block: scrollToTop ? "start" : "end" });
      return node;
    }

    function addYou(text) {
      var m = el("div", "msg msg-you");
      m.appendChild(el("p", "visually-hidden", "You said:"));
      m.appendChild(el("p", "text", text));
      return add(m, false);
    }

    function addError(message, requestID) {
      var m = el("div", "msg msg-bot msg-error");
      m.appendChild(el("p", "who", "Waymark"));
      m.appendChild(el("p", "", message));
      if (requestID) m.appendChild(el("p", "ref", "Reference: " + requestID));
      return add(m, true);
    }

    // send posts one message; shown is what appears as the practitioner's
    // message. It resolves to true when the reply was shown.
    async function send(payload, shown) {
      if (busy) return false;
      busy = true;
      sendBtn.disabled = true;
      addYou(shown);
      var thinking = add(el("div", "msg msg-bot msg-thinking", "Thinking…"), false);
      thinking.setAttribute("role", "status");
      var headers = { "Content-Type": "application/json", "Accept": "application/json" };
      if (csrf) headers["X-CSRF-Token"] = csrf; else payload.session = session;
      var ok = false;
      try {
        var resp = await fetch("/api/chat", {
          method: "POST",
          headers: headers,
          body: JSON.stringify(payload),
          credentials: "same-origin",
          cache: "no-store"
        });
        var requestID = resp.headers.get("X-Request-Id") || "";
        var body = null;
        try { body = await resp.json(); } catch (e) { /* not JSON */ }
        thinking.remove();
        if (resp.ok && body) {
          add(renderReply(body, onAction, onForm), true);
          ok = true;
        } else if (body && typeof body.error === "string" && body.error) {
          addError(body.error, requestID);
        } else {
          addError("Waymark could not answer (" + resp.status + " " + resp.statusText + "). Please try again.", requestID);
        }
      } catch (e) {
        thinking.remove();
        addError("Waymark could not be reached. Check your connection, or that Waymark is running, and try again.", "");
      } finally {
        busy = false;
        sendBtn.disabled = false;
      }
      return ok;
    }

    async function onAction(action, label, group) {
      if (busy) return;
      var ok = await send({ action: action }, label);
      // Feedback is given once; it leaves the other buttons (booking a
      // consultation) as they were.
      if (ok && group && /^feedback_/.test(action.id)) {
        group.querySelectorAll('button[data-action^="feedback_"]').forEach(function (b) { b.disabled = true; });
      }
      box.focus();
    }

    // onForm sends a form's values with its action; what appears as the
    // practitioner's message is the form's title, not the values.
    async function onForm(form, values) {
      if (busy) return false;
      return send({ action: { id: form.id, value: "" }, form: values }, form.title || form.submit_label || "Form sent");
    }

    async function submit() {
      var text = box.value.trim();
      if (busy) return;
      if (!text) { box.focus(); return; }
      if (chars(text) > LIMIT) { updateCount(); box.focus(); return; }
      box.value = "";
      updateCount();
      var ok = await send({ text: text }, text);
      if (!ok && box.value === "") {
        box.value = text; // keep the question so it can be sent again
        updateCount();
      }
      box.focus();
    }

    // poll asks for the session's notes and shows them. It is quiet when
    // it fails: the next poll tries again, and notes wait on the server.
    var polling = false;
    async function poll() {
      if (polling || document.visibilityState !== "visible") return;
      polling = true;
      try {
        var resp = await fetch(csrf ? "/api/inbox" : "/api/inbox?session=" + encodeURIComponent(session), {
          method: "GET",
          headers: csrf ? { "Accept": "application/json", "X-CSRF-Token": csrf } : { "Accept": "application/json" },
          credentials: "same-origin",
          cache: "no-store"
        });
        if (!resp.ok) return;
        var body = await resp.json();
        // Notes taken are shown even if a new conversation started
        // meanwhile: they are the practitioner's, and would be lost.
        ((body && body.replies) || []).forEach(function (reply) {
          add(renderNotification(reply, onAction, onForm), true);
        });
      } catch (e) {
        /* offline, or Waymark stopped: try again at the next poll */
      } finally {
        polling = false;
      }
    }
    // signIn shows how to sign in, and keeps the question box shut.
    function signIn(info) {
      form.hidden = true;
      var m = el("div", "msg msg-bot msg-signin");
      m.appendChild(el("p", "who", "Waymark"));
      m.appendChild(el("p", "", "Please sign in to use Waymark on the web."));
      if (info.login) {
        var a = el("a", "btn btn-primary", "Sign in with your council account");
        a.href = info.login;
        a.id = "sign-in";
        m.appendChild(a);
      }
      if (info.links) {
        m.appendChild(el("p", "", "Or send \u201cweb\u201d to Waymark in a direct message in Slack or Teams: it replies with a link that signs you in once."));
      }
      add(m, true);
    }

    // signedIn shows who is signed in, with a way to sign out.
    function signedIn(info) {
      csrf = info.csrf;
      var bar = document.querySelector(".top-inner");
      var who = el("p", "signed-in", "Signed in as " + info.name);
      who.id = "signed-in";
      var out = el("button", "btn btn-quiet", "Sign out");
      out.type = "button";
      out.id = "sign-out";
      out.addEventListener("click", async function () {
        try {
          await fetch("/auth/logout", { method: "POST", headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" });
        } finally {
          window.location.reload();
        }
      });
      bar.appendChild(who);
      bar.appendChild(out);
    }

    async function begin() {
      var info = { mode: "anonymous" };
      try {
        var resp = await fetch("/api/session", { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" });
        if (resp.ok) info = await resp.json();
      } catch (e) { /* Waymark not reachable: sending says so */ }
      if (info.mode === "signin" && !info.signed_in) {
        signIn(info);
        return;
      }
      if (info.mode === "signin") signedIn(info);
      setInterval(poll, INBOX_EVERY);
      document.addEventListener("visibilitychange", poll);
      poll();
    }
    begin();

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      submit();
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    box.addEventListener("input", updateCount);
    document.getElementById("new-conversation").addEventListener("click", function () {
      session = loadSession(true);
      Array.from(list.children).forEach(function (m) { if (m !== intro) m.remove(); });
      box.value = "";
      updateCount();
      box.focus();
    });
    box.focus();
  }

  // Exposed for tests and the browser console; the page does not need it.
  window.WaymarkChat = Object.freeze({
    renderReply: renderReply,
    renderNotification: renderNotification,
    renderForm: renderForm,
    appendInline: appendInline,
    formatDate: formatDate
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
