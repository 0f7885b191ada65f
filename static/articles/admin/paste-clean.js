// Pastes from Word, LibreOffice and Google Docs arrive as HTML full of office markup:
// style sheets, conditional comments, <o:p>, list bullets drawn as text, and Word's lists
// as styled paragraphs. Before the body editor reads a paste, this turns it into plain
// paragraphs, lists, bold, italic and links; the editor and the server's sanitiser keep
// nothing else either.
(() => {
  const CLEANED = Symbol("cleaned");

  function wordListItems(doc) {
    // Word writes a list as paragraphs styled "mso-list", their bullet or number as text
    // in a span styled "mso-list:Ignore".
    for (const marker of doc.querySelectorAll("[style*='mso-list:Ignore' i]")) {
      const paragraph = marker.closest("p");
      if (paragraph) paragraph.dataset.listType = /\d/.test(marker.textContent) ? "ol" : "ul";
      marker.remove();
    }
    let list = null;
    for (const paragraph of [...doc.querySelectorAll("p")]) {
      const type = paragraph.dataset.listType
        || (/mso-list/i.test(paragraph.getAttribute("style") || "") ? "ul" : null);
      if (!type) {
        list = null;
        continue;
      }
      const previous = paragraph.previousElementSibling;
      if (!list || previous !== list || list.tagName.toLowerCase() !== type) {
        list = doc.createElement(type);
        paragraph.before(list);
      }
      const item = doc.createElement("li");
      item.append(...paragraph.childNodes);
      list.append(item);
      paragraph.remove();
    }
  }

  function clean(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_COMMENT);
    const comments = [];
    while (walker.nextNode()) comments.push(walker.currentNode);
    comments.forEach((comment) => comment.remove());
    doc.querySelectorAll("style, meta, link, title, xml, script").forEach((el) => el.remove());
    // Google Docs wraps everything in a <b> that is not bold.
    doc.querySelectorAll("b[id^='docs-internal-guid']").forEach((el) => el.replaceWith(...el.childNodes));
    wordListItems(doc);
    doc.querySelectorAll("*").forEach((el) => {
      if (el.tagName.includes(":")) {  // <o:p>, <w:sdt> ...
        el.replaceWith(...el.childNodes);
        return;
      }
      for (const name of ["class", "id", "lang", "target", "data-list-type"]) {
        el.removeAttribute(name);
      }
    });
    return doc.body.innerHTML;
  }

  document.addEventListener("paste", (event) => {
    const editor = event.target.closest && event.target.closest(".ProseMirror[contenteditable]");
    const html = event.clipboardData && event.clipboardData.getData("text/html");
    if (!editor || !html || event[CLEANED]) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const data = new DataTransfer();
    data.setData("text/html", clean(html));
    data.setData("text/plain", event.clipboardData.getData("text/plain"));
    const again = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
    again[CLEANED] = true;
    event.target.dispatchEvent(again);
  }, true);
})();
