/* Authoring in the admin: the condition builder, the options editor, drag-and-drop ordering and the
 * engine panel. Plain JavaScript, no build step. Everything degrades: without this file a condition
 * is edited as JSON, options as plain rows, and order through the "order index" fields. */
(function () {
  "use strict";

  function readData() {
    var element = document.getElementById("authoring-data");
    if (!element) return null;
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  var DATA = null; // read once the page is parsed: this file may load before the data script

  function make(tag, attributes, children) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") element.textContent = attributes[key];
      else if (key === "className") element.className = attributes[key];
      else element.setAttribute(key, attributes[key]);
    });
    (children || []).forEach(function (child) {
      if (child) element.appendChild(child);
    });
    return element;
  }

  /* --- The condition builder ------------------------------------------------------------------ */

  function question(id) {
    if (!DATA) return null;
    for (var i = 0; i < DATA.questions.length; i++) {
      if (DATA.questions[i].id === id) return DATA.questions[i];
    }
    return null;
  }

  function operatorsFor(type) {
    return (DATA && DATA.operators[type]) || Object.keys((DATA && DATA.labels) || {});
  }

  /* How a condition compares an answer of this type (questionnaires/types.py): text, number, date,
   * single, multiple or presence. */
  function comparison(type) {
    return (DATA && DATA.comparisons[type]) || "text";
  }

  function takesNoValue(operator) {
    return DATA.valueless.indexOf(operator) >= 0;
  }

  function takesList(operator) {
    return DATA.lists.indexOf(operator) >= 0;
  }

  function operatorLabel(type, operator) {
    if (comparison(type) === "text" && DATA.textLabels[operator]) return DATA.textLabels[operator];
    return DATA.labels[operator] || operator;
  }

  function valueKind(type, operator) {
    if (takesNoValue(operator)) return "none";
    var compared = comparison(type);
    if (compared === "single") return takesList(operator) ? "options" : "option";
    if (compared === "multiple") {
      return operator === "contains" || operator === "not_contains" ? "option" : "options";
    }
    if (compared === "number") return takesList(operator) ? "numbers" : "number";
    if (compared === "date") return takesList(operator) ? "dates" : "date";
    return takesList(operator) ? "texts" : "text";
  }

  function defaultValue(q, operator) {
    var kind = valueKind(q ? q.type : "TEXT", operator);
    if (kind === "option") return q && q.options.length ? q.options[0].id : "";
    if (kind === "options" || kind === "numbers" || kind === "dates" || kind === "texts") return [];
    return "";
  }

  /* The operator a new condition on this question starts with: "is <option>" for a choice. */
  function defaultOperator(q) {
    if (q && comparison(q.type) === "single") return "eq";
    if (q && comparison(q.type) === "multiple") return "contains";
    return "is_not_empty";
  }

  function newLeaf() {
    var start = (DATA && DATA.owner && question(DATA.owner)) || (DATA && DATA.questions[0]) || null;
    var operator = defaultOperator(start);
    return { field: start ? start.id : "", operator: operator, value: defaultValue(start, operator) };
  }

  function onlyKeys(node, keys) {
    return Object.keys(node).every(function (key) {
      return keys.indexOf(key) >= 0;
    });
  }

  function isLeafOnly(node) {
    return (
      node &&
      typeof node === "object" &&
      !Array.isArray(node) &&
      ("field" in node || "operator" in node) &&
      onlyKeys(node, ["field", "operator", "value"])
    );
  }

  function toLeaf(node) {
    return { field: node.field || "", operator: node.operator || "", value: node.value };
  }

  function combinator(node) {
    var op = String(node.logicalOp || "AND").toUpperCase();
    return op === "AND" || op === "OR" ? op : null;
  }

  function parseGroup(node) {
    if (!node || typeof node !== "object" || !Array.isArray(node.nested)) return null;
    if (!onlyKeys(node, ["field", "operator", "value", "logicalOp", "nested"])) return null;
    var op = combinator(node);
    if (!op) return null;
    var leaves = [];
    if ("field" in node || "operator" in node) leaves.push(toLeaf(node));
    for (var i = 0; i < node.nested.length; i++) {
      if (!isLeafOnly(node.nested[i])) return null;
      leaves.push(toLeaf(node.nested[i]));
    }
    return { group: true, op: op, items: leaves };
  }

  /* A condition the builder can show: leaves, combined by AND/OR, with one level of groups. */
  function parse(condition) {
    if (!condition || typeof condition !== "object" || Array.isArray(condition)) return null;
    if (isLeafOnly(condition)) return { op: "AND", items: [toLeaf(condition)] };
    if (!Array.isArray(condition.nested)) return null;
    if (!onlyKeys(condition, ["field", "operator", "value", "logicalOp", "nested"])) return null;
    var op = combinator(condition);
    if (!op) return null;
    var items = [];
    if ("field" in condition || "operator" in condition) items.push(toLeaf(condition));
    for (var i = 0; i < condition.nested.length; i++) {
      var child = condition.nested[i];
      if (isLeafOnly(child)) {
        items.push(toLeaf(child));
        continue;
      }
      var group = parseGroup(child);
      if (!group) return null;
      items.push(group);
    }
    return { op: op, items: items };
  }

  function leafJson(leaf) {
    var out = { field: leaf.field, operator: leaf.operator };
    if (!takesNoValue(leaf.operator)) out.value = leaf.value === undefined ? "" : leaf.value;
    return out;
  }

  function serialize(model) {
    if (model.items.length === 1 && !model.items[0].group) return leafJson(model.items[0]);
    return {
      logicalOp: model.op,
      nested: model.items.map(function (item) {
        if (!item.group) return leafJson(item);
        return { logicalOp: item.op, nested: item.items.map(leafJson) };
      }),
    };
  }

  function splitList(text, convert) {
    return text
      .split(convert === "lines" ? /\n/ : /,/)
      .map(function (part) {
        return part.trim();
      })
      .filter(function (part) {
        return part !== "";
      })
      .map(function (part) {
        if (convert === "number") {
          var number = Number(part);
          return isNaN(number) ? part : number;
        }
        return part;
      });
  }

  function questionSelect(leaf, onChange) {
    var select = make("select", { "aria-label": "Question", className: "cond-question" });
    var groups = {};
    var known = false;
    DATA.questions.forEach(function (q) {
      var group = groups[q.section];
      if (!group) {
        group = groups[q.section] = make("optgroup", { label: q.section });
        select.appendChild(group);
      }
      var label = q.text.length > 80 ? q.text.slice(0, 79) + "…" : q.text;
      var option = make("option", { value: q.id, text: label });
      if (q.id === leaf.field) {
        option.selected = true;
        known = true;
      }
      group.appendChild(option);
    });
    if (!known) {
      var missing = make("option", { value: leaf.field, text: "(unknown question " + leaf.field + ")" });
      missing.selected = true;
      select.insertBefore(missing, select.firstChild);
    }
    select.addEventListener("change", function () {
      onChange(select.value);
    });
    return select;
  }

  function operatorSelect(leaf, q, onChange) {
    var type = q ? q.type : "TEXT";
    var select = make("select", { "aria-label": "Operator", className: "cond-operator" });
    var operators = operatorsFor(type);
    if (operators.indexOf(leaf.operator) < 0 && leaf.operator) operators = [leaf.operator].concat(operators);
    operators.forEach(function (operator) {
      var option = make("option", { value: operator, text: operatorLabel(type, operator) });
      if (operator === leaf.operator) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      onChange(select.value);
    });
    return select;
  }

  function valueWidget(leaf, q, onChange) {
    var kind = valueKind(q ? q.type : "TEXT", leaf.operator);
    if (kind === "none") return null;
    if (kind === "option") {
      var select = make("select", { "aria-label": "Value", className: "cond-value" });
      var found = false;
      (q ? q.options : []).forEach(function (opt) {
        var option = make("option", { value: opt.id, text: opt.label });
        if (opt.id === leaf.value) {
          option.selected = true;
          found = true;
        }
        select.appendChild(option);
      });
      if (!found && leaf.value) {
        var unknown = make("option", { value: leaf.value, text: "(an option that does not exist)" });
        unknown.selected = true;
        select.insertBefore(unknown, select.firstChild);
      }
      select.addEventListener("change", function () {
        onChange(select.value);
      });
      return select;
    }
    if (kind === "options") {
      var chosen = Array.isArray(leaf.value) ? leaf.value : leaf.value ? [leaf.value] : [];
      var box = make("span", { role: "group", "aria-label": "Values", className: "cond-values" });
      (q ? q.options : []).forEach(function (opt) {
        var input = make("input", { type: "checkbox", value: opt.id });
        input.checked = chosen.indexOf(opt.id) >= 0;
        input.addEventListener("change", function () {
          var values = [];
          box.querySelectorAll("input:checked").forEach(function (checked) {
            values.push(checked.value);
          });
          onChange(values);
        });
        box.appendChild(make("label", { className: "cond-choice" }, [input, document.createTextNode(" " + opt.label)]));
      });
      return box;
    }
    var attributes = { "aria-label": "Value", className: "cond-value" };
    var shown = leaf.value === undefined || leaf.value === null ? "" : leaf.value;
    if (kind === "numbers" || kind === "dates") {
      attributes["aria-label"] = "Values (separated by commas)";
      shown = Array.isArray(shown) ? shown.join(", ") : String(shown);
    } else if (kind === "texts") {
      var area = make("textarea", { "aria-label": "Values (one per line)", rows: "2", className: "cond-value" });
      area.value = Array.isArray(shown) ? shown.join("\n") : String(shown);
      area.addEventListener("input", function () {
        onChange(splitList(area.value, "lines"));
      });
      return area;
    } else if (kind === "number") {
      attributes.inputmode = "decimal";
    } else if (kind === "date") {
      attributes.type = "date";
    }
    var input = make("input", attributes);
    input.value = typeof shown === "object" ? JSON.stringify(shown) : String(shown);
    input.addEventListener("input", function () {
      var text = input.value;
      if (kind === "number") {
        var number = Number(text.trim());
        onChange(text.trim() === "" || isNaN(number) ? text : number);
      } else if (kind === "numbers") {
        onChange(splitList(text, "number"));
      } else if (kind === "dates") {
        onChange(splitList(text, "text"));
      } else {
        onChange(text);
      }
    });
    return input;
  }

  /* The server's problems with the condition, each with the path of the part it concerns
   * ([2] = the third part, [1, 0] = the first part of the second group), shown beside that part. */
  function readProblems(textarea) {
    try {
      var problems = JSON.parse(textarea.getAttribute("data-problems") || "[]");
      return Array.isArray(problems) ? problems : [];
    } catch (error) {
      return [];
    }
  }

  function Builder(container, added) {
    this.container = container;
    this.field = container.closest(".condition-field");
    this.textarea = this.field.querySelector("textarea");
    this.raw = this.field.querySelector(".condition-raw");
    this.form = container.closest(".inline-related") || container.closest("form");
    this.jsonMode = false;
    var text = this.textarea.value.trim();
    this.model = null;
    if (!text) {
      this.model = { op: "AND", items: [newLeaf()] };
      this.pristine = true;
    } else {
      try {
        this.model = parse(JSON.parse(text));
      } catch (error) {
        this.model = null;
      }
    }
    if (this.model === null) this.jsonMode = true;
    this.problems = readProblems(this.textarea);
    // A condition that is a single part at the root holds its fields there, its groups after it.
    this.rootLeaf = false;
    try {
      this.rootLeaf = !!(text && "field" in JSON.parse(text));
    } catch (error) {
      this.rootLeaf = false;
    }
    var self = this;
    if (this.form) {
      // Another field of the same rule changed: the condition shown must be saved with it.
      this.form.addEventListener("change", function (event) {
        if (!self.container.contains(event.target) && self.pristine && !self.jsonMode) self.commit();
      });
    }
    this.render();
    // A rule the author has just added: what the builder shows is what is saved.
    if (added && this.pristine) this.commit();
  }

  Builder.prototype.problemsAt = function (path) {
    var wanted = JSON.stringify(path);
    return this.problems.filter(function (problem) {
      return JSON.stringify(problem.path) === wanted;
    });
  };

  /* The path the server names a part by: its place in "nested", shifted when the root is a part. */
  Builder.prototype.pathOf = function (index, position) {
    var top = this.rootLeaf ? (index === 0 ? null : index - 1) : index;
    if (this.model.items.length === 1 && !this.model.items[0].group) return [];
    var path = top === null ? [] : [top];
    if (position !== undefined) path.push(position);
    return path;
  };

  Builder.prototype.annotate = function (row, path) {
    if (this.edited) return row;
    var found = this.problemsAt(path);
    if (!found.length) return row;
    var holder = make("div", { className: "cond-part has-problem" }, [row]);
    found.forEach(function (problem) {
      holder.appendChild(make("p", { className: "cond-error errornote-inline", text: problem.message }));
    });
    row.querySelectorAll("select, input, textarea").forEach(function (input) {
      input.setAttribute("aria-invalid", "true");
    });
    this.placed = (this.placed || 0) + found.length;
    return holder;
  };

  Builder.prototype.commit = function () {
    this.pristine = false;
    this.textarea.value = JSON.stringify(serialize(this.model), null, 1);
  };

  Builder.prototype.changed = function (rerender) {
    this.edited = true; // the server's problems were about the condition as it was
    this.commit();
    if (rerender) this.render();
  };

  Builder.prototype.leafRow = function (leaf, list, index) {
    var self = this;
    var q = question(leaf.field);
    var row = make("div", { className: "cond-leaf" });
    row.appendChild(
      questionSelect(leaf, function (id) {
        var picked = question(id);
        var before = question(leaf.field);
        leaf.field = id;
        var allowed = operatorsFor(picked ? picked.type : "TEXT");
        if (allowed.indexOf(leaf.operator) < 0 || !before || !picked || before.type !== picked.type) {
          leaf.operator = defaultOperator(picked);
        }
        leaf.value = defaultValue(picked, leaf.operator);
        self.changed(true);
      })
    );
    row.appendChild(
      operatorSelect(leaf, q, function (operator) {
        var before = valueKind(q ? q.type : "TEXT", leaf.operator);
        leaf.operator = operator;
        if (valueKind(q ? q.type : "TEXT", operator) !== before) leaf.value = defaultValue(q, operator);
        self.changed(true);
      })
    );
    var widget = valueWidget(leaf, q, function (value) {
      leaf.value = value;
      self.changed(false);
    });
    if (widget) row.appendChild(widget);
    if (list.length > 1 || list !== this.model.items) {
      var remove = make("button", { type: "button", className: "cond-remove", "aria-label": "Remove this condition", text: "×" });
      remove.addEventListener("click", function () {
        list.splice(index, 1);
        self.changed(true);
      });
      row.appendChild(remove);
    }
    return row;
  };

  Builder.prototype.combinatorSelect = function (holder, label) {
    var self = this;
    var select = make("select", { "aria-label": label, className: "cond-combinator" });
    [
      ["AND", "all of"],
      ["OR", "any of"],
    ].forEach(function (pair) {
      var option = make("option", { value: pair[0], text: pair[1] + " (" + pair[0] + ")" });
      if (holder.op === pair[0]) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      holder.op = select.value;
      self.changed(false);
    });
    return select;
  };

  Builder.prototype.render = function () {
    var self = this;
    var box = this.container;
    box.replaceChildren();
    box.hidden = false;
    var toggle = make("input", { type: "checkbox", className: "cond-json-toggle" });
    toggle.checked = this.jsonMode;
    toggle.addEventListener("change", function () {
      if (toggle.checked) {
        if (self.pristine && self.model) self.commit();
        self.jsonMode = true;
      } else {
        var parsed = null;
        try {
          parsed = parse(JSON.parse(self.textarea.value));
        } catch (error) {
          parsed = null;
        }
        if (parsed === null) {
          window.alert("This condition cannot be shown in the builder: keep editing it as JSON.");
          toggle.checked = true;
          return;
        }
        self.model = parsed;
        self.jsonMode = false;
        self.pristine = false;
      }
      self.render();
    });
    var toggleLabel = make("label", { className: "cond-json-label" }, [toggle, document.createTextNode(" Edit as JSON")]);
    this.raw.hidden = !this.jsonMode;
    if (this.jsonMode) {
      if (this.model === null) {
        box.appendChild(
          make("p", { className: "help", text: "This condition has more levels than the builder shows; edit it as JSON." })
        );
      }
      box.appendChild(toggleLabel);
      return;
    }
    var model = this.model;
    if (model.items.length > 1) {
      box.appendChild(
        make("div", { className: "cond-top" }, [
          document.createTextNode("When "),
          this.combinatorSelect(model, "Combine conditions"),
          document.createTextNode(" these hold:"),
        ])
      );
    }
    this.placed = 0;
    model.items.forEach(function (item, index) {
      if (!item.group) {
        box.appendChild(self.annotate(self.leafRow(item, model.items, index), self.pathOf(index)));
        return;
      }
      var group = make("fieldset", { className: "cond-group" });
      group.appendChild(
        make("legend", {}, [document.createTextNode("Group: "), self.combinatorSelect(item, "Group combines")])
      );
      item.items.forEach(function (leaf, position) {
        group.appendChild(self.annotate(self.leafRow(leaf, item.items, position), self.pathOf(index, position)));
      });
      var addLeaf = make("button", { type: "button", className: "button cond-add", text: "+ Condition in this group" });
      addLeaf.addEventListener("click", function () {
        item.items.push(newLeaf());
        self.changed(true);
      });
      var removeGroup = make("button", { type: "button", className: "button cond-remove-group", text: "Remove group" });
      removeGroup.addEventListener("click", function () {
        model.items.splice(index, 1);
        if (!model.items.length) model.items.push(newLeaf());
        self.changed(true);
      });
      group.appendChild(make("div", { className: "cond-buttons" }, [addLeaf, removeGroup]));
      box.appendChild(group);
    });
    var add = make("button", { type: "button", className: "button cond-add", text: "+ Condition" });
    add.addEventListener("click", function () {
      model.items.push(newLeaf());
      self.changed(true);
    });
    var addGroup = make("button", { type: "button", className: "button cond-add-group", text: "+ Group (all of / any of)" });
    addGroup.addEventListener("click", function () {
      model.items.push({ group: true, op: "OR", items: [newLeaf(), newLeaf()] });
      self.changed(true);
    });
    box.appendChild(make("div", { className: "cond-buttons" }, [add, addGroup, toggleLabel]));
    // Problems placed beside their parts are not repeated above the condition.
    var listed = (this.field.closest(".form-row") || this.field.parentNode).querySelector(".errorlist");
    // Once the condition is edited the problems no longer sit beside their parts: the list shows again.
    if (listed) listed.hidden = !(this.placed && this.placed === this.problems.length);
  };

  function setUpBuilders(root, added) {
    if (!DATA) return;
    var found = root.classList && root.classList.contains("condition-builder") ? [root] : root.querySelectorAll(".condition-builder");
    Array.prototype.forEach.call(found, function (container) {
      if (container.dataset.ready || container.closest(".empty-form")) return;
      container.dataset.ready = "1";
      new Builder(container, added);
    });
  }

  /* --- Options editor ------------------------------------------------------------------------- */

  function setUpOptions(root) {
    root.querySelectorAll(".options-editor").forEach(function (editor) {
      if (editor.dataset.ready) return;
      editor.dataset.ready = "1";
      var body = editor.querySelector("tbody");
      var add = make("button", { type: "button", className: "button", text: "+ Option" });
      add.addEventListener("click", function () {
        var template = body.querySelector(".option-row:last-child");
        var row = template.cloneNode(true);
        row.querySelectorAll("input").forEach(function (input) {
          input.value = "";
        });
        row.querySelectorAll("select").forEach(function (select) {
          select.selectedIndex = 0;
        });
        row.querySelector(".option-id code").textContent = "(generated on save)";
        body.appendChild(row);
        var label = row.querySelector("input[type=text]");
        if (label) label.focus();
      });
      editor.appendChild(make("p", {}, [add]));
      sortable(body, ".option-row", null);
      // The keyboard's way to reorder: ↑ and ↓ on each row, keeping the focus on the button pressed.
      body.querySelectorAll(".option-row").forEach(function (row) {
        var cell = row.querySelector(".drag-cell");
        if (!cell || cell.querySelector(".option-move")) return;
        cell.appendChild(make("button", { type: "button", className: "option-move", "data-move": "up", "aria-label": "Move this option up", text: "↑" }));
        cell.appendChild(make("button", { type: "button", className: "option-move", "data-move": "down", "aria-label": "Move this option down", text: "↓" }));
      });
      body.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest(".option-move");
        if (!button) return;
        var row = button.closest(".option-row");
        if (button.getAttribute("data-move") === "up" && row.previousElementSibling) {
          body.insertBefore(row, row.previousElementSibling);
        } else if (button.getAttribute("data-move") === "down" && row.nextElementSibling) {
          body.insertBefore(row.nextElementSibling, row);
        }
        button.focus();
      });
    });
  }

  /* Options only matter to choice and matrix questions (the select's data-option-types): show them
   * for those types. */
  function setUpOptionsByType() {
    var type = document.getElementById("id_type");
    var row = document.querySelector(".form-row.field-options");
    if (!type || !row || type.tagName !== "SELECT" || !type.hasAttribute("data-option-types")) return;
    var fieldset = row.closest("fieldset") || row;
    var optionTypes = type.getAttribute("data-option-types").split(" ");
    function update() {
      var hasOptions = optionTypes.indexOf(type.value) >= 0;
      var filled = Array.prototype.some.call(row.querySelectorAll('input[name$="-label"]'), function (input) {
        return input.value.trim() !== "";
      });
      fieldset.hidden = !hasOptions && !filled;
    }
    type.addEventListener("change", update);
    update();
  }

  /* --- Structured editors (questionnaires/editors.py) --------------------------------------------- */

  function questionType() {
    var type = document.getElementById("id_type");
    return type ? type.value : "";
  }

  /* Each part applies to some question types (data-types): show those of the type chosen, and hide a
   * whole fieldset that has nothing left to show for it. The JSON stays under "Edit as JSON". */
  function setUpStructuredEditors() {
    var editors = document.querySelectorAll(".structured-editor");
    if (!editors.length) return;
    function update() {
      var type = questionType();
      editors.forEach(function (editor) {
        var shown = 0;
        editor.querySelectorAll(".structured-part").forEach(function (part) {
          var types = part.getAttribute("data-types");
          var applies = !types || !type || types.split(" ").indexOf(type) >= 0;
          part.hidden = !applies;
          if (applies) shown++;
        });
        var row = editor.closest(".form-row");
        if (row) row.classList.toggle("nothing-for-type", shown === 0);
      });
      document.querySelectorAll(".options-editor").forEach(function (options) {
        options.classList.toggle("exclusive-applies", type === "MULTIPLE_CHOICE");
      });
    }
    var select = document.getElementById("id_type");
    if (select) select.addEventListener("change", update);
    update();
    document.querySelectorAll("input.structured-pattern").forEach(setUpPatternTry);
  }

  /* A box beside the pattern to try it on a sample answer (the browser's regular expressions, which
   * agree with the server's on the usual patterns). */
  function setUpPatternTry(input) {
    if (input.dataset.tryReady) return;
    input.dataset.tryReady = "1";
    var sample = make("input", { type: "text", className: "pattern-sample", "aria-label": "Try the pattern on", placeholder: "Try it on…" });
    var verdict = make("span", { className: "pattern-verdict", "aria-live": "polite" });
    function check() {
      verdict.textContent = "";
      verdict.className = "pattern-verdict";
      if (!input.value || !sample.value) return;
      var expression;
      try {
        expression = new RegExp(input.value);
      } catch (error) {
        verdict.textContent = "Not a valid pattern";
        verdict.className += " no";
        return;
      }
      var matches = expression.test(sample.value);
      verdict.textContent = matches ? "✓ matches" : "✗ does not match";
      verdict.className += matches ? " yes" : " no";
    }
    input.addEventListener("input", check);
    sample.addEventListener("input", check);
    input.parentNode.insertBefore(make("span", { className: "pattern-try" }, [sample, verdict]), input.nextSibling);
  }

  /* The targets of a rule: check boxes, with a box that narrows them by text or key. */
  function setUpTargetPickers(root) {
    root.querySelectorAll("div.target-picker, ul.target-picker").forEach(function (picker) {
      if (picker.dataset.ready || picker.closest(".empty-form")) return;
      picker.dataset.ready = "1";
      var search = make("input", { type: "search", className: "target-search", placeholder: "Find a question…", "aria-label": "Find a target question" });
      var count = make("span", { className: "target-count", "aria-live": "polite" });
      function counted() {
        var n = picker.querySelectorAll("input[type=checkbox]:checked").length;
        count.textContent = n === 1 ? "1 question ticked" : n + " questions ticked";
      }
      search.addEventListener("input", function () {
        var words = search.value.trim().toLowerCase();
        picker.querySelectorAll("label").forEach(function (label) {
          var checkbox = label.querySelector("input");
          if (!checkbox) return; // a section's name
          var item = label.parentNode;
          item.hidden = !!words && label.textContent.toLowerCase().indexOf(words) < 0 && !(checkbox && checkbox.checked);
        });
      });
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault(); // filtering, not saving the page
      });
      picker.addEventListener("change", counted);
      counted();
      // One block (search, count, boxes) in the field's place: the admin lays a row's children side by side.
      var block = make("div", { className: "target-block" });
      picker.parentNode.insertBefore(block, picker);
      block.appendChild(make("div", { className: "target-tools" }, [search, count]));
      block.appendChild(picker);
    });
  }

  /* --- Drag and drop ordering ----------------------------------------------------------------- */

  function sortable(container, itemSelector, onDrop, containers) {
    var dragged = null;
    var lists = containers || [container];
    lists.forEach(function (list) {
      list.addEventListener("dragstart", function (event) {
        var handle = event.target.closest && event.target.closest(".drag-handle");
        if (!handle) return;
        dragged = handle.closest(itemSelector);
        if (!dragged) return;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", "");
        dragged.classList.add("dragging");
      });
      list.addEventListener("dragover", function (event) {
        if (!dragged) return;
        event.preventDefault();
        var over = event.target.closest && event.target.closest(itemSelector);
        if (over && over !== dragged && lists.indexOf(over.parentNode) >= 0) {
          var box = over.getBoundingClientRect();
          var after = event.clientY > box.top + box.height / 2;
          over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
        } else if (!over && lists.indexOf(event.currentTarget) >= 0 && !event.currentTarget.querySelector(itemSelector)) {
          event.currentTarget.appendChild(dragged);
        }
      });
      list.addEventListener("drop", function (event) {
        if (dragged) event.preventDefault();
      });
      list.addEventListener("dragend", function () {
        if (!dragged) return;
        dragged.classList.remove("dragging");
        dragged = null;
        if (onDrop) onDrop();
      });
    });
  }

  function setUpSortableInlines(root) {
    root.querySelectorAll("fieldset.sortable-inline").forEach(function (fieldset) {
      var body = fieldset.querySelector("tbody");
      if (!body || body.dataset.sortable) return;
      if (!body.querySelector('input[name$="-order_index"]')) return; // read-only: nothing to order
      body.dataset.sortable = "1";
      function handles() {
        body.querySelectorAll("tr.form-row:not(.empty-form)").forEach(function (row) {
          if (row.querySelector(".drag-handle")) return;
          var cell = row.querySelector("td.field-order_index") || row.querySelector("td");
          if (cell) cell.insertBefore(make("span", { className: "drag-handle", draggable: "true", title: "Drag to reorder", text: "⇅" }), cell.firstChild);
        });
      }
      handles();
      document.addEventListener("formset:added", handles);
      sortable(body, "tr.form-row", function () {
        var position = 1;
        body.querySelectorAll("tr.form-row:not(.empty-form)").forEach(function (row) {
          var input = row.querySelector('input[name$="-order_index"]');
          if (input && (row.classList.contains("has_original") || input.value !== "")) {
            input.value = String(position++);
          }
        });
      });
    });
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUpOutline() {
    var outline = document.querySelector(".authoring-outline[data-reorder-url]");
    if (!outline) return;
    var lists = Array.prototype.slice.call(outline.querySelectorAll("ol.outline-questions"));
    var status = outline.querySelector(".reorder-status");
    sortable(
      outline,
      "li.outline-question",
      function () {
        var order = {};
        lists.forEach(function (list) {
          order[list.dataset.sectionId] = Array.prototype.map.call(list.querySelectorAll("li.outline-question"), function (item) {
            return item.dataset.questionId;
          });
        });
        if (status) status.textContent = "Saving the order…";
        fetch(outline.dataset.reorderUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
          body: JSON.stringify({ questions: order }),
        })
          .then(function (response) {
            return response.json().then(function (body) {
              if (status) status.textContent = body.ok ? "Order saved." : body.error || "The order was not saved.";
            });
          })
          .catch(function () {
            if (status) status.textContent = "The order was not saved; reload the page.";
          });
      },
      lists
    );
  }

  /* --- Engine panel ----------------------------------------------------------------------------- */

  function setUpEnginePanel() {
    var form = document.getElementById("engine-form");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.classList.contains("engine-input") && form.requestSubmit) form.requestSubmit();
    });
  }

  function start() {
    DATA = readData();
    setUpBuilders(document);
    setUpOptions(document);
    setUpOptionsByType();
    setUpStructuredEditors();
    setUpTargetPickers(document);
    setUpSortableInlines(document);
    setUpOutline();
    setUpEnginePanel();
    document.addEventListener("formset:added", function (event) {
      setUpBuilders(event.target, true);
      setUpTargetPickers(event.target);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
