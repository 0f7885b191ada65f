"use strict";
// Fills a new object's slug from another field (data-slug-source) as one types, with the
// German transliteration of articles/slugs.py german_slugify: "Maßstäbe" -> "massstaebe".
// Once the slug is edited by hand it is left alone; emptying it hands it back.
(function () {
  const GERMAN = {ä: "ae", ö: "oe", ü: "ue", ß: "ss", Ä: "Ae", Ö: "Oe", Ü: "Ue", ẞ: "SS"};

  function germanSlugify(value, maxLength) {
    // Django's slugify after the transliteration: ASCII only, lower case, dashes.
    let slug = value
      .replace(/[äöüßÄÖÜẞ]/g, (letter) => GERMAN[letter])
      .normalize("NFKD")
      .replace(/[^\x00-\x7f]/g, "")
      .toLowerCase()
      .replace(/[^\w\s-]/g, "")
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "");
    if (maxLength > 0) {
      slug = slug.slice(0, maxLength).replace(/-+$/, "");
    }
    return slug;
  }

  function follow(slug) {
    const source = document.getElementById(slug.dataset.slugSource);
    if (!source) {
      return;
    }
    const derive = () => germanSlugify(source.value, slug.maxLength);
    // After a failed save the slug still holds what was derived: keep following then.
    let following = slug.value === "" || slug.value === derive();
    source.addEventListener("input", () => {
      if (following) {
        slug.value = derive();
      }
    });
    slug.addEventListener("input", () => {
      following = slug.value === "";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-slug-source]").forEach(follow);
  });
})();
