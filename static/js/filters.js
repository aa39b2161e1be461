// The filter form (templates/components/filter_form.html), once JavaScript runs:
// - a checkbox (or the date basis) applies at once, and after the reload the focus is back
//   on the control that changed, so a keyboard user keeps their place; removing a chip puts
//   it on the next chip;
// - a long list gets a box that narrows it as one types, ignoring case and accents;
// - on a phone the form folds behind its "Filters (n)" button.
// Without it the form still works: every facet shown, and a button that applies them.
(function () {
  "use strict";
  var form = document.querySelector("form[data-filters]");
  if (!form) {
    return;
  }
  var KEY = "policy-tracker:filters";
  var body = document.getElementById("filters-body");
  var toggle = form.querySelector("[data-filters-toggle]");
  var live = form.querySelector("[data-filters-live]");
  if (live) {
    live.hidden = false;
  }

  // What the reader did just before the page reloaded, for this page only.
  function remember(state) {
    state.path = location.pathname;
    try {
      sessionStorage.setItem(KEY, JSON.stringify(state));
    } catch (error) {
      // Storage refused (a private window, say): the filter still applies.
    }
  }

  function recall() {
    var state = null;
    try {
      state = JSON.parse(sessionStorage.getItem(KEY) || "null");
      sessionStorage.removeItem(KEY);
    } catch (error) {
      return null;
    }
    return state && state.path === location.pathname ? state : null;
  }

  // Phones: the facets fold behind the button (CSS shows it below 48rem, and hides the body
  // of a folded form there; on a wider screen both rules are off and the form stays open).
  function fold(folded) {
    form.classList.toggle("folded", folded);
    if (toggle) {
      toggle.setAttribute("aria-expanded", folded ? "false" : "true");
    }
  }

  form.classList.add("scripted");
  if (toggle) {
    toggle.addEventListener("click", function () {
      fold(!form.classList.contains("folded"));
    });
  }

  // Apply at once: a checkbox or the date basis. Dates and words wait for the button, or
  // Enter, since they change as one types.
  form.addEventListener("change", function (event) {
    var control = event.target;
    if (!control.name || !control.id) {
      return;
    }
    if (control.type === "checkbox" || control.tagName === "SELECT") {
      remember({ focus: control.id });
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }
  });

  // Empty fields stay out of the address, which then says only what was chosen.
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name && element.tagName === "INPUT" && element.type !== "checkbox" && !element.value) {
        element.disabled = true;
      }
    });
  });
  // Coming back to this page from the next one (the back/forward cache), the fields work again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.tagName === "INPUT") {
        element.disabled = false;
      }
    });
  });

  // Removing a chip: the focus goes to the chip that takes its place.
  document.querySelectorAll("a[data-chip]").forEach(function (chip, index) {
    chip.addEventListener("click", function () {
      remember({ chip: index });
    });
  });

  // Narrowing a long list.
  function plain(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe")
      .replace(/æ/g, "ae")
      .toLowerCase()
      .trim();
  }

  function narrow(input, list, status) {
    var words = plain(input.value);
    var items = Array.prototype.slice.call(list.querySelectorAll("li.facet-item"));
    var shown = 0;
    // Children before their parents, so that a parent whose child matches stays shown.
    items.reverse().forEach(function (item) {
      var label = item.querySelector(".facet-label");
      var own = !words || plain(label ? label.textContent : "").indexOf(words) !== -1;
      var below = Array.prototype.some.call(item.querySelectorAll("li.facet-item"), function (child) {
        return !child.hidden;
      });
      item.hidden = !(own || below);
      if (own && words) {
        shown += 1;
      }
      var branch = item.querySelector(":scope > details");
      if (branch) {
        if (!("wasOpen" in branch.dataset)) {
          branch.dataset.wasOpen = branch.open ? "1" : "";
        }
        // While the list is narrowed, a branch with a match in it is open to show it.
        branch.open = words ? below : branch.dataset.wasOpen === "1";
        if (!words) {
          delete branch.dataset.wasOpen;
        }
      }
    });
    list.querySelectorAll(".facet-group").forEach(function (group) {
      group.hidden = !group.querySelector("li.facet-item:not([hidden])");
    });
    status.textContent = words && !shown ? status.dataset.none : "";
  }

  form.querySelectorAll("[data-facet-find]").forEach(function (box) {
    var input = box.querySelector("input");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = box.querySelector("[role=status]");
    if (!list || !status) {
      return;
    }
    box.hidden = false;
    input.addEventListener("input", function () {
      narrow(input, list, status);
    });
    // Enter in the box narrows; it does not send the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  });

  // Back from a reload: the focus where the reader left it, the form open around it.
  var state = recall();
  var target = null;
  if (state && state.focus) {
    target = document.getElementById(state.focus);
  } else if (state && typeof state.chip === "number") {
    var chips = document.querySelectorAll("a[data-chip]");
    target = chips.length ? chips[Math.min(state.chip, chips.length - 1)] : null;
  }
  fold(!(target && body && body.contains(target)));
  if (target) {
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
    target.focus();
  }
})();
