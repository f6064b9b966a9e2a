// The round's page while a version is being published: check now and then, in the
// background, and reload the page once, when the publication has ended (the new version,
// or why it failed). Without this script the page offers a link to check again.
(function () {
  "use strict";
  if (!document.querySelector("[data-publication-under-way]")) {
    return;
  }

  function check() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (html.indexOf("data-publication-under-way") === -1) {
          window.location.reload();
          return;
        }
        window.setTimeout(check, 5000);
      })
      .catch(function () { window.setTimeout(check, 15000); });
  }

  window.setTimeout(check, 5000);
})();
