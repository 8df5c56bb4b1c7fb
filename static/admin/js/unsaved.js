// Warns before leaving an admin change form with unsaved edits. Progressive enhancement: without
// JavaScript the form works the same, only without the warning. A static file, so the strict
// Content-Security-Policy needs no nonce for it.
(function () {
  "use strict";
  function watch(form) {
    var dirty = false;
    function mark(event) {
      // The inlines' hidden templates for rows added by script are not edits.
      if (event.target && event.target.name && event.target.name.indexOf("__prefix__") === -1) {
        dirty = true;
      }
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    // Saving (any submit button, the workflow moves included) is not leaving the edits behind.
    // (The text preview opens in a new tab and saves nothing: the edits are still unsaved.)
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (!(submitter && submitter.formTarget === "_blank")) { dirty = false; }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return undefined; }
      event.preventDefault();
      event.returnValue = "";  // Older browsers show their own words; the text is ignored.
      return "";
    });
  }
  function start() {
    var form = document.querySelector("#content-main form[id$='_form']");
    if (form) { watch(form); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
