"use strict";
// Suggests existing tags for the name being typed into a comma-separated tag input
// (input[data-suggest-url]). The suggestions form an ARIA listbox: arrow keys move
// through them, Enter takes one, Escape closes them. A name nobody suggested is simply
// kept as typed; the server creates the tag on save.
(function () {
  const DELAY_MS = 150;
  let lists = 0;

  // The name after the last comma is the one being typed.
  function currentName(value) {
    return value.slice(value.lastIndexOf(",") + 1).trim();
  }

  function enteredNames(value) {
    return value.split(",").map((name) => name.trim().toLocaleLowerCase());
  }

  function enhance(input) {
    const list = document.createElement("ul");
    list.id = `${input.id || "tags"}-suggestions-${++lists}`;
    list.className = "tag-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;

    const wrapper = document.createElement("div");
    wrapper.className = "tag-suggest";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.append(input, list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.autocomplete = "off";

    let active = -1;
    let timer = null;
    let request = null;

    const options = () => list.querySelectorAll("[role=option]");

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      const all = options();
      active = (index + all.length) % all.length;
      all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({block: "nearest"});
    }

    function choose(name) {
      const before = input.value.slice(0, input.value.lastIndexOf(",") + 1);
      const quoted = name.includes(",") ? `"${name}"` : name;
      input.value = `${before}${before ? " " : ""}${quoted}, `;
      close();
      input.focus();
    }

    function show(names) {
      const entered = enteredNames(input.value);
      const fresh = names.filter((name) => !entered.includes(name.toLocaleLowerCase()));
      if (!fresh.length) {
        close();
        return;
      }
      list.replaceChildren(
        ...fresh.map((name, i) => {
          const option = document.createElement("li");
          option.id = `${list.id}-${i}`;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = name;
          // mousedown, not click: it comes before the input loses focus and closes the list.
          option.addEventListener("mousedown", (event) => {
            event.preventDefault();
            choose(name);
          });
          return option;
        })
      );
      active = -1;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    async function suggest() {
      const term = currentName(input.value);
      if (request) {
        request.abort();
      }
      if (!term) {
        close();
        return;
      }
      request = new AbortController();
      const url = `${input.dataset.suggestUrl}?${new URLSearchParams({term})}`;
      try {
        const response = await fetch(url, {
          headers: {Accept: "application/json"},
          credentials: "same-origin",
          signal: request.signal,
        });
        if (response.ok) {
          show((await response.json()).results);
        }
      } catch (error) {
        if (error.name !== "AbortError") {
          close();
        }
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });

    input.addEventListener("keydown", (event) => {
      const open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          // Take the suggestion instead of submitting the form.
          event.preventDefault();
          choose(options()[active].textContent);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-suggest-url]").forEach(enhance);
  });
})();
