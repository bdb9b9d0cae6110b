/* Keyboard reordering on a questionnaire's page: ↑ and ↓ buttons on each question of the outline and
   each section of the sections inline, the alternative to dragging (authoring.js). Each move is saved
   at once through the reorder view (QuestionnaireAdmin.reorder_view) and said in a live region.
   Without this script the order index fields stay as they are and do the same. */
(function () {
  "use strict";

  var outline = document.querySelector(".authoring-outline[data-reorder-url]");
  if (!outline) return; // a published version, or no right to change it: nothing to reorder
  var url = outline.dataset.reorderUrl;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* Moves are saved one after another, in the order they were made: replies never overtake each
   * other. A refused move leaves the page showing an order that is not saved, so the page is reloaded
   * with the saved one, after saying why. */
  var queue = Promise.resolve();

  function refused(status, message) {
    status.textContent = message + " The page shows the saved order again in a moment.";
    window.setTimeout(function () {
      window.location.reload();
    }, 3000);
  }

  function save(payload, status, done) {
    status.textContent = "Saving the order…";
    queue = queue.then(function () {
      return fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
        body: JSON.stringify(payload),
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (body.ok) status.textContent = done;
            else refused(status, body.error || "The order was not saved.");
          });
        })
        .catch(function () {
          refused(status, "The order was not saved.");
        });
    });
  }

  function moveButtons(label, onMove) {
    var box = document.createElement("span");
    box.className = "move-buttons";
    [["up", "↑", "Move up"], ["down", "↓", "Move down"]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "move-" + spec[0];
      button.textContent = spec[1];
      button.title = spec[2];
      button.setAttribute("aria-label", spec[2] + ": " + label());
      button.addEventListener("click", function () {
        onMove(spec[0], button);
      });
      box.appendChild(button);
    });
    return box;
  }

  function quoted(text) {
    text = (text || "").replace(/\s+/g, " ").trim();
    return "“" + (text.length > 60 ? text.slice(0, 59) + "…" : text) + "”";
  }

  /* --- Questions of the outline ---------------------------------------------------------------- */

  var outlineStatus = outline.querySelector(".reorder-status");
  var lists = Array.prototype.slice.call(outline.querySelectorAll("ol.outline-questions"));

  function sectionName(list) {
    var name = list.closest(".outline-section").querySelector(".section-name");
    return quoted(name ? name.textContent : "");
  }

  function questionOrder() {
    var order = {};
    lists.forEach(function (list) {
      order[list.dataset.sectionId] = Array.prototype.map.call(list.querySelectorAll("li.outline-question"), function (item) {
        return item.dataset.questionId;
      });
    });
    return order;
  }

  function moveQuestion(item, direction, button) {
    var list = item.parentNode;
    var text = quoted(item.querySelector("a").textContent);
    var at = lists.indexOf(list);
    if (direction === "up") {
      var before = item.previousElementSibling;
      if (before) list.insertBefore(item, before);
      else if (at > 0) lists[at - 1].appendChild(item);
      else return say(outlineStatus, text + " is already the first question.");
    } else {
      var after = item.nextElementSibling;
      if (after) list.insertBefore(item, after.nextElementSibling);
      else if (at < lists.length - 1) lists[at + 1].insertBefore(item, lists[at + 1].firstElementChild);
      else return say(outlineStatus, text + " is already the last question.");
    }
    button.focus(); // moving the item took the focus away from its button
    var home = item.parentNode;
    var position = Array.prototype.indexOf.call(home.children, item) + 1;
    save(
      { questions: questionOrder() },
      outlineStatus,
      text + " moved to position " + position + " of " + home.children.length + " in " + sectionName(home) + "."
    );
  }

  function say(status, words) {
    status.textContent = words;
  }

  outline.querySelectorAll("li.outline-question").forEach(function (item) {
    var buttons = moveButtons(
      function () {
        return quoted(item.querySelector("a").textContent);
      },
      function (direction, button) {
        moveQuestion(item, direction, button);
      }
    );
    var handle = item.querySelector(".drag-handle");
    item.insertBefore(buttons, handle ? handle.nextSibling : item.firstChild);
  });

  /* --- Sections of the sections inline --------------------------------------------------------- */

  var group = document.getElementById("sections-group");
  var body = group && group.querySelector("fieldset.module tbody");
  if (!body || !body.querySelector('input[name$="-order_index"]')) return; // read-only inline
  var fieldset = body.closest("fieldset");
  fieldset.classList.add("keyboard-ordered");
  var header = fieldset.querySelector("th.column-order_index");
  if (header) header.firstChild.textContent = "Order";
  var sectionStatus = document.createElement("p");
  sectionStatus.className = "reorder-status";
  sectionStatus.setAttribute("role", "status");
  sectionStatus.setAttribute("aria-live", "polite");
  fieldset.insertBefore(sectionStatus, fieldset.querySelector("table"));

  function savedRows() {
    return Array.prototype.filter.call(body.querySelectorAll("tr.form-row.has_original"), function (row) {
      var id = row.querySelector('input[name$="-id"]');
      return id && id.value;
    });
  }

  function rowName(row) {
    var input = row.querySelector('input[name$="-name"]');
    return quoted(input ? input.value : "");
  }

  function renumber(rows) {
    // As the reorder view numbers them, so that saving the form afterwards keeps the new order.
    rows.forEach(function (row, index) {
      var input = row.querySelector('input[name$="-order_index"]');
      if (input) input.value = String(index + 1);
    });
    var blocks = {};
    outline.querySelectorAll(".outline-section[data-section-id]").forEach(function (block) {
      blocks[block.dataset.sectionId] = block;
    });
    var anchor = outline.querySelector(".outline-section");
    rows.forEach(function (row, index) {
      var block = blocks[row.querySelector('input[name$="-id"]').value];
      if (!block) return;
      var number = block.querySelector(".section-number");
      if (number) number.textContent = String(index + 1);
      anchor.parentNode.insertBefore(block, anchor);
      anchor = block.nextElementSibling;
    });
    lists = Array.prototype.slice.call(outline.querySelectorAll("ol.outline-questions"));
  }

  function moveSection(row, direction, button) {
    var rows = savedRows();
    var at = rows.indexOf(row);
    var name = rowName(row);
    if (direction === "up" && at === 0) return say(sectionStatus, name + " is already the first section.");
    if (direction === "down" && at === rows.length - 1) return say(sectionStatus, name + " is already the last section.");
    var other = rows[direction === "up" ? at - 1 : at + 1];
    body.insertBefore(row, direction === "up" ? other : other.nextSibling);
    button.focus();
    rows = savedRows();
    renumber(rows);
    save(
      { sections: rows.map(function (r) { return r.querySelector('input[name$="-id"]').value; }) },
      sectionStatus,
      name + " moved to position " + (rows.indexOf(row) + 1) + " of " + rows.length + "."
    );
  }

  savedRows().forEach(function (row) {
    var cell = row.querySelector("td.field-order_index");
    if (!cell) return;
    cell.appendChild(
      moveButtons(
        function () {
          return rowName(row);
        },
        function (direction, button) {
          moveSection(row, direction, button);
        }
      )
    );
  });
})();
