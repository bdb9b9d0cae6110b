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

// Answers typed while another answer was being saved are never lost.
//
// Saving an answer can change other questions of the section (shown, hidden, now required); the
// response replaces those questions out of band. A question the client is typing in, or has just
// left with its own save still queued behind the first, would come back as the server last saw it:
// htmx drops a queued request whose element is gone, and the typing would vanish. So what the client
// changed since the question was drawn is carried into the new copy, focus and caret included, and
// saved again. (htmx processes swapped-in questions at once: base.html sets defaultSettleDelay to 0,
// so a question that has just appeared saves on its first change.)
(function () {
  "use strict";
  function fields(root) {
    return Array.prototype.slice.call(root.querySelectorAll("input[id], textarea[id], select[id]"));
  }
  function isChanged(field) {
    if (field.type === "file" || field.type === "hidden") return false;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }
  function carry(from, to) {
    if (from.type === "checkbox" || from.type === "radio") to.checked = from.checked;
    else to.value = from.value;
  }

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var old = event.detail.target;
    if (!old || !old.matches || !old.matches("fieldset.question")) return;
    var incoming = event.detail.fragment.querySelector("fieldset.question");
    if (!incoming) return;  // the question is now hidden: its unsaved answer would not count
    var active = document.activeElement, focused = null, changed = [];
    fields(old).forEach(function (field) {
      var twin = incoming.querySelector("#" + CSS.escape(field.id));
      if (!twin) return;
      if (isChanged(field)) { carry(field, twin); changed.push(twin.id); }
      if (field === active) focused = { id: twin.id, start: field.selectionStart, end: field.selectionEnd };
    });
    if (!changed.length && !focused) return;
    setTimeout(function () {  // after the swap has settled and htmx has processed the new question
      if (focused) {
        var field = document.getElementById(focused.id);
        if (field) {
          field.focus();
          try { field.setSelectionRange(focused.start, focused.end); } catch (e) { /* not a text field */ }
          // Still being typed in: it is saved when the client leaves it, even without a further key.
          if (changed.indexOf(focused.id) >= 0) field.dataset.unsaved = "1";
        }
      }
      var pending = changed.filter(function (id) { return !focused || id !== focused.id; });
      if (pending.length) {
        var first = document.getElementById(pending[0]);
        if (first) first.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }, 0);
  });
  document.addEventListener("change", function (event) {
    if (event.target.dataset) delete event.target.dataset.unsaved;
  }, true);
  document.addEventListener("focusout", function (event) {
    var field = event.target;
    if (field.dataset && field.dataset.unsaved) {
      delete field.dataset.unsaved;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
