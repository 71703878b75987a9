/* Blueprint builder: the total of each indicator row and of the whole form as counts are typed. */
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid) { return; }
  var total = document.getElementById("grand-total");
  function sum() {
    var all = 0;
    grid.querySelectorAll("tr[data-indicator]").forEach(function (row) {
      var n = 0;
      row.querySelectorAll("input.count").forEach(function (i) { var v = parseInt(i.value, 10); if (v > 0) { n += v; } });
      row.querySelector("[data-row-total]").textContent = n ? String(n) : "–";
      all += n;
    });
    if (total) { total.textContent = String(all); }
  }
  grid.addEventListener("input", sum);
  sum();
})();
