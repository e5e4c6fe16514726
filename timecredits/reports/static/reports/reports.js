// The report pages' small enhancements; each page works without them.
// - The filters panel is a sidebar on a wide screen: open it there (on a phone it stays shut).
// - A snapshot still being built asks for its page again every few seconds and reloads when it
//   is ready or has failed, in place of a timed refresh; its "Check again" link does the same by
//   hand.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 1000px)");
  function placeFilters() {
    document.querySelectorAll("details[data-filters]").forEach(function (panel) {
      if (wide.matches) panel.open = true;
    });
  }
  placeFilters();
  if (wide.addEventListener) wide.addEventListener("change", placeFilters);

  var building = document.querySelector("[data-snapshot-building]");
  if (building) {
    var every = parseInt(building.getAttribute("data-every"), 10) * 1000 || 3000;
    var check = function () {
      fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var still = page.querySelector("[data-snapshot-building]");
          if (!still) { window.location.reload(); return; }
          var progress = still.querySelector("progress");
          var mine = building.querySelector("progress");
          if (progress && mine) {
            mine.value = progress.value;
            mine.textContent = progress.textContent;
          }
          var words = still.querySelector("[data-step]");
          var shown = building.querySelector("[data-step]");
          if (words && shown) shown.textContent = words.textContent;
          window.setTimeout(check, every);
        })
        .catch(function () { window.setTimeout(check, every * 2); });
    };
    window.setTimeout(check, every);
  }
})();
