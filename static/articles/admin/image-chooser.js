// The lead image's "Bild auswählen" button: opens the chooser (a searchable grid of the
// picture archive with its upload form, articles/admin/chooser.py) in a dialog and sets
// the field to the picture chosen there, without leaving the form.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_lead_image");
  const template = document.getElementById("image-chooser-template");
  if (!select || !template) return;
  const wrapper = select.closest(".related-widget-wrapper") || select;
  wrapper.after(template.content.cloneNode(true));
  const open = document.getElementById("image-chooser-open");
  const dialog = document.getElementById("image-chooser");
  const frame = dialog.querySelector("iframe");

  open.addEventListener("click", () => {
    frame.src = open.dataset.url;
    dialog.showModal();
  });
  dialog.querySelector(".image-chooser-dialog__close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    frame.src = "about:blank";
    open.focus();
  });

  window.addEventListener("message", (event) => {
    if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
    const { type, id, label } = event.data || {};
    if (type !== "newsroom:image-chosen" || !id) return;
    let option = [...select.options].find((candidate) => candidate.value === String(id));
    if (!option) {
      option = new Option(label, id);
      select.add(option);
    }
    select.value = String(id);
    // select2 and the previews listen through jQuery.
    if (window.django?.jQuery) window.django.jQuery(select).trigger("change");
    else select.dispatchEvent(new Event("change", { bubbles: true }));
    dialog.close();
  });
});
