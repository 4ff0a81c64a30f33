// The web app's only script: live solver progress over server-sent events, and confirmations.
// Everything works without it (forms post, pages reload); it only saves waiting and clicks.
(function () {
  "use strict";

  function formatNumber(value) {
    return value === null || value === undefined ? null : Math.round(value).toLocaleString("en-US");
  }

  function followProgress(section) {
    var url = section.getAttribute("data-events");
    if (!url || !window.EventSource) { return; }
    var source = new EventSource(url);
    function show(data) {
      var objective = formatNumber(data.objective);
      var bound = formatNumber(data.bound);
      section.querySelector('[data-field="objective"]').textContent = objective || "no agenda yet";
      section.querySelector('[data-field="bound"]').textContent = bound || "–";
      section.querySelector('[data-field="seconds"]').textContent = data.seconds + " s";
    }
    source.addEventListener("progress", function (event) { show(JSON.parse(event.data)); });
    source.addEventListener("done", function () {
      source.close();
      window.location.reload();
    });
    source.onerror = function () {
      source.close();
      window.setTimeout(function () { window.location.reload(); }, 1500);
    };
  }

  function confirmButtons() {
    var buttons = document.querySelectorAll("button[data-confirm]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var progress = document.getElementById("progress");
    if (progress) { followProgress(progress); }
    confirmButtons();
  });
}());
