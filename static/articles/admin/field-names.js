// Every control of the article form has a name for screen readers. The widgets Django's
// admin brings draw controls of their own next to the labelled field: select2's search
// boxes, the body editor's editing area, the date and time of a split date field. Each
// gets the name of its form row's label (and, for date and time, which of the two it is).
(() => {
  function labelOf(row) {
    const label = row.querySelector("label[for]");
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function name(control, text) {
    if (text && !control.getAttribute("aria-label") && !control.getAttribute("aria-labelledby")) {
      control.setAttribute("aria-label", text);
    }
  }

  function nameAll() {
    for (const row of document.querySelectorAll("#article_form .form-row")) {
      const text = labelOf(row);
      // select2 names a single choice by the chosen value, which is empty before a choice.
      row.querySelectorAll(".select2-selection--single").forEach((control) => {
        control.removeAttribute("aria-labelledby");
      });
      row.querySelectorAll(".ProseMirror[contenteditable], .select2-selection, "
                           + ".select2-search__field, .select2-selection__rendered[role=textbox]")
        .forEach((control) => name(control, text));
      row.querySelectorAll(".datetime input").forEach((input) => {
        const part = input.name.endsWith("_0") ? "Datum" : "Uhrzeit";
        name(input, `${text}: ${part}`);
      });
    }
  }

  new MutationObserver(nameAll).observe(document.documentElement, { subtree: true, childList: true });
  document.addEventListener("DOMContentLoaded", nameAll);
})();
