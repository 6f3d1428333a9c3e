/* Findings while typing: the script editor's unsaved content is checked ~600 ms after the
   last change (content/live_findings.py: the same lint as the save banner; nothing is
   saved) and the findings show above the tabs. No dependencies. */
(function () {
  "use strict";
  var DELAY = 600;

  function init() {
    var marker = document.querySelector("[data-live-findings-url]");
    if (!marker || !marker.form) return;
    var form = marker.form;
    var url = marker.getAttribute("data-live-findings-url");
    var box = document.createElement("div");
    box.className = "live-findings";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    box.setAttribute("data-live-findings", "");
    box.style.cssText =
      "margin: 0 0 1rem; padding: .5rem .75rem; border-radius: .25rem;" +
      "background: var(--w-color-surface-field-inactive, #f6f6f8);";
    box.hidden = true;
    var tabs = form.querySelector(".w-tabs") || form.firstElementChild;
    tabs.parentNode.insertBefore(box, tabs);

    var timer = null;
    var sent = 0;
    function check() {
      var number = ++sent;
      var data = new FormData(form);
      var token = data.get("csrfmiddlewaretoken") || "";
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (!answer || number !== sent) return; // an older answer than the latest request
          box.innerHTML = answer.html;
          box.setAttribute("data-errors", answer.errors);
          box.setAttribute("data-warnings", answer.warnings);
          box.style.borderLeft = answer.errors
            ? "4px solid var(--w-color-critical-200, #cd4444)"
            : answer.warnings
              ? "4px solid var(--w-color-warning-100, #faa500)"
              : "4px solid var(--w-color-positive-100, #1d7a3c)";
          box.hidden = false;
        })
        .catch(function () {
          /* offline or the server busy: the save banner still checks */
        });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, DELAY);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    check(); // what the saved script holds now
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
