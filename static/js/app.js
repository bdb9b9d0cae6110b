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

// A live "Saved" sign, a warning before leaving with an answer not yet saved, and newly shown
// questions announced to screen readers.
//
// A question saves when the client leaves it (htmx on "change"); until then what they typed exists
// only in the page. So a field typed in is "unsaved" from its first keystroke until its own save
// returns, and closing or leaving the tab meanwhile asks first. The form's own submit (Save, Next,
// Back, Enter) saves everything, so it leaves without asking.
(function () {
  "use strict";
  var unsaved = new Set(), inFlight = 0, submitting = false;
  function form() { return document.querySelector("form[data-live-form]"); }
  function status(text, kind) {
    var el = document.getElementById("save-status");
    if (!el || el.textContent === text) return;  // said once, not at every keystroke
    el.textContent = text;
    el.className = "save-status muted " + (kind || "");
  }
  function question(el) { return el && el.closest && el.closest("fieldset.question"); }
  function clock() {
    var now = new Date();
    return now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  document.addEventListener("input", function (event) {
    var fieldset = question(event.target);
    if (fieldset && form() && form().contains(fieldset)) {
      unsaved.add(fieldset.id);
      status("Not saved yet: your answer is saved when you leave the field.", "");
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!question(event.detail.elt)) return;
    inFlight += 1;
    status("Saving…", "saving");
  });
  // The answer's response replaces its question (outerHTML): events fired after the swap happen on a
  // detached element and never reach the document, so the outcome is read just before the swap.
  function settled(event) {
    var fieldset = question(event.detail.elt);
    if (!fieldset) return;
    inFlight = Math.max(0, inFlight - 1);
    var xhr = event.detail.xhr, code = event.type === "htmx:beforeSwap" && xhr ? xhr.status : 0;
    if (code >= 200 && code < 300) {
      unsaved.delete(fieldset.id);
      if (!inFlight) status("Saved at " + clock() + ".", "saved");
    } else if (code === 422) {
      unsaved.delete(fieldset.id);
      status("Saved, but an answer needs a fix: see the message under it.", "failed");
    } else {
      status("Not saved: check your connection. Your answer is still on the page; use Save to try again.", "failed");
    }
  }
  document.addEventListener("htmx:beforeSwap", settled);
  document.addEventListener("htmx:sendError", settled);
  document.addEventListener("htmx:timeout", settled);
  document.addEventListener("submit", function (event) {
    if (event.target === form()) submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || (!unsaved.size && !inFlight)) return;
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own "Leave site?" question
  });

  // A question that an answer brings into view is said aloud; so is one that no longer applies.
  var shown = [], hiddenCount = 0;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var old = event.detail.target, incoming = event.detail.fragment;
    if (!old || !incoming || !incoming.querySelector) return;
    var next = incoming.querySelector(".question");
    if (!next) return;
    var wasHidden = old.hidden || old.classList.contains("is-hidden");
    var nowHidden = next.hidden || next.classList.contains("is-hidden");
    if (wasHidden && !nowHidden) {
      var legend = next.querySelector("legend");
      if (legend) shown.push(legend.textContent.replace(/\s+/g, " ").trim());
    } else if (!wasHidden && nowHidden) {
      hiddenCount += 1;
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!shown.length && !hiddenCount) return;
    var announcer = document.getElementById("question-announcer");
    var parts = [];
    if (shown.length) parts.push((shown.length === 1 ? "New question: " : "New questions: ") + shown.join("; "));
    if (hiddenCount) parts.push(hiddenCount === 1 ? "One question no longer applies." : hiddenCount + " questions no longer apply.");
    if (announcer) announcer.textContent = parts.join(". ");
    shown = []; hiddenCount = 0;
  });
})();
