// The report-waiting page without a meta refresh: every few seconds ask for the page again
// and swap in the new status. The region is aria-live="polite", so a screen reader hears the
// change when the person is not busy; without JavaScript the "Check again" link does the same.
const region = document.querySelector("[data-report-status]");
const EVERY_MS = 5000;

async function checkAgain() {
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return later();
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-report-status]");
    if (!fresh) return;
    // Only a real change is announced, not every check.
    if (fresh.textContent.trim() !== region.textContent.trim()) {
      region.innerHTML = fresh.innerHTML;
    }
    region.dataset.done = fresh.dataset.done;
    if (fresh.dataset.done !== "true") later();
  } catch {
    later();
  }
}

function later() {
  window.setTimeout(checkAgain, EVERY_MS);
}

if (region && region.dataset.done !== "true") later();
