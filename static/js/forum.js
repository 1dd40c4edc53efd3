// peer-forum's own small script. The pages work without it; it only smooths htmx updates.
(function () {
  "use strict";

  // When an htmx update removes the element that had focus (an approved application, say),
  // put focus on the next item in the same list, or on the list's heading, never on nothing.
  var pending = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var item = event.target.closest("[data-focus-group] > *");
    pending = item ? { item: item, next: item.nextElementSibling || item.previousElementSibling,
                       group: item.parentElement } : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pending || document.body.contains(pending.item)) { pending = null; return; }
    var target = pending.next && document.body.contains(pending.next) ? pending.next
      : document.getElementById(pending.group.getAttribute("data-focus-group"));
    pending = null;
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
