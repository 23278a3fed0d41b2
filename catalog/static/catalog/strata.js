/* Strata: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Live search: as filters change, fetch the same page for the new URL and swap the results.
     The URL in the address bar follows, so the state stays shareable. */
  function liveSearch(form) {
    var results = document.getElementById("results");
    var status = form.querySelector("[data-live-status]");
    if (!results || !window.fetch || !window.DOMParser) return;
    var timer = null;
    var controller = null;

    function urlFor() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (String(value).trim() !== "") params.append(key, value);
      });
      var query = params.toString();
      return form.action + (query ? "?" + query : "");
    }

    function update() {
      var url = urlFor();
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      if (status) status.textContent = "Updating…";
      fetch(url, { signal: controller ? controller.signal : undefined, headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("results");
          if (!fresh) return;
          results.innerHTML = fresh.innerHTML;
          window.history.replaceState(null, "", url);
          if (status) status.textContent = "Results updated.";
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          if (status) status.textContent = "Could not update; press Search.";
        });
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, delay);
    }

    form.addEventListener("input", function (event) {
      if (event.target.matches("input[type=search], input[type=text], input[type=number]")) schedule(350);
    });
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=date]")) schedule(0);
    });
  }

  /* Owners' avatars come from GitHub; one that cannot load is removed, so the initials under
     it show instead of a broken-image icon (no inline onerror: the CSP forbids it). */
  function isAvatar(element) {
    return element && element.tagName === "IMG" && element.closest && element.closest(".avatar");
  }
  function dropBrokenAvatars() {
    var images = document.querySelectorAll(".avatar img");
    for (var i = 0; i < images.length; i++) {
      if (images[i].complete && images[i].naturalWidth === 0) images[i].remove();
    }
  }
  document.addEventListener("error", function (event) {
    if (isAvatar(event.target)) event.target.remove();
  }, true);  /* load errors do not bubble: listen while they travel down */
  window.addEventListener("load", dropBrokenAvatars);

  document.addEventListener("DOMContentLoaded", function () {
    dropBrokenAvatars();  /* those that failed before this script ran */
    var forms = document.querySelectorAll("form[data-live-search]");
    for (var i = 0; i < forms.length; i++) liveSearch(forms[i]);
  });
})();
