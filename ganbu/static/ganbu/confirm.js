// Forms with data-confirm ask before submitting; buttons with data-print print the page; selects with
// data-autosubmit submit their form (no inline handlers: CSP forbids them).
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
// A select with data-autosubmit applies at once (the pager's rows per page).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined && target.form) {
    target.form.submit();
  }
});
// A select with data-narrows="<name>" (the 记实's 模块) shows only its own group of the other
// select's options (操作), and clears a choice that is no longer shown.
function narrow(select) {
  var target = select.form && select.form.elements.namedItem(select.dataset.narrows);
  if (!(target instanceof HTMLSelectElement)) return;
  var chosen = select.selectedIndex > 0 ? select.options[select.selectedIndex].text : "";
  Array.prototype.forEach.call(target.querySelectorAll("optgroup"), function (group) {
    group.hidden = chosen !== "" && group.label !== chosen;
    group.disabled = group.hidden;
  });
  var option = target.options[target.selectedIndex];
  if (option && option.parentElement instanceof HTMLOptGroupElement && option.parentElement.hidden) {
    target.value = "";
  }
}
document.addEventListener("change", function (event) {
  if (event.target instanceof HTMLSelectElement && event.target.dataset.narrows) narrow(event.target);
});
document.addEventListener("DOMContentLoaded", function () {
  Array.prototype.forEach.call(document.querySelectorAll("select[data-narrows]"), narrow);
});
