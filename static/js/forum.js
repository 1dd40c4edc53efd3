// peer-forum's own small script. The pages work without it; it only smooths htmx updates.
(function () {
  "use strict";

  // When an htmx update removes the element that had focus (an approved application, say),
  // put focus on the next item in the same list, or on the list's heading, never on nothing.
  // Kept per request: live updates may come and go while the member's own request is on its way.
  var pending = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    var item = event.target.closest("[data-focus-group] > *");
    if (item) {
      pending.set(event.detail.xhr, { item: item, group: item.parentElement,
                                      next: item.nextElementSibling || item.previousElementSibling });
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var p = pending.get(event.detail.xhr);
    pending.delete(event.detail.xhr);
    if (!p || document.body.contains(p.item)) { return; }
    var target = p.next && document.body.contains(p.next) ? p.next
      : document.getElementById(p.group.getAttribute("data-focus-group"));
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });
})();

// Drafts: text typed into a Markdown editor is kept on this device until the server says it
// was saved, so a failed post, an expired session or a wrong click never loses it.
(function () {
  "use strict";
  var PREFIX = "forum-draft:";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }

  function status(key, text) {
    var el = document.querySelector('[data-draft-status="' + key + '"]');
    if (el) { el.textContent = text; }
  }

  function forget(keys) {
    keys.forEach(function (key) { if (key) { store.removeItem(PREFIX + key); } });
  }

  function attach(root) {
    root.querySelectorAll("textarea[data-draft-key]").forEach(function (area) {
      if (area.dataset.draftBound) { return; }
      area.dataset.draftBound = "1";
      var key = area.dataset.draftKey;
      var saved = store.getItem(PREFIX + key);
      if (saved && !area.value.trim()) {
        area.value = saved;
        status(key, "We restored the text you had not sent yet.");
      }
      var timer = null;
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          if (!document.body.contains(area)) { return; }  // sent and replaced meanwhile
          if (area.value.trim()) { store.setItem(PREFIX + key, area.value); }
          else { store.removeItem(PREFIX + key); }
        }, 400);
      });
    });
  }

  function start() {
    var done = document.getElementById("drafts-saved");
    if (done) { forget(done.dataset.keys.split(" ")); }
    attach(document);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
  document.addEventListener("htmx:load", function (event) { attach(event.target); });
  document.addEventListener("forum:drafts-saved", function (event) {
    forget((event.detail && event.detail.keys) || []);
  });
})();

// Threads: a reply asks for every post newer than the last one on the page (live updates may
// have added some), and "Quote" adds the quoted post to the reply box.
(function () {
  "use strict";

  function lastPostId() {
    var posts = document.querySelectorAll("#posts > [data-live-id]");
    return posts.length ? posts[posts.length - 1].getAttribute("data-live-id") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.matches && event.detail.elt.matches("form[data-reply-form]")) {
      event.detail.parameters.after = lastPostId();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var inbox = event.detail.target;
    if (!inbox || inbox.id !== "quote-inbox") { return; }
    var quote = inbox.querySelector("[data-quote]");
    var area = document.querySelector("form[data-reply-form] textarea[data-draft-key]");
    inbox.innerHTML = "";
    if (!quote || !area) { return; }
    var before = area.value.replace(/\s+$/, "");
    area.value = (before ? before + "\n\n" : "") + quote.textContent;
    (quote.dataset.warnings || "").split(" ").forEach(function (id) {
      var box = id && area.form.querySelector("input[name='warnings'][value='" + id + "']");
      if (box) {
        box.checked = true;
        var details = box.closest("details");
        if (details) { details.open = true; }
      }
    });
    area.dispatchEvent(new Event("input"));  // keep the draft
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  });
})();

// A small form or message opened in place (the report form, its thanks): move focus to it, so
// keyboard and screen reader users land where the page changed.
(function () {
  "use strict";
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.querySelector || elt === document.body) { return; }
    var spot = elt.matches("[data-focus-on-load]") ? elt : elt.querySelector("[data-focus-on-load]");
    if (spot) { spot.focus(); }
  });
})();
