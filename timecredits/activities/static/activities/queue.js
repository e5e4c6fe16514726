/* The verification queue (activities/verify.html): "Select all" ticks every row here instead of
 * reloading the page with them ticked, and the bulk button says how many are ticked. Without
 * JavaScript the link reloads the page with every row ticked, and the button still approves
 * the ticked rows. Rows whose time still runs cannot be ticked. */
(function () {
  "use strict";
  var form = document.querySelector("[data-bulk-approve]");
  if (!form) return;
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll('input[type=checkbox][form="' + form.id + '"]:not(:disabled)')
  );
  var count = form.querySelector("[data-bulk-count]");
  var toggle = form.querySelector("[data-select-all], [data-select-none]");
  var allLabel = toggle.textContent;
  var noneLabel = toggle.getAttribute("data-none-label") || allLabel;
  if (toggle.hasAttribute("data-select-none")) {
    noneLabel = allLabel;
    allLabel = toggle.getAttribute("data-all-label") || allLabel;
  }

  function ticked() {
    return boxes.filter(function (box) { return box.checked; }).length;
  }

  function draw() {
    var n = ticked();
    count.textContent = n ? " (" + n + ")" : "";
    toggle.textContent = n && n === boxes.length ? noneLabel : allLabel;
  }

  // A link that acts as a button answers Space as a button does, not by scrolling the page.
  toggle.setAttribute("role", "button");
  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    var tick = ticked() !== boxes.length;
    boxes.forEach(function (box) { box.checked = tick; });
    draw();
  });
  toggle.addEventListener("keydown", function (event) {
    if (event.key !== " ") return;
    event.preventDefault();
    toggle.click();
  });
  boxes.forEach(function (box) { box.addEventListener("change", draw); });
  draw();
})();
