// The body editor in German. django-prose-editor 0.28 names its toolbar buttons and block
// types in English without asking gettext, and switches the browser's spellcheck off; this
// relabels the toolbar and turns German spellcheck on, as the editor draws (and redraws) it.
const LABELS = {
  "paragraph": "Absatzformat",
  "unordered list": "Aufzählung",
  "ordered list": "Nummerierte Liste",
  "blockquote": "Zitat",
  "bold": "Fett",
  "italic": "Kursiv",
  "insert link": "Verweis einfügen",
  "remove link": "Verweis entfernen",
  "undo": "Rückgängig",
  "redo": "Wiederholen",
};
const BLOCKS = {
  "Heading 2": "Zwischenüberschrift",
  "Heading 3": "Unterüberschrift",
  "Heading 4": "Kleine Überschrift",
  "Paragraph": "Absatz",
};

function setIfDifferent(element, name, value) {
  // Only real changes: the observer below would otherwise wake itself forever.
  if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value);
  }
}

function germanise() {
  for (const editor of document.querySelectorAll(".prose-editor .ProseMirror[contenteditable]")) {
    setIfDifferent(editor, "spellcheck", "true");
    setIfDifferent(editor, "lang", "de");
  }
  for (const button of document.querySelectorAll(".prose-menubar [title]")) {
    const german = LABELS[button.getAttribute("title")];
    if (german) {
      setIfDifferent(button, "title", german);
      setIfDifferent(button, "aria-label", german);
    }
  }
  for (const option of document.querySelectorAll(".prose-menubar__option > *")) {
    const german = BLOCKS[option.textContent];
    if (german) {
      option.textContent = german;
    }
  }
}

new MutationObserver(germanise).observe(document.documentElement, {
  subtree: true, childList: true, attributes: true,
  attributeFilter: ["title", "spellcheck", "contenteditable"],
});
document.addEventListener("DOMContentLoaded", germanise);
