// Inside the image chooser's frame: a picked tile, or the picture just uploaded from
// it, is handed to the article form that opened the chooser (image-chooser.js).
"use strict";
(() => {
  function hand(chosen) {
    if (window.parent !== window) {
      window.parent.postMessage({ type: "newsroom:image-chosen", ...chosen }, window.location.origin);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const uploaded = document.getElementById("chosen-image");
    if (uploaded) {
      hand(JSON.parse(uploaded.textContent));
      return;
    }
    document.addEventListener("click", (event) => {
      const tile = event.target.closest(".image-tile");
      if (tile) hand({ id: Number(tile.dataset.chosenId), label: tile.dataset.chosenLabel });
    });
  });
})();
