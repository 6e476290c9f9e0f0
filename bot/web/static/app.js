// The emulator page: one clinic per browser tab (its id lives in sessionStorage, so a
// reload keeps the conversation and another tab is another clinic), a LINE-like chat, the
// desk pane, the rehearsal clock. Everything shown comes from the feed, which the page
// long-polls; the POSTs only act.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const jst = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const hhmm = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });

  let clinic = sessionStorage.getItem('deskbot-clinic');
  let fresh = false;
  if (!clinic || !/^[A-Za-z0-9_-]{16,64}$/.test(clinic)) {
    const a = new Uint8Array(16);
    crypto.getRandomValues(a);
    clinic = Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
    sessionStorage.setItem('deskbot-clinic', clinic);
    fresh = true;
  }
  $('clinic-name').textContent = '医療機関 ' + clinic.slice(0, 4);
  $('export').href = '/emulator/api/transcript?clinic=' + clinic;

  let after = 0;
  let busy = false;
  let menuShown = '';
  let lastChat = null; // the last chat item: its choices are the quick replies

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const status = (text) => { $('status').textContent = text || ''; };

  async function post(path, body) {
    try {
      const r = await fetch('/emulator/api/' + path, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(Object.assign({ clinic }, body)),
      });
      if (!r.ok) { status((await r.text()).trim()); return null; }
      status('');
      return await r.json();
    } catch (e) {
      status('サーバーに届きませんでした。');
      return null;
    }
  }

  async function act(body) {
    if (busy) return;
    busy = true;
    setQuickDisabled(true);
    try { await post('send', body); } finally { busy = false; setQuickDisabled(false); }
  }

  function setQuickDisabled(d) {
    for (const b of $('quick').querySelectorAll('button')) b.disabled = d;
  }

  function time(it) { return hhmm.format(new Date(it.time)); }

  function cardView(c) {
    const box = el('div', 'card');
    box.setAttribute('role', 'article');
    box.setAttribute('aria-label', c.title);
    box.append(el('h3', '', c.title));
    if (c.rows && c.rows.length) {
      const dl = el('dl');
      for (const r of c.rows) { dl.append(el('dt', '', r.label), el('dd', '', r.value || '—')); }
      box.append(dl);
    }
    if (c.notes && c.notes.length) {
      const ul = el('ul', 'notes');
      for (const n of c.notes) ul.append(el('li', '', '⚠ ' + n));
      box.append(ul);
    }
    return box;
  }

  function chatItem(it) {
    const chat = $('chat');
    if (it.type === 'clinic') {
      const li = el('li', 'clinic');
      li.append(el('div', 'bubble', it.text), el('span', 'time', time(it)));
      chat.append(li);
    } else if (it.type === 'bot') {
      const m = it.message;
      if (m.card) {
        const li = el('li', 'bot');
        li.append(el('span', 'avatar', '窓'), cardView(m.card), el('span', 'time', time(it)));
        chat.append(li);
      }
      if (m.text) {
        const li = el('li', 'bot');
        const av = el('span', 'avatar', '窓');
        av.setAttribute('aria-hidden', 'true');
        li.append(av, el('div', 'bubble', m.text), el('span', 'time', time(it)));
        chat.append(li);
      }
    } else if (it.type === 'system') {
      const li = el('li', 'system');
      li.append(el('span', '', it.text));
      chat.append(li);
      return; // not a message: the choices offered stay
    } else {
      return;
    }
    lastChat = it;
  }

  function deskItem(it) {
    const list = $('notices');
    const li = el('li');
    const who = el('div', 'who', it.type === 'desk' ? 'あなた（窓口）' : 'deskbot');
    const t = el('time', '', time(it));
    who.append(t);
    li.append(who);
    if (it.type === 'desk') {
      li.className = 'reply';
      li.append(el('p', '', it.text));
    } else {
      const n = it.notice;
      const b = el('div', 'block ' + n.kind);
      b.append(el('h3', '', n.title));
      if (n.text) b.append(el('p', '', n.text));
      if (n.fields && n.fields.length) {
        const dl = el('dl');
        for (const f of n.fields) dl.append(el('dt', '', f.label), el('dd', '', f.value || '—'));
        b.append(dl);
      }
      li.append(b);
      if (n.kind !== 'report') li.className = 'reply';
      if (n.kind === 'handoff') li.className = '';
    }
    list.append(li);
    list.scrollTop = list.scrollHeight;
  }

  function quickReplies() {
    const q = $('quick');
    q.replaceChildren();
    const choices = lastChat && lastChat.type === 'bot' && lastChat.message.choices;
    if (!choices || !choices.length) { q.hidden = true; return; }
    for (const c of choices) {
      const b = el('button', '', c.label);
      b.type = 'button';
      b.addEventListener('click', () => act({ kind: 'tap', value: c.value, label: c.label }));
      q.append(b);
    }
    q.hidden = false;
  }

  function richMenu(menu) {
    const key = JSON.stringify(menu || []);
    if (key === menuShown) return;
    menuShown = key;
    const nav = $('richmenu');
    nav.replaceChildren();
    for (const c of menu || []) {
      const b = el('button', '', c.label);
      b.type = 'button';
      b.dataset.icon = c.label.charAt(0); // LINE draws the desk's own picture; a badge stands in
      b.addEventListener('click', () => act({ kind: 'tap', value: c.value, label: c.label }));
      nav.append(b);
    }
  }

  function header(f) {
    const now = $('now');
    now.textContent = jst.format(new Date(f.now)) + (f.rehearsal ? '（リハーサル）' : '');
    now.classList.toggle('rehearsal', f.rehearsal);
    const open = !!(f.thread && f.open);
    $('desk-text').disabled = !open;
    $('desk-send').disabled = !open;
    $('desk-close').disabled = !f.thread || !f.open;
    $('desk-hint').textContent = open ? '相談 ' + f.thread + ' が開いています。返信は医療機関の LINE に届きます。'
      : '医療機関が「窓口に相談」すると、ここから返信できます。';
  }

  function render(f) {
    if (f.next - 1 < after) { // the server started over: so do we
      $('chat').replaceChildren();
      $('notices').replaceChildren();
      after = 0;
      lastChat = null;
    }
    for (const it of f.items) {
      if (it.seq <= after) continue;
      after = it.seq;
      if (it.type === 'notice' || it.type === 'desk') deskItem(it); else chatItem(it);
    }
    header(f);
    richMenu(f.menu);
    quickReplies();
    const chat = $('chat');
    chat.scrollTop = chat.scrollHeight;
    document.body.dataset.seq = String(after);
  }

  async function poll() {
    for (;;) {
      try {
        const r = await fetch('/emulator/api/feed?clinic=' + clinic + '&after=' + after, { credentials: 'same-origin' });
        if (!r.ok) { status((await r.text()).trim()); await new Promise((ok) => setTimeout(ok, 2000)); continue; }
        render(await r.json());
      } catch (e) {
        status('サーバーに接続できません。再接続します…');
        await new Promise((ok) => setTimeout(ok, 2000));
      }
    }
  }

  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('text');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    act({ kind: 'text', text });
  });
  $('desk-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const ta = $('desk-text');
    const text = ta.value.trim();
    if (!text) return;
    ta.value = '';
    act({ kind: 'desk', text });
  });
  $('desk-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $('desk-form').requestSubmit(); }
  });
  $('desk-close').addEventListener('click', () => act({ kind: 'desk-close' }));
  $('clock-set').addEventListener('click', () => {
    const v = $('clock-input').value;
    if (v) post('clock', { now: v });
  });
  $('clock-reset').addEventListener('click', () => post('clock', { now: '' }));
  $('new-clinic').addEventListener('click', () => {
    sessionStorage.removeItem('deskbot-clinic');
    location.reload();
  });

  poll();
  if (fresh) act({ kind: 'follow' });
})();
