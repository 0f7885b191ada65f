// Tells colleagues that this article's form is open: a heartbeat while it is, a goodbye
// when it closes; and keeps the note about colleagues who have it open up to date.
(() => {
  const note = document.getElementById("presence-note");
  if (!note) return;
  const url = note.dataset.url;
  const every = Number(note.dataset.heartbeatSeconds) * 1000;
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const names = note.querySelector(".presence-note__names");

  function show(others) {
    names.textContent = others.join(", ");
    note.hidden = others.length === 0;
  }

  async function beat() {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    try {
      const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
      if (response.ok) show((await response.json()).others);
    } catch {
      // Offline for a moment: the next beat tries again.
    }
  }

  setInterval(beat, every);
  window.addEventListener("pagehide", () => {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append("leave", "1");
    navigator.sendBeacon(url, body);
  });
})();
