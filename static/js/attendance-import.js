// The progress bar of an attendance import being checked or imported (attendance/imports/).
// Polls the upload's progress address every second, moves the <progress> bar, and reloads the
// page once the state changes, so the server draws the preview or the result. Without this
// script the page refreshes itself (a <noscript> meta refresh) and has a "Refresh" link.
(function () {
  "use strict";

  var box = document.querySelector("[data-import-progress-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-import-progress-url");
  var state = box.getAttribute("data-import-state");
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var INTERVAL = 1000;
  // An error (a restart, a dropped connection) slows the polling down instead of stopping it.
  var RETRY = 5000;

  function show(progress) {
    if (!progress || !(progress.total > 0)) {
      return; // nothing known (the cache may be down): no bar, no error
    }
    bar.value = progress.percent;
    bar.textContent = progress.percent + "%";
    bar.hidden = false;
    text.textContent = progress.percent + "%";
  }

  function poll() {
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.finished || data.state !== state) {
          window.location.replace(window.location.href);
          return;
        }
        show(data.progress);
        window.setTimeout(poll, INTERVAL);
      })
      .catch(function () {
        window.setTimeout(poll, RETRY);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
