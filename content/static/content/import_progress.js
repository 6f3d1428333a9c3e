/* The admin import's job page: while the check or the import runs, ask the status view every
   second and move the bar; when it has finished, reload to show the errors or the summary. */
(function () {
  "use strict";

  function init() {
    var box = document.querySelector("[data-import-status]");
    if (!box || box.getAttribute("data-running") !== "1") return;
    var bar = box.querySelector("[data-import-bar]");
    var progress = box.querySelector("[role=progressbar]");
    var percent = box.querySelector("[data-import-percent]");
    var rows = box.querySelector("[data-import-rows]");
    var state = box.querySelector("[data-import-state]");
    var url = box.getAttribute("data-import-status");

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          if (!status.running) { window.location.reload(); return; }
          bar.style.width = status.percent + "%";
          progress.setAttribute("aria-valuenow", status.percent);
          state.textContent = status.state_label;
          percent.textContent = status.percent;
          rows.textContent = status.rows;
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
