// Live character counts under the fields that carry data-count-max (a hard limit) or
// data-count-recommended (a length search engines show in full).
function describe(field) {
  const length = field.value.length;
  const max = Number(field.dataset.countMax || 0);
  const recommended = Number(field.dataset.countRecommended || 0);
  if (max) {
    return [`${length} von höchstens ${max} Zeichen`, length > max];
  }
  const note = length > recommended
    ? `; Suchmaschinen zeigen etwa ${recommended} Zeichen, der Rest wird abgeschnitten`
    : `; empfohlen bis ${recommended}`;
  return [`${length} Zeichen${note}`, length > recommended];
}

function attach(field) {
  const output = document.createElement("output");
  // Styled and placed like the field's help text, right under the field.
  output.className = "help char-count";
  output.id = `${field.id}_count`;
  output.setAttribute("aria-live", "polite");
  const help = field.closest(".form-row")?.querySelector(".help");
  if (help) {
    help.before(output);
  } else {
    (field.closest(".flex-container") || field).insertAdjacentElement("afterend", output);
  }
  const described = field.getAttribute("aria-describedby");
  field.setAttribute("aria-describedby", described ? `${described} ${output.id}` : output.id);
  const update = () => {
    const [text, over] = describe(field);
    output.textContent = text;
    output.classList.toggle("char-count--over", over);
  };
  field.addEventListener("input", update);
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-count-max], [data-count-recommended]").forEach(attach);
});
