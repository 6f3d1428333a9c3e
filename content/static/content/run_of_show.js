/* The livestream editor: the run of show's total minutes, updated as segments are typed,
   added or removed (Wagtail's collapsed headers already read "name · N 分钟"). */
(function () {
  "use strict";

  function total() {
    var sum = 0;
    var inputs = document.querySelectorAll('input[name^="segments-"][name$="-value-minutes"]');
    inputs.forEach(function (input) {
      var prefix = input.name.replace(/-value-minutes$/, "");
      var deleted = document.querySelector('input[name="' + prefix + '-deleted"]');
      if (deleted && deleted.value === "1") return;
      var n = parseInt(input.value, 10);
      if (!isNaN(n) && n > 0) sum += n;
    });
    return sum;
  }

  function init() {
    var line = document.querySelector("[data-run-of-show-total]");
    if (!line) return;
    var template = line.getAttribute("data-template");
    var update = function () {
      var text = template.replace("__N__", String(total()));
      if (line.textContent !== text) line.textContent = text;  // no loop with the observer
    };
    document.addEventListener("input", update);
    document.addEventListener("change", update);
    new MutationObserver(update).observe(line.closest("form") || document.body, {
      childList: true, subtree: true,
    });
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
