// The step form shows and sends only the fields of the chosen step (fieldsets marked data-for="环节").
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-step-form]");
  if (!form) return;
  const kind = form.querySelector("[data-step-kind]");
  const sync = () => {
    form.querySelectorAll("fieldset[data-for]").forEach((set) => {
      // a hidden set is also disabled, so its fields are not sent with another step
      set.hidden = set.disabled = set.dataset.for !== kind.value;
    });
  };
  kind.addEventListener("change", sync);
  sync();
});
