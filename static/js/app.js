// Time spent on each question, sent with its answer (responses.time_spent_seconds).
(function () {
  "use strict";
  var focusedAt = {};
  document.addEventListener("focusin", function (event) {
    var fieldset = event.target.closest && event.target.closest("fieldset.question");
    if (fieldset && !focusedAt[fieldset.id]) focusedAt[fieldset.id] = Date.now();
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var id = event.detail.elt && event.detail.elt.id;
    if (id && focusedAt[id]) {
      event.detail.parameters.time_spent = Math.round((Date.now() - focusedAt[id]) / 1000);
      delete focusedAt[id];
    }
  });
})();
