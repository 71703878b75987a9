/* Blueprint builder: each indicator's total and the form's total as counts are typed, and a cell turns red
   when the bank holds fewer approved items than the forms need (count x number of forms, no overlap).
   A cell holds a count (3) or a range (2-4): the totals are then ranges too, "40–44" (minima–maxima). */
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid) { return; }
  var total = document.getElementById("grand-total");
  var forms = document.getElementById("bp-forms");
  var COUNT = /^\s*(\d{1,3})\s*(?:[-\u2013~]\s*(\d{1,3})\s*)?$/;  /* as the server reads it (web/forms/views.py) */
  /* [low, high] of a cell: "3" is [3, 3], "2-4", "2–4" or "2~4" is [2, 4]; empty or unreadable is [0, 0] */
  function bounds(text) {
    var m = COUNT.exec(text || "");
    if (!m) { return [0, 0]; }
    var low = parseInt(m[1], 10);
    var high = m[2] === undefined ? low : parseInt(m[2], 10);
    return [low, Math.max(low, high)];
  }
  function shown(low, high) {
    if (!high) { return "\u2013"; }
    return low === high ? String(low) : low + "\u2013" + high;
  }
  function sum() {
    var allLow = 0, allHigh = 0;
    var n = Math.max(1, parseInt(forms && forms.value, 10) || 1);
    grid.querySelectorAll("tr[data-indicator]").forEach(function (row) {
      var low = 0, high = 0;
      row.querySelectorAll("input.count").forEach(function (i) {
        var b = bounds(i.value);
        low += b[0];
        high += b[1];
        var have = parseInt(i.getAttribute("data-have"), 10) || 0;
        i.parentNode.classList.toggle("over", b[0] > 0 && b[0] * n > have);
      });
      row.querySelector("[data-row-total]").textContent = shown(low, high);
      allLow += low;
      allHigh += high;
    });
    if (total) { total.textContent = shown(allLow, allHigh); }
  }
  grid.addEventListener("input", sum);
  if (forms) { forms.addEventListener("input", sum); }
  sum();
})();
