'use strict';
// The console's one script: it asks the server every 15 seconds, while the
// page is visible, how much is waiting, and when more is than before says
// so on the page and, where the person has allowed it, as a browser
// notification. Everything else on the console is plain HTML forms.
(() => {
  const live = document.getElementById('live');
  const button = document.getElementById('notify');
  const last = {};
  const what = [
    ['open_escalations', 'An escalation is waiting to be acknowledged.', '/console/escalations'],
    ['waiting', 'A consultation request is waiting to be claimed.', '/console/queue'],
    ['overdue', 'A consultation request is past its claim deadline.', '/console/queue'],
  ];

  function tell(text, href) {
    live.hidden = false;
    live.replaceChildren(document.createTextNode(text + ' '));
    const a = document.createElement('a');
    a.href = href;
    a.textContent = 'Show it';
    live.append(a);
    if ('Notification' in window && Notification.permission === 'granted') {
      const n = new Notification('Waymark', {body: text, tag: href});
      n.onclick = () => { window.focus(); window.location.assign(href); };
    }
  }

  async function poll() {
    if (document.visibilityState === 'hidden' && !('Notification' in window && Notification.permission === 'granted')) return;
    let s;
    try {
      const r = await fetch('/console/status', {credentials: 'same-origin', headers: {Accept: 'application/json'}});
      if (!r.ok) return;
      s = await r.json();
    } catch (e) {
      return;
    }
    for (const [key, text, href] of what) {
      if (last[key] !== undefined && s[key] > last[key]) tell(text, href);
      last[key] = s[key];
    }
  }

  if ('Notification' in window && Notification.permission === 'default') {
    button.hidden = false;
    button.addEventListener('click', async () => {
      await Notification.requestPermission();
      button.hidden = Notification.permission !== 'default';
    });
  }
  poll();
  setInterval(poll, 15000);
})();
