// การจัดสอบ: the "every school" switch of the create form, and the copy buttons of the late lists.
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  ready(function () {
    var all = document.getElementById("a-all");
    var list = document.getElementById("school-list");
    if (all && list) {
      var sync = function () { list.hidden = all.checked; };
      all.addEventListener("change", sync);
      sync();
    }
    var form = document.getElementById("a-form");
    var grade = document.getElementById("a-grade");
    if (form && grade) {
      form.addEventListener("change", function () {
        var opt = form.options[form.selectedIndex];
        if (opt && opt.dataset.grade && !grade.value) { grade.placeholder = opt.dataset.grade; }
      });
    }
    document.querySelectorAll(".adm-copy-button").forEach(function (button) {
      var area = document.getElementById(button.dataset.copy);
      if (!area || !navigator.clipboard) { return; }
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(area.value).then(function () {
          button.textContent = "✓ " + label;
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  });
})();
