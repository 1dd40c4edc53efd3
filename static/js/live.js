// Live updates (forum/services/live.py). The page holds one stream of server-sent events through
// htmx's SSE extension (sse-connect on <body>); its live parts ([data-live]) refetch themselves
// with ordinary htmx requests when an event names them (hx-trigger="sse:<event>, live:refresh").
// This script keeps that honest: it notices a stream that has gone quiet and refreshes the live
// parts on a timer instead, never lets an error page land in a live part, keeps focus where it
// was, and holds new list items politely (templates/_macros/live.html).
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.hasAttribute("sse-connect")) { return; }

  var POLL = (parseInt(body.getAttribute("data-live-poll"), 10) || 30) * 1000;
  var QUIET = 45000; // three heartbeats missed: the stream is not reaching us
  var source = null;
  var lastSign = 0;
  var closed = false;

  function refreshAll() {
    document.querySelectorAll("[data-live]").forEach(function (el) { htmx.trigger(el, "live:refresh"); });
  }

  // A fresh EventSource (after the old one failed for good) starts from the last event we saw.
  function remember(id) {
    if (!id) { return; }
    var url = new URL(body.getAttribute("sse-connect"), window.location.href);
    url.searchParams.set("last_event_id", id);
    body.setAttribute("sse-connect", url.pathname + url.search);
  }

  function sign() { lastSign = Date.now(); }
  function onRefresh(event) { sign(); remember(event.lastEventId); refreshAll(); }
  function onClosed(event) {
    closed = true;
    if (event.data === "session ended") {  // forum.js forgets this member's drafts
      document.dispatchEvent(new CustomEvent("forum:session-ended"));
    }
  }

  body.addEventListener("htmx:sseOpen", function (event) {
    source = event.detail.source;
    sign();
    source.addEventListener("live-heartbeat", sign);
    source.addEventListener("live-refresh", onRefresh);
    source.addEventListener("live-closed", onClosed);
  });
  document.addEventListener("htmx:sseMessage", function (event) {
    sign();
    remember(event.detail && event.detail.lastEventId);
  });

  // Blocked by a proxy, asleep, or reconnecting: refresh the live parts every POLL instead.
  // After "live-closed" (the member's session or access ended) the page simply stays as it is.
  window.setInterval(function () {
    var healthy = source && source.readyState === 1 && Date.now() - lastSign < QUIET;
    if (!healthy && !closed) { refreshAll(); }
  }, POLL);

  // Focus never moves by itself: when a live update replaces the element holding focus, focus
  // stays on its replacement; when it removes it, on what was next to it (never the page's top).
  function focusOn(el, scroll) {
    if (!el || !document.body.contains(el)) { return; }
    el = el.querySelector(":scope > article") || el; // an item's post or comment, by its name
    if (!el.hasAttribute("tabindex") && el.tabIndex < 0) { el.setAttribute("tabindex", "-1"); }
    el.focus({ preventScroll: !scroll });
  }
  function saveFocus(el) {
    var active = document.activeElement;
    if (!el || !el.contains || !active || active === body || !el.contains(active)) { return null; }
    var item = el.closest("[data-live-id]") || el;
    return { id: el.id, next: item.nextElementSibling || item.previousElementSibling,
             parent: item.parentElement };
  }
  function restoreFocus(saved) {
    if (!saved) { return; }
    var active = document.activeElement;
    if (active && active !== body && document.body.contains(active)) { return; } // htmx kept it
    var replacement = saved.id && document.getElementById(saved.id);
    focusOn(replacement || (saved.next && document.body.contains(saved.next) ? saved.next : saved.parent));
  }
  function removeItem(el) {
    var saved = saveFocus(el);
    (el.closest("[data-live-id]") || el).remove();
    if (saved) { saved.id = null; restoreFocus(saved); }
  }

  // A live part never shows an error page and never sends the page elsewhere by itself. One that
  // says it is gone (404, with data-live-gone="remove": hidden since, or no longer for this
  // member) is removed, with the list item holding it.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var el = event.target;
    if (!el.hasAttribute || !el.hasAttribute("data-live") || event.detail.xhr.status < 300) { return; }
    event.preventDefault();
    if (event.detail.xhr.status === 404 && el.getAttribute("data-live-gone") === "remove") {
      removeItem(el);
    }
  });

  // A live part waits while the reader writes in it (a post being edited in place): their
  // words are never replaced under them. It refreshes with the next event after.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-live") && el.querySelector("[data-live-pause]")) {
      event.preventDefault();
    }
  });

  var swapFocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var el = event.target;
    swapFocus = el.hasAttribute && el.hasAttribute("data-live") ? saveFocus(el) : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var saved = swapFocus;
    swapFocus = null;
    restoreFocus(saved);
  });
  var oobFocus = null;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    oobFocus = saveFocus(event.detail.target);
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    var saved = oobFocus;
    oobFocus = null;
    restoreFocus(saved);
  });

  // New list items (templates/_macros/live.html, new_items): added at once when the reader is
  // at that end of the list, otherwise held behind a "2 new replies, show them" button.
  // Announced once, politely; focus stays put.
  var OVERLAP = 3; // ask again for the newest few: ids are handed out before commit, so under
                   // concurrent writes a lower one can become visible after a higher one
  function items(container) {
    return Array.prototype.filter.call(container.children, function (el) {
      return el.hasAttribute("data-live-id");
    });
  }
  function liveId(el) { return parseInt(el.getAttribute("data-live-id"), 10) || 0; }
  function own(el) { return el.hasAttribute("data-live-own"); }
  function pinned(el) { return el.hasAttribute("data-live-pinned"); }
  function parts(listId) {
    var incoming = document.getElementById(listId + "-incoming");
    return {
      list: document.getElementById(listId),
      incoming: incoming,
      button: document.querySelector('[data-live-show="' + listId + '"]'),
      region: document.querySelector('[data-live-announce="' + listId + '"]'),
      newestFirst: incoming.getAttribute("data-live-order") === "newest-first",
      hold: incoming.hasAttribute("data-live-hold"),
      readUrl: incoming.getAttribute("data-live-read")
    };
  }
  function everyList() {
    return Array.prototype.map.call(document.querySelectorAll("[data-live-incoming]"), function (el) {
      return parts(el.getAttribute("data-live-incoming"));
    }).filter(function (p) { return p.list && p.button && p.region; });
  }
  function describe(button, count) {
    return count + " " + button.getAttribute(count === 1 ? "data-noun" : "data-nouns");
  }
  function announce(region, text) {
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 100);
  }
  function readerAtEdge(p) {
    var box = p.list.getBoundingClientRect();
    return p.newestFirst ? box.top >= 0 : box.bottom <= window.innerHeight + 48;
  }

  // Ask for the items after the newest few the page has, a little behind the newest one.
  document.addEventListener("htmx:configRequest", function (event) {
    var el = event.detail.elt;
    if (!el.hasAttribute || !el.hasAttribute("data-live-incoming")) { return; }
    var p = parts(el.getAttribute("data-live-incoming"));
    var ids = items(p.list).concat(items(p.incoming)).map(liveId);
    ids.sort(function (a, b) { return b - a; });
    if (ids.length > OVERLAP) { event.detail.parameters.after = ids[OVERLAP]; }
    else if (ids.length) { event.detail.parameters.after = Math.max(0, ids[ids.length - 1] - 1); }
  });

  // Keep one copy of each item: a list may get one twice (the reader's own reply comes back
  // from their request and from the stream), and the items waiting drop what the list has,
  // unless (newest first) they come with newer activity, to move up when shown.
  function reconcile(p) {
    var seen = {};
    items(p.list).forEach(function (item) {
      if (seen[item.id]) { item.remove(); } else { seen[item.id] = item; }
    });
    items(p.incoming).forEach(function (item) {
      var there = seen[item.id];
      if (there && !(p.newestFirst && liveId(item) > liveId(there))) { item.remove(); return; }
      if (there && there.parentElement === p.incoming) { there.remove(); }
      seen[item.id] = item;
    });
  }

  // An item the reader is using (focus in it, words typed in it, a fold opened) is not
  // replaced by its newer version: their action on it replaces it anyway.
  function busy(el) {
    if (el.contains(document.activeElement) || el.querySelector("details[open]")) { return true; }
    return Array.prototype.some.call(el.querySelectorAll("textarea, input:not([type=hidden])"), function (f) {
      return f.value !== f.defaultValue;
    });
  }

  function place(p, item) {
    var list = p.list;
    if (!p.newestFirst) { // in id order: nearly always at the end
      var later = items(list).filter(function (el) { return liveId(el) > liveId(item); })[0];
      list.insertBefore(item, later || null);
      return;
    }
    var old = list.querySelector(":scope > #" + CSS.escape(item.id));
    if (old && busy(old)) { item.remove(); return; } // never under the reader's hands
    if (old && pinned(old) && pinned(item)) { old.replaceWith(item); return; }
    if (old) { old.remove(); }
    var top = items(list).filter(function (el) { return !pinned(el); })[0];
    list.insertBefore(item, pinned(item) ? items(list)[0] || null : top || null);
  }

  function markRead(p) {
    if (!p.readUrl) { return; }
    var newest = Math.max.apply(null, [0].concat(items(p.list).map(liveId)));
    var token = "";
    try { token = JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* none */ }
    window.fetch(p.readUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token, "HX-Request": "true" },
      body: "up_to=" + newest
    });
  }

  function release(p) {
    var moved = items(p.incoming);
    moved.sort(function (a, b) { return liveId(a) - liveId(b); });
    moved.forEach(function (item) { place(p, item); });
    p.button.parentElement.hidden = true;
    if (moved.length) { markRead(p); }
    return items(p.list).filter(function (el) { return moved.indexOf(el) >= 0; })[0] || null;
  }

  function settle(p, arrived) {
    reconcile(p);
    items(p.incoming).filter(own).forEach(function (item) { place(p, item); }); // no news to them
    var count = items(p.incoming).length;
    var waiting = !p.button.parentElement.hidden;
    if (!count) { p.button.parentElement.hidden = true; return; }
    if (!arrived && !waiting) { return; }
    if (!waiting && !p.hold && readerAtEdge(p)) {
      release(p);
      announce(p.region, describe(p.button, count) + " added at the " +
        (p.newestFirst ? "top" : "end") + " of the list.");
      return;
    }
    p.button.textContent = describe(p.button, count) + (count === 1 ? ", show it" : ", show them");
    p.button.parentElement.hidden = false;
    if (!waiting) {
      announce(p.region, describe(p.button, count) + " arrived. A button at the bottom of the screen shows " +
        (count === 1 ? "it." : "them."));
    }
  }

  // Right after every swap (not after settling: no moment with two copies of an item).
  document.addEventListener("htmx:afterSwap", function (event) {
    everyList().forEach(function (p) { settle(p, event.target === p.incoming); });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-live-show]");
    if (!button) { return; }
    var first = release(parts(button.getAttribute("data-live-show")));
    focusOn(first, true); // the reader asked to see them: take them to the first new item
  });
})();
