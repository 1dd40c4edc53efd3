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

  // An out-of-band part whose place is not on this page (a live update that raced the
  // reader's own action, or a counter this page does not show) is left out before htmx swaps:
  // htmx would report it as an error in the console.
  function oobTarget(el) {
    var spec = el.getAttribute("hx-swap-oob") || el.getAttribute("data-hx-swap-oob") || "";
    var colon = spec.indexOf(":");
    return colon >= 0 ? spec.slice(colon + 1) : (el.id ? "#" + CSS.escape(el.id) : null);
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var text = event.detail.serverResponse;
    if (typeof text !== "string" || text.indexOf("swap-oob") < 0 || /<html[\s>]/i.test(text)) {
      return; // nothing out of band, or a whole page (kept as it is)
    }
    var template = document.createElement("template");
    template.innerHTML = text;
    var dropped = false;
    template.content.querySelectorAll("[hx-swap-oob], [data-hx-swap-oob]").forEach(function (el) {
      var selector = oobTarget(el);
      var found = null;
      try { found = selector && document.querySelector(selector); } catch (e) { found = null; }
      if (!found) { el.remove(); dropped = true; }
    });
    if (dropped) { event.detail.serverResponse = template.innerHTML; }
  });
})();

// Drafts: text typed into a Markdown editor is kept on this device until the server says it
// was saved, so a failed post, an expired session or a wrong click never loses it. A draft
// belongs to the member who typed it (body[data-draft-owner], an opaque id from the server):
// another member signing in on this browser (a shared computer) wipes every draft first, and
// signing out, or the page learning that the session ended, forgets them.
(function () {
  "use strict";
  var PREFIX = "forum-draft:";
  var OWNER = "forum-draft-owner";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }
  var owner = (document.body && document.body.getAttribute("data-draft-owner")) || "";

  function status(key, text) {
    var el = document.querySelector('[data-draft-status="' + key + '"]');
    if (el) { el.textContent = text; }
  }

  // Everything a member left in this browser: drafts, and htmx's page cache (off, but a
  // copy from an older version of the site could remain).
  function wipeAll() {
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && (name.indexOf(PREFIX) === 0 || name === "htmx-history-cache")) { store.removeItem(name); }
    }
    store.removeItem(OWNER);
    try { window.sessionStorage.clear(); } catch (e) { /* not available */ }
  }

  function slot(key) { return PREFIX + owner + ":" + key; }

  function forget(keys) {
    keys.forEach(function (key) { if (key) { store.removeItem(slot(key)); } });
  }

  function attach(root) {
    if (!owner) { return; }  // signed out: nothing is kept
    root.querySelectorAll("textarea[data-draft-key]").forEach(function (area) {
      if (area.dataset.draftBound) { return; }
      area.dataset.draftBound = "1";
      var key = area.dataset.draftKey;
      var saved = store.getItem(slot(key));
      if (saved && !area.value.trim()) {
        area.value = saved;
        status(key, "We restored the text you had not sent yet.");
      }
      var timer = null;
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          if (!document.body.contains(area) || !owner) { return; }  // sent, or signed out
          if (area.value.trim()) { store.setItem(slot(key), area.value); }
          else { store.removeItem(slot(key)); }
        }, 400);
      });
    });
  }

  // The session ended while this page was open (signed out elsewhere, suspended, expired):
  // the text stays on the screen for its writer, but is no longer kept on this device.
  function sessionEnded() {
    if (!owner) { return; }
    owner = "";
    wipeAll();
    document.querySelectorAll("[data-draft-status]").forEach(function (el) {
      el.textContent = "You have been signed out, so this text is no longer kept on this device.";
    });
  }

  function start() {
    if (document.body.hasAttribute("data-signed-out")) { wipeAll(); }
    if (owner && store.getItem(OWNER) !== owner) {
      wipeAll();  // someone else was signed in on this browser before: nothing of theirs stays
      store.setItem(OWNER, owner);
    }
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
  // Signing out forgets at once, before the next page (which says so again, see start()).
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-sign-out]")) { wipeAll(); owner = ""; }
  });
  document.addEventListener("forum:session-ended", sessionEnded);
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 401) { sessionEnded(); }
  });
  // A page brought back by the Back button after its member signed out or someone else signed
  // in is reloaded, so the server decides what it shows.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && owner && store.getItem(OWNER) !== owner) { window.location.reload(); }
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
