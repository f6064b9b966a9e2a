// The waiting page of a document made in the background: follow its progress and, once
// it is ready, open it. Without this script the page still offers a link to check again.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section) {
    return;
  }
  var text = section.querySelector("[data-progress-text]");
  var bar = section.querySelector("[data-progress-bar]");

  function show(state) {
    if (bar) {
      bar.max = state.steps_total;
      bar.value = state.steps_done;
    }
    if (text) {
      text.textContent = state.text;
    }
  }

  function check() {
    fetch(section.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state);
        if (state.status === "ready" || state.status === "failed") {
          // Ready: the same address now delivers the file; failed: it says why.
          window.location.assign(section.dataset.documentUrl);
          return;
        }
        window.setTimeout(check, 1500);
      })
      .catch(function () { window.setTimeout(check, 5000); });
  }

  window.setTimeout(check, 1000);
})();
