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
