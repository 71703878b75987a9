/* Blueprint builder: each indicator's total and the form's total as counts are typed, and a cell turns red
   when the bank holds fewer approved items than the forms need (count x number of forms, no overlap). */
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid) { return; }
  var total = document.getElementById("grand-total");
  var forms = document.getElementById("bp-forms");
  function sum() {
    var all = 0;
    var n = Math.max(1, parseInt(forms && forms.value, 10) || 1);
    grid.querySelectorAll("tr[data-indicator]").forEach(function (row) {
      var rowTotal = 0;
      row.querySelectorAll("input.count").forEach(function (i) {
        var v = parseInt(i.value, 10);
        if (v > 0) { rowTotal += v; }
        var have = parseInt(i.getAttribute("data-have"), 10) || 0;
        i.parentNode.classList.toggle("over", v > 0 && v * n > have);
      });
      row.querySelector("[data-row-total]").textContent = rowTotal ? String(rowTotal) : "–";
      all += rowTotal;
    });
    if (total) { total.textContent = String(all); }
  }
  grid.addEventListener("input", sum);
  if (forms) { forms.addEventListener("input", sum); }
  sum();
})();
