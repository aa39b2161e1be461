// Names the admin form's fields where Django's own markup leaves them unnamed (axe: label and
// select-name, critical; aria-input-field-name, aria-required-attr, list). Loaded after
// Django's autocomplete.js (templates/admin/change_form.html), so that its ready handler and
// its formset:added listener run after Django has built the autocomplete widgets.
//
// - A tabular inline's fields have no <label>: its column header names them.
// - The autocomplete widget is select2 4.0.13, which names a single choice's box by the value
//   chosen (nothing while empty), leaves a many-to-many field's search box unnamed, marks
//   its open list with aria-owns where a combobox needs aria-controls, and puts its "remove
//   all" cross, a <span>, among the <li> of the chosen values.
(function () {
  "use strict";
  if (!window.django || !django.jQuery) {
    return;
  }
  var $ = django.jQuery;

  // The id of the element that names a field: its <label>, or its tabular column's header.
  function labelId(control) {
    var label = control.id && document.querySelector('label[for="' + control.id + '"]');
    if (!label) {
      var cell = control.closest("td[class*='field-']");
      var table = cell && cell.closest("table");
      var column = cell && /(?:^|\s)field-(\S+)/.exec(cell.className);
      label = column && table.querySelector("thead th.column-" + column[1]);
      if (label && !label.id) {
        label.id = table.closest(".inline-group").id + "-column-" + column[1];
      }
    }
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = control.id + "-label";
    }
    return label.id;
  }

  function nameAutocomplete(select, name) {
    var widget = $(select).data("select2");
    if (!widget) {
      return;
    }
    var box = widget.$selection[0];
    var search = box.querySelector(".select2-search__field");
    if (search) {
      // Many: the search box is what takes focus; the chosen values are listed beside it.
      search.setAttribute("aria-labelledby", name);
    } else {
      // One: the box reads as the label, then the value chosen.
      var rendered = box.querySelector(".select2-selection__rendered");
      box.setAttribute("aria-labelledby", name + " " + rendered.id);
      rendered.setAttribute("aria-labelledby", name);
    }
    widget.$dropdown.find(".select2-search__field").attr("aria-labelledby", name);
    $(select).on("select2:open", function () {
      box.setAttribute("aria-controls", box.getAttribute("aria-owns"));
    });
    // The cross is for the mouse (the keyboard clears with Backspace); it is drawn again at
    // every change, after select2's own handler, which was bound first.
    function hideClear() {
      $(box).find(".select2-selection__clear").attr("aria-hidden", "true");
    }
    $(select).on("change", hideClear);
    hideClear();
  }

  function nameAll(root) {
    $(root)
      .find("input, select, textarea")
      .not("[type=hidden], [name*=__prefix__], .select2-search__field")
      .each(function () {
        var name = labelId(this);
        if (!name) {
          return;
        }
        if ($(this).hasClass("admin-autocomplete")) {
          nameAutocomplete(this, name);
        } else if (!this.labels || this.labels.length === 0) {
          this.setAttribute("aria-labelledby", name);
        }
      });
  }

  $(function () {
    nameAll(document.getElementById("content-main") || document.body);
  });
  document.addEventListener("formset:added", function (event) {
    nameAll(event.target);
  });
})();
