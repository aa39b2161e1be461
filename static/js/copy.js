// The citation box's "Copy" buttons: each copies the text of the element its data-copy
// names. A static file, so the page's Content-Security-Policy needs no inline script; the
// buttons stay hidden where the clipboard cannot be written (the text can still be selected).
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector(".copy-status");
    if (!target) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        if (status) {
          status.textContent = button.dataset.copied;
        }
      });
    });
  });
})();
