// คลังข้อสอบ: the item editor's light helpers. The page works without them: the picker lists the area's
// indicators grouped by standard, and every type's fields are shown.
(function () {
  "use strict";
  function filterIndicators() {
    var list = document.getElementById("e-indicators");
    if (!list) { return; }
    var grade = (document.getElementById("e-grade") || {}).value || "";
    var std = (document.getElementById("e-standard") || {}).value || "";
    Array.prototype.forEach.call(list.querySelectorAll("optgroup"), function (group) {
      var groupOn = !std || group.getAttribute("data-standard") === std;
      var any = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (o) {
        var on = groupOn && (o.selected || !grade || o.getAttribute("data-grade") === grade);
        o.hidden = !on;
        any = any || on;
      });
      group.hidden = !any;
    });
  }
  function showTypeFields() {
    var type = (document.getElementById("e-type") || {}).value;
    if (!type) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-types]"), function (f) {
      f.hidden = f.getAttribute("data-types").split(" ").indexOf(type) < 0;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    ["e-grade", "e-standard"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.addEventListener("change", filterIndicators); }
    });
    var type = document.getElementById("e-type");
    if (type) { type.addEventListener("change", showTypeFields); }
    filterIndicators();
    showTypeFields();
  });
})();
