/* Layout helpers, no library (app/templates/aftersales/baselayout.html):
   - a table cell that holds a date, a time, a number or an amount never wraps (the
     list uses the page's width instead of breaking "03.12.2026" over two lines);
   - the navbar stays on one row: if the user's categories still do not fit (a long
     name, a narrow window), every category shows its icon only (label in the tooltip). */
(function () {
  "use strict";

  function isFigure(text) {
    if (!text || text.length > 26 || !/\d/.test(text)) { return false; }
    // at most a short unit or currency beside the digits: "R$ 1.234,50", "2 pcs", "45 d"
    return text.replace(/[^A-Za-z\u00C0-\u024F\u0400-\u04FF]/g, "").length <= 4;
  }

  function markCells(root) {
    var cells = (root || document).querySelectorAll("table.table td");
    for (var i = 0; i < cells.length; i++) {
      var cell = cells[i];
      if (cell.children.length > 2) { continue; }
      if (isFigure(cell.textContent.trim())) { cell.classList.add("as-nowrap"); }
    }
  }

  var ROW = 60;  // px: one row of Bootstrap's navbar is 50 px high

  function fitNavbar() {
    var bar = document.querySelector(".as-navbar");
    if (!bar) { return; }
    if (bar.getAttribute("data-compact") !== "1") { bar.classList.remove("as-nav-compact"); }
    bar.classList.remove("as-nav-folded");
    if (window.innerWidth < 992) { return; }  // folded behind the toggle button there
    // first the categories that are not the user's work lose their label, then all
    if (bar.offsetHeight > ROW) { bar.classList.add("as-nav-compact"); }
    if (bar.offsetHeight > ROW) { bar.classList.add("as-nav-folded"); }
  }

  markCells(document);
  fitNavbar();
  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fitNavbar, 100);
  });
})();
