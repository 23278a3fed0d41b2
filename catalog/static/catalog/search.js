/* Strata search: autocomplete for inputs marked data-autocomplete (the header box, compare),
   and the search page's filter panel open on wide screens. Every page works without this file:
   the header box submits to /search/, compare accepts a bare repository name. */
(function () {
  "use strict";

  var counter = 0;

  function autocomplete(input) {
    var endpoint = input.getAttribute("data-autocomplete");
    var mode = input.getAttribute("data-autocomplete-mode") || "fill";
    var id = "ac-" + (++counter);
    var wrap = document.createElement("span");
    wrap.className = "ac-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "ac-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggested tools");
    list.hidden = true;
    wrap.appendChild(list);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrap.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
      else input.removeAttribute("aria-activedescendant");
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      if (mode === "navigate") {
        window.location.href = item.url;
        return;
      }
      input.value = item.full_name;
      close();
      input.focus();
    }

    function render(results) {
      list.textContent = "";
      items = results;
      active = -1;
      results.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("strong");
        name.textContent = item.full_name;
        option.appendChild(name);
        var details = [];
        if (item.display_name) details.push(item.display_name);
        if (item.category) details.push(item.category.name);
        if (item.stars !== null) details.push("★ " + item.stars.toLocaleString("en"));
        var small = document.createElement("small");
        small.textContent = details.join(" · ");
        option.appendChild(small);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); /* keep the focus in the input */
          choose(index);
        });
        list.appendChild(option);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length
        ? results.length + " suggestion" + (results.length === 1 ? "" : "s") + "; use the arrow keys"
        : "";
    }

    function lookUp() {
      var q = input.value.trim();
      if (q.length < 2 || !window.fetch) { close(); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(endpoint + "?q=" + encodeURIComponent(q), {
        signal: controller ? controller.signal : undefined,
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (input.value.trim() === q) render(body.results || []); })
        .catch(function () { /* aborted or offline: the form still submits */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("input[data-autocomplete]");
    for (var i = 0; i < inputs.length; i++) autocomplete(inputs[i]);
    /* Wide screens have room for the filters: show them; phones keep them folded. */
    var panel = document.querySelector("[data-filter-panel]");
    if (panel && window.matchMedia && window.matchMedia("(min-width: 721px)").matches) {
      panel.open = true;
    }
  });
})();
