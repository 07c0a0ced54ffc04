// Entente console: small enhancements only. Every page works without this file.
// - live refresh of [data-refresh] regions (the sync dashboard) while the tab is visible;
// - [data-load] regions (the sync charts) fetched after the page, which works without them;
// - focus moves to the error summary after a refused form, so keyboard and screen-reader users land on it;
// - a button that ends something asks once before it submits;
// - a form is not submitted twice by a double click.

function refresh(el) {
  const url = el.getAttribute('data-refresh');
  const every = Math.max(5, Number(el.getAttribute('data-every')) || 15) * 1000;
  let timer = 0;
  const tick = async () => {
    if (document.visibilityState !== 'visible') return;
    try {
      const res = await fetch(url, {
        credentials: 'same-origin',
        headers: { accept: 'text/html' },
        redirect: 'manual',
      });
      if (res.type === 'opaqueredirect' || res.status === 401 || res.status === 303) {
        clearInterval(timer);
        el.setAttribute('data-stale', 'signed out');
        return;
      }
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.body.firstElementChild;
      if (fresh) el.replaceChildren(document.importNode(fresh, true));
      el.setAttribute('data-refreshed', new Date().toISOString());
    } catch {
      /* offline for a moment: the next tick tries again */
    }
  };
  timer = setInterval(tick, every);
}

for (const el of document.querySelectorAll('[data-refresh]')) refresh(el);

// a region served as its own request (the sync charts): its link stays when the fetch fails
async function load(el) {
  try {
    const res = await fetch(el.getAttribute('data-load'), {
      credentials: 'same-origin',
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.body.firstElementChild;
    const slot = el.querySelector('.slot-body');
    if (fresh && slot) slot.replaceWith(document.importNode(fresh, true));
    el.setAttribute('data-loaded', new Date().toISOString());
  } catch {
    /* the link still leads to the charts */
  }
}

for (const el of document.querySelectorAll('[data-load]')) void load(el);

const summary = document.getElementById('error-summary');
if (summary) summary.focus();

document.addEventListener('submit', (e) => {
  const form = e.target;
  const button = e.submitter;
  if (button && button.classList.contains('danger') && !window.confirm(`${button.textContent.trim()}?`)) {
    e.preventDefault();
    return;
  }
  if (form.dataset.submitting === '1' && !(button && button.name === '_add')) {
    e.preventDefault();
    return;
  }
  form.dataset.submitting = '1';
  setTimeout(() => delete form.dataset.submitting, 3000);
});
