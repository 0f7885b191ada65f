// The search-result snippet and the social card of the article, drawn from the form as
// one types: title and description as the page's <title> and description carry them,
// cut where search engines and cards cut them (at a word, with an ellipsis).
(() => {
  const TITLE_SHOWN = 60;
  const DESCRIPTION_SHOWN = 160;

  function cut(text, limit) {
    text = text.trim().replace(/\s+/g, " ");
    if (text.length <= limit) return text;
    const shortened = text.slice(0, limit - 1);
    const space = shortened.lastIndexOf(" ");
    return `${(space > limit / 2 ? shortened.slice(0, space) : shortened).trimEnd()} …`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.querySelector(".share-previews");
    if (!panel) return;
    const field = (name) => document.getElementById(`id_${name}`);
    const part = (selector) => panel.querySelector(selector);
    const { siteName, siteHost, cardUrl } = panel.dataset;

    function update() {
      const headline = field("headline")?.value || "";
      const teaser = field("teaser")?.value || "";
      const slug = field("slug")?.value || "…";
      part(".search-preview__url").textContent = `${siteHost} › artikel › ${slug}`;
      part(".search-preview__title").textContent = cut(`${headline} – ${siteName}`, TITLE_SHOWN);
      part(".search-preview__description").textContent = cut(teaser, DESCRIPTION_SHOWN);
      part(".card-preview__host").textContent = siteHost;
      part(".card-preview__title").textContent = cut(headline, 90);
      part(".card-preview__description").textContent = cut(teaser, 120);
    }

    async function updatePicture() {
      const chosen = field("lead_image")?.value;
      const img = part(".card-preview__picture img");
      if (!chosen) {
        img.hidden = true;
        return;
      }
      try {
        const response = await fetch(cardUrl.replace("/0/", `/${chosen}/`), { credentials: "same-origin" });
        const { url, alt } = await response.json();
        img.hidden = !url;
        if (url) {
          img.src = url;
          img.alt = alt;
        }
      } catch {
        img.hidden = true;
      }
    }

    for (const name of ["headline", "teaser", "slug"]) {
      field(name)?.addEventListener("input", update);
    }
    // select2 announces a choice through jQuery, not as a native event.
    const select = field("lead_image");
    if (select && window.django?.jQuery) {
      window.django.jQuery(select).on("change", updatePicture);
    }
    update();
    updatePicture();
  });
})();
