// @name autocomplete in the reply box (progressive enhancement: without it, typing @Name_Surname
// works as before). A text area with data-mention-url asks that URL for the members the writer
// may address (?q=what follows the @) and shows them in a listbox under it. The text area keeps
// its textbox role (a textarea may not be a combobox) and points at the highlighted option with
// aria-activedescendant; a polite status says how many were found. Keys: Down/Up to move,
// Enter or Tab to choose, Escape to close. The options come from our server, escaped there.
(function () {
  "use strict";

  var TYPED = /(^|[\s(])@([^\s@]{1,40})$/u;

  function setUp(area) {
    if (area.dataset.mentionsReady) { return; }
    area.dataset.mentionsReady = "1";
    var listId = area.id + "-mentions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    area.setAttribute("aria-autocomplete", "list");

    var timer = null;
    var asked = 0;
    var active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      area.removeAttribute("aria-activedescendant");
      area.removeAttribute("aria-controls");
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, n) { option.setAttribute("aria-selected", n === active ? "true" : "false"); });
      area.setAttribute("aria-activedescendant", all[active].id);
    }

    function typed() {
      var before = area.value.slice(0, area.selectionStart);
      var match = TYPED.exec(before);
      return match ? match[2] : null;
    }

    function choose(option) {
      var caret = area.selectionStart;
      var before = area.value.slice(0, caret);
      var match = TYPED.exec(before);
      if (!match) { close(); return; }
      var start = caret - match[2].length;
      var handle = option.getAttribute("data-handle") + " ";
      area.value = area.value.slice(0, start) + handle + area.value.slice(caret);
      area.selectionStart = area.selectionEnd = start + handle.length;
      close();
      status.textContent = "Mentioned " + option.textContent.trim() + ".";
      area.dispatchEvent(new Event("input", { bubbles: true }));  // the draft keeps it
    }

    function ask(text) {
      var number = ++asked;
      var url = new URL(area.getAttribute("data-mention-url"), window.location.href);
      url.searchParams.set("q", text);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (number !== asked || typed() !== text) { return; }
          list.innerHTML = html;
          var count = options().length;
          if (!count) { close(); status.textContent = "No member of that name can see this forum."; return; }
          list.hidden = false;
          area.setAttribute("aria-controls", listId);
          highlight(0);
          status.textContent = count + (count === 1 ? " member" : " members") + " found: Down and Up to move, Enter to choose.";
        })
        .catch(close);
    }

    area.addEventListener("input", function () {
      var text = typed();
      clearTimeout(timer);
      if (!text) { close(); return; }
      timer = setTimeout(function () { ask(text); }, 150);
    });
    area.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { event.preventDefault(); choose(option); }
    });
  }

  function scan(root) {
    (root || document).querySelectorAll("textarea[data-mention-url]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(); });
  document.addEventListener("htmx:afterSettle", function () { scan(); });
})();
