/* Fill the new-credit fields and the caption from the photo's own metadata (EXIF/IPTC)
   as soon as a file is chosen, so the journalist only confirms who took it and what it shows. The server reads the metadata
   before the upload is cleaned of it; fields someone already typed in stay as they are. */
"use strict";
// The admin loads form media in <head>, before the form exists.
document.addEventListener("DOMContentLoaded", () => {
  const fileInput = document.getElementById("id_file");
  const creator = document.getElementById("id_credit_creator");
  const holder = document.getElementById("id_credit_rights_holder");
  const caption = document.getElementById("id_caption");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (fileInput && creator && holder && token) {
    // Add and change forms live at different depths below the image admin.
    const url = window.location.pathname.split("/articles/image/")[0] + "/articles/image/metadaten/";
    const note = document.createElement("p");
    note.className = "help credit-prefill-note";
    note.setAttribute("role", "status");
    creator.closest(".form-row, .flex-container, div").appendChild(note);

    fileInput.addEventListener("change", async () => {
      note.textContent = "";
      if (!fileInput.files.length) return;
      const data = new FormData();
      data.append("file", fileInput.files[0]);
      data.append("csrfmiddlewaretoken", token.value);
      let found;
      try {
        const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
        if (!response.ok) return;
        found = await response.json();
      } catch (error) {
        return; // no prefill; typing the credit by hand still works
      }
      let filled = false;
      if (found.creator && !creator.value) { creator.value = found.creator; filled = true; }
      if (found.rights_holder && !holder.value) { holder.value = found.rights_holder; filled = true; }
      if (found.caption && caption && !caption.value) { caption.value = found.caption; filled = true; }
      if (filled) {
        note.textContent = gettext("Aus den Bilddaten übernommen – bitte prüfen.");
      }
    });
  }
});
