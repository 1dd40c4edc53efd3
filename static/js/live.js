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
  function onClosed() { closed = true; }

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

  // A live part never shows an error page and never sends the page elsewhere by itself.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    if (event.target.hasAttribute("data-live") && event.detail.xhr.status >= 300) {
      event.preventDefault();
    }
  });

  // When a live update replaces the element holding focus, focus stays on its replacement.
  var focusedId = null;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id && target.contains(document.activeElement)) { focusedId = target.id; }
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    var el = focusedId && document.getElementById(focusedId);
    focusedId = null;
    if (el && !el.contains(document.activeElement)) {
      if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
      el.focus();
    }
  });

  // New list items: added at once when the reader is at the end of the list, otherwise held
  // behind a "2 new replies, show them" button. Announced once, politely; focus stays put.
  function items(container) {
    return Array.prototype.filter.call(container.children, function (el) {
      return el.hasAttribute("data-live-id");
    });
  }
  function liveId(el) { return parseInt(el.getAttribute("data-live-id"), 10) || 0; }
  function parts(listId) {
    return {
      list: document.getElementById(listId),
      incoming: document.getElementById(listId + "-incoming"),
      cursor: document.getElementById(listId + "-after"),
      button: document.querySelector('[data-live-show="' + listId + '"]'),
      region: document.querySelector('[data-live-announce="' + listId + '"]')
    };
  }
  function describe(button, count) {
    return count + " " + button.getAttribute(count === 1 ? "data-noun" : "data-nouns");
  }
  function announce(region, text) {
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 100);
  }
  function readerAtEnd(list) {
    return list.getBoundingClientRect().bottom <= window.innerHeight + 48;
  }
  function release(p) {
    var moved = items(p.incoming);
    moved.forEach(function (item) { p.list.appendChild(item); });
    p.button.parentElement.hidden = true;
    return moved[0] || null;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var incoming = event.target;
    if (!incoming.hasAttribute || !incoming.hasAttribute("data-live-incoming")) { return; }
    var p = parts(incoming.getAttribute("data-live-incoming"));
    items(incoming).forEach(function (item) {
      if (item.id && p.list.querySelector("#" + CSS.escape(item.id))) { item.remove(); }
    });
    var ids = items(p.list).concat(items(incoming)).map(liveId);
    p.cursor.value = Math.max.apply(null, [parseInt(p.cursor.value, 10) || 0].concat(ids));
    var count = items(incoming).length;
    if (!count) { return; }
    var waiting = !p.button.parentElement.hidden;
    if (!waiting && readerAtEnd(p.list)) {
      release(p);
      announce(p.region, describe(p.button, count) + " added at the end of the list.");
      return;
    }
    p.button.textContent = describe(p.button, count) + (count === 1 ? ", show it" : ", show them");
    p.button.parentElement.hidden = false;
    if (!waiting) {
      announce(p.region, describe(p.button, count) + " arrived. A button at the bottom of the screen shows " +
        (count === 1 ? "it." : "them."));
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-live-show]");
    if (!button) { return; }
    var first = release(parts(button.getAttribute("data-live-show")));
    if (first) {
      // The reader asked to see them: take them to the first new item.
      if (!first.hasAttribute("tabindex")) { first.setAttribute("tabindex", "-1"); }
      first.focus();
    }
  });
})();
