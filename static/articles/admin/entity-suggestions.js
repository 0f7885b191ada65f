"use strict";
// The "Im Text erwähnt" panel (entity_suggestions.html): while the journalist types, the
// kicker, headline, teaser and body go to the suggestions view (debounced, the last
// request wins); each known person, organisation, place and topic the text names is one
// button that adds it to the form's tags or relations, and those already there are
// marked. A new name opens the add form of a person or organisation, filled in.
(function () {
  const DELAY_MS = 500;
  const TEXT_FIELDS = ["kicker", "headline", "teaser", "body"];
  const FIELDS = {person: "people", organisation: "organisations", city: "cities", topic: "topics"};
  const KINDS = {
    person: "Person",
    organisation: "Organisation",
    city: "Ort",
    topic: "Thema",
  };
  const ORDER = ["person", "organisation", "city", "topic"];

  // Names in a comma-separated tag input, as the server splits them.
  function tagNames(input) {
    return (input.value.match(/"[^"]*"|[^,]+/g) || [])
      .map((name) => name.replace(/^\s*"?|"?\s*$/g, "").trim())
      .filter(Boolean);
  }

  function fieldOf(suggestion) {
    return document.getElementById(`id_${FIELDS[suggestion.kind]}`);
  }

  function isLinked(suggestion) {
    const field = fieldOf(suggestion);
    if (!field) return false;
    if (field.tagName === "SELECT") {
      return Array.from(field.selectedOptions).some((o) => o.value === String(suggestion.pk));
    }
    const wanted = suggestion.name.toLocaleLowerCase();
    return tagNames(field).some((name) => name.toLocaleLowerCase() === wanted);
  }

  function link(suggestion) {
    const field = fieldOf(suggestion);
    if (field.tagName === "SELECT") {
      let option = Array.from(field.options).find((o) => o.value === String(suggestion.pk));
      if (!option) {
        option = new Option(suggestion.name, suggestion.pk, true, true);
        field.append(option);
      }
      option.selected = true;
      // select2 (the admin's autocomplete) hears changes through jQuery only.
      if (window.django?.jQuery) window.django.jQuery(field).trigger("change");
      else field.dispatchEvent(new Event("change", {bubbles: true}));
    } else {
      const quoted = suggestion.name.includes(",") ? `"${suggestion.name}"` : suggestion.name;
      const kept = field.value.replace(/[\s,]*$/, "");
      field.value = kept ? `${kept}, ${quoted}` : quoted;
      field.dispatchEvent(new Event("change", {bubbles: true}));
    }
  }

  // Django's own "add another" link of the relation, pointed for one click at a form
  // with the name filled in; the popup adds the saved person to the field.
  function addLink(suggestion) {
    return document.getElementById(`add_id_${FIELDS[suggestion.kind]}`);
  }

  function createNew(suggestion) {
    const anchor = addLink(suggestion);
    const href = anchor.getAttribute("href");
    anchor.setAttribute("href", `${href}${href.includes("?") ? "&" : "?"}${new URLSearchParams({name: suggestion.name})}`);
    anchor.click();
    anchor.setAttribute("href", href);
  }

  function item(suggestion, onAdd) {
    const li = document.createElement("li");
    li.className = "entity-suggestion";
    const name = document.createElement("span");
    name.className = "entity-suggestion__name";
    name.textContent = suggestion.name;
    const about = document.createElement("span");
    about.className = "entity-suggestion__about";
    const mentioned = suggestion.matched !== suggestion.name ? ` · „${suggestion.matched}“` : "";
    about.textContent = `${KINDS[suggestion.kind]}${mentioned}`;
    if (!suggestion.new && isLinked(suggestion)) {
      li.classList.add("entity-suggestion--linked");
      const mark = document.createElement("span");
      mark.className = "entity-suggestion__mark";
      mark.textContent = "✓ verknüpft";
      li.append(name, about, mark);
      return li;
    }
    if (suggestion.new && !addLink(suggestion)) {
      li.append(name, about);
      return li;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "entity-suggestion__add";
    button.dataset.key = `${suggestion.kind}:${suggestion.name}`;
    const action = document.createElement("span");
    action.className = "entity-suggestion__action";
    action.textContent = suggestion.new ? "Anlegen" : "Hinzufügen";
    button.append(name, about, action);
    button.addEventListener("click", () => onAdd(suggestion));
    li.append(button);
    return li;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.querySelector(".entity-suggestions");
    const form = panel?.closest("form");
    if (!form) return;
    const status = panel.querySelector(".entity-suggestions__status");
    const [knownList, newList] = panel.querySelectorAll(".entity-suggestions__list");
    const newHeading = panel.querySelector(".entity-suggestions__subheading");
    let suggestions = [];
    let timer = null;
    let request = null;

    function render(focusAfter) {
      const known = suggestions.filter((s) => !s.new)
        .sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
      const fresh = suggestions.filter((s) => s.new);
      knownList.replaceChildren(...known.map((s) => item(s, add)));
      newList.replaceChildren(...fresh.map((s) => item(s, createNew)));
      knownList.hidden = !known.length;
      newList.hidden = newHeading.hidden = !fresh.length;
      const open = known.filter((s) => !isLinked(s)).length;
      const parts = [];
      if (known.length) parts.push(`${known.length} bekannt, davon ${open} noch nicht verknüpft`);
      if (fresh.length) parts.push(`${fresh.length} ${fresh.length === 1 ? "neuer Name" : "neue Namen"}`);
      status.textContent = parts.length ? `${parts.join("; ")}.` : "Keine Namen im Text erkannt.";
      if (focusAfter !== undefined) {
        const buttons = knownList.querySelectorAll("button");
        (buttons[Math.min(focusAfter, buttons.length - 1)] || status).focus();
      }
    }

    function add(suggestion) {
      const buttons = Array.from(knownList.querySelectorAll("button"));
      const index = buttons.findIndex((b) => b.dataset.key === `${suggestion.kind}:${suggestion.name}`);
      link(suggestion);
      render(Math.max(index, 0));
    }

    async function refresh() {
      if (request) request.abort();
      request = new AbortController();
      const body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      for (const name of TEXT_FIELDS) {
        body.append(name, form.elements[name]?.value || "");
      }
      try {
        const response = await fetch(panel.dataset.url, {
          method: "POST", body, credentials: "same-origin", signal: request.signal,
          headers: {Accept: "application/json"},
        });
        if (!response.ok) throw new Error(String(response.status));
        suggestions = (await response.json()).suggestions;
        render();
      } catch (error) {
        if (error.name !== "AbortError") {
          status.textContent = "Vorschläge konnten nicht geladen werden; sie werden beim nächsten Tippen erneut gesucht.";
        }
      }
    }

    form.addEventListener("input", (event) => {
      if (TEXT_FIELDS.includes(event.target.name)) {
        clearTimeout(timer);
        timer = setTimeout(refresh, DELAY_MS);
      }
    });
    // Tags typed or relations chosen by hand: the marks follow.
    form.addEventListener("change", (event) => {
      if (Object.values(FIELDS).includes(event.target.name)) render();
    });
    if (window.django?.jQuery) {
      window.django.jQuery(form).on("change", "select", () => render());
    }
    refresh();
  });
})();
