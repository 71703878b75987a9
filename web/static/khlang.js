/* Khlang: the little JavaScript pages use (no CDN, no framework). Every page works without it. */
(function () {
  "use strict";
  // A job's progress: poll /api/v1/jobs/<id> until it ends, then show the link to its result.
  var box = document.getElementById("job");
  if (box && box.dataset.jobUrl) {
    var poll = function () {
      fetch(box.dataset.jobUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          document.getElementById("job-progress").value = j.progress;
          var status = box.querySelector("[data-test=job-status]");
          status.textContent = j.status_label || j.status_th; status.className = "status " + j.status;
          document.getElementById("job-message").textContent = j.message || "";
          if (j.total) { document.getElementById("job-count").textContent = (j.done || 0) + " / " + j.total; }
          var list = document.getElementById("job-problems");
          if (list && j.problems && j.problems.length) {
            list.textContent = "";
            j.problems.forEach(function (p) { var li = document.createElement("li"); li.textContent = p; list.appendChild(li); });
            list.hidden = false;
          }
          if (j.finished) {
            if (j.outcome && j.outcome.url) {
              document.getElementById("job-link").href = j.outcome.url;
              document.getElementById("job-result").hidden = false;
            }
          } else { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    poll();
  }
  // <form data-confirm="…">: ask before a step that cannot be undone (freeze, release, commit).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
})();
