// The security pages' buttons (no inline scripts under our Content Security Policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
// After a passkey is registered, go on to where the page says (recovery codes or the
// refreshed list).
document.addEventListener("otp_webauthn.register_complete", () => {
  const box = document.querySelector("[data-after-url]");
  if (box) {
    window.location.assign(box.dataset.afterUrl);
  }
});
