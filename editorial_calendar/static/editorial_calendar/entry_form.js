/* The calendar entry form: the channel and script lists follow the persona without a reload,
   and the script list can be searched (the server's Chinese search). No dependencies. */
(function () {
  "use strict";

  function option(value, label, selected) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    if (selected) o.selected = true;
    return o;
  }

  function init() {
    var persona = document.querySelector("select[data-entry-persona]");
    var channel = document.querySelector("select[data-persona-channels]");
    var script = document.querySelector("select[data-script-picker]");
    if (!persona) return;

    if (channel) {
      var accounts = JSON.parse(channel.getAttribute("data-persona-channels") || "{}");
      var labels = JSON.parse(channel.getAttribute("data-channel-labels") || "{}");
      var note = document.createElement("p");
      note.className = "help entry-channel-note";
      note.hidden = true;
      note.textContent = channel.getAttribute("data-no-account") || "";
      channel.parentNode.appendChild(note);
      var updateChannels = function () {
        var allowed = persona.value ? accounts[persona.value] || [] : Object.keys(labels);
        var current = channel.value;
        channel.innerHTML = "";
        channel.appendChild(option("", "---------", false));
        allowed.forEach(function (value) {
          channel.appendChild(option(value, labels[value] || value, value === current));
        });
        if (allowed.indexOf(current) < 0 && allowed.length === 1) channel.value = allowed[0];
        note.hidden = !(persona.value && allowed.length === 0);
      };
      persona.addEventListener("change", updateChannels);
      updateChannels();
    }

    if (script) {
      var url = script.getAttribute("data-script-picker");
      var box = document.createElement("input");
      box.type = "search";
      box.className = "entry-script-search";
      box.placeholder = script.getAttribute("data-search-label") || "";
      box.setAttribute("aria-label", box.placeholder);
      script.parentNode.insertBefore(box, script);
      var timer = null;
      var load = function () {
        var query = "?persona=" + encodeURIComponent(persona.value || "") +
          "&q=" + encodeURIComponent(box.value.trim());
        fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (!data) return;
            var current = script.value;
            script.innerHTML = "";
            script.appendChild(option("", "---------", false));
            data.items.forEach(function (item) {
              var o = option(String(item.id), item.label, String(item.id) === current);
              o.setAttribute("data-persona", String(item.persona));
              script.appendChild(o);
            });
          });
      };
      persona.addEventListener("change", function () {
        box.value = "";
        load();
      });
      box.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(load, 250);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
