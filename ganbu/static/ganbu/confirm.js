// Forms with data-confirm ask before submitting; buttons with data-print print the page (no inline
// handlers: CSP forbids them).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
