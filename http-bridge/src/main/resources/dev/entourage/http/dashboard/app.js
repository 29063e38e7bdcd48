// Entourage dashboard: plain JavaScript, no build step, nothing from elsewhere.
// Every figure comes from the authenticated API (/api/v1/dashboard, /teams/{id}/spend) and the event stream
// (/api/v1/events, read with fetch() so the credential travels in a header, never in a URL).
'use strict';

(() => {
  const CREDENTIAL_KEY = 'entourage.credential';
  const DASHBOARD_MIN_INTERVAL_MS = 3000; // the API allows 100 requests/min per key: re-read at most every 3 s
  const CHART_INTERVAL_MS = 30000;        // charts are re-read at most every 30 s, and only after new spend
  const STREAM_IDLE_MS = 45000;           // the server sends a keep-alive every 15 s
  const MAX_BACKOFF_MS = 30000;
  const RECENT_LIMIT = 20;
  const PALETTE = ['#1f5fbf', '#c0392b', '#1d7a3e', '#8e44ad', '#d35400', '#16a085', '#7f8c8d', '#b7950b'];

  const $ = (selector) => document.querySelector(selector);
  const micros = (usd) => (usd === null || usd === undefined ? null : Math.round(Number(usd) * 1e6));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---------------------------------------------------------------- state

  let views = null; // views.js: the session drill-down, an agent's sessions, costs of a range and the export
  const state = {
    credential: null,   // {kind: 'key'|'bearer', value}, or {kind: 'none'} on a bridge started with --no-auth
    started: false,
    role: null,
    team: null,
    zone: 'UTC',
    today: null,        // {date, spentMicros, limitMicros, resetsAt}
    agents: new Map(),  // id -> agent (with spentMicros, limitMicros)
    active: new Map(),  // id -> session
    activeCount: 0,     // the team's active sessions, shown or not (the dashboard lists the newest 50)
    moreCursor: null,   // where "More" reads on (GET /teams/{id}/sessions?cursor=), null when all are shown
    extraActive: new Map(), // id -> session read with "More" (kept across re-reads of the dashboard)
    recent: [],         // sessions, newest first
    terminal: new Map(),// id -> session known ended/killed from events or actions (a stale re-read cannot revive it)
    tasks: [],
    alerts: [],
    charts: {},        // which -> uPlot
    chartModels: {},   // which -> the data drawn (see chartModel)
    redraw: {},        // which -> pending redraw timer
    chartTickets: {},  // which -> number of the newest read
    chartsDirty: false,
    usageEvents: 0,     // usage events applied so far (to tell a re-read that raced them)
  };

  // ---------------------------------------------------------------- formatting

  /** The one money format: cents from $1 up (and for zero), four decimals below. */
  function usd(value) {
    if (value === null || value === undefined) return '—';
    const n = Number(value);
    if (!Number.isFinite(n)) return '—';
    const cents = Math.abs(Math.round(n * 1e4) / 1e4) >= 1 || n === 0;
    const digits = cents ? 2 : 4;
    return (n < 0 ? '-$' : '$') + Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: digits,
      maximumFractionDigits: digits, useGrouping: cents });
  }
  const usdMicros = (m) => (m === null ? '—' : usd(m / 1e6));
  const count = new Intl.NumberFormat('en-US');

  function formatter(options) {
    try {
      return new Intl.DateTimeFormat(undefined, { ...options, timeZone: state.zone });
    } catch (e) {
      return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' });
    }
  }
  function dayKey(date) {
    return formatter({ year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
  }
  function when(iso) {
    if (!iso) return '—';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    const sameDay = dayKey(date) === dayKey(new Date());
    return sameDay ? formatter({ hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date)
      : formatter({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(date);
  }
  function timeElement(iso) {
    const t = el('time', { datetime: iso || '' }, when(iso));
    if (iso) t.title = iso + ' (UTC)';
    return t;
  }
  function tokens(s) {
    const parts = [count.format(s.input_tokens || 0) + ' in', count.format(s.output_tokens || 0) + ' out'];
    const cache = (s.cache_creation_input_tokens || 0) + (s.cache_read_input_tokens || 0);
    if (cache) parts.push(count.format(cache) + ' cache');
    return parts.join(' · ');
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /**
   * A budget bar with the percent used beside it (and "over" in words): role=progressbar with its values; the fill's
   * width is set through the CSSOM (CSP-safe).
   */
  function bar(label) {
    return el('div', { class: 'meter' }, el('div', { class: 'bar', role: 'progressbar', 'aria-label': label,
      'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, el('div', { class: 'fill' })),
    el('span', { class: 'pct' }));
  }
  function setBar(node, spentMicros, limitMicros) {
    const fill = node.firstElementChild;
    const label = node.parentElement && node.parentElement.querySelector('.pct');
    if (limitMicros === null || limitMicros === undefined) {
      node.dataset.level = 'none';
      node.removeAttribute('aria-valuenow');
      node.setAttribute('aria-valuetext', usdMicros(spentMicros) + ' spent, no limit');
      fill.style.width = '0%';
      if (label) {
        label.textContent = 'no limit';
        label.dataset.level = 'none';
      }
      return;
    }
    const pct = limitMicros > 0 ? (spentMicros / limitMicros) * 100 : (spentMicros > 0 ? 100 : 0);
    const shown = Math.max(0, Math.min(100, pct));
    node.dataset.level = pct >= 100 ? 'over' : pct >= 80 ? 'warn' : 'ok';
    if (label) {
      label.textContent = `${Math.floor(pct)}%` + (pct >= 100 ? ' over' : '');
      label.dataset.level = node.dataset.level;
    }
    node.setAttribute('aria-valuenow', String(Math.round(shown)));
    node.setAttribute('aria-valuetext', `${usdMicros(spentMicros)} of ${usdMicros(limitMicros)} (${Math.floor(pct)}%`
      + (pct >= 100 ? ', over the limit)' : ')'));
    fill.style.width = shown.toFixed(1) + '%';
  }

  /** Updates a tbody to one row per item, in order, reusing rows by key (focus and live regions survive). */
  function syncRows(tbody, items, keyOf, create, update) {
    const existing = new Map();
    for (const row of tbody.rows) existing.set(row.dataset.key, row);
    const wanted = [];
    for (const item of items) {
      const key = String(keyOf(item));
      let row = existing.get(key);
      if (row) existing.delete(key);
      else {
        row = create(item);
        row.dataset.key = key;
      }
      update(row, item);
      wanted.push(row);
    }
    for (const row of existing.values()) row.remove();
    wanted.forEach((row, i) => {
      if (tbody.rows[i] !== row) tbody.insertBefore(row, tbody.rows[i] || null);
    });
  }

  function flash(row) {
    row.classList.remove('flash');
    void row.offsetWidth; // restart the animation
    row.classList.add('flash');
  }

  // ---------------------------------------------------------------- notices and connection state

  function notice(text) {
    const box = $('#notice');
    box.textContent = text;
    box.hidden = !text;
  }
  function setConnection(kind) {
    const node = $('#connection');
    const text = { live: 'live', reconnecting: 'reconnecting…', off: 'signed out' }[kind] || kind;
    if (node.textContent !== text) node.textContent = text;
    node.dataset.state = kind;
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, code, message, retryAfterSeconds) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  function authHeaders(extra) {
    const headers = { Accept: 'application/json', ...(extra || {}) };
    const c = state.credential;
    if (c && c.kind === 'key') headers['X-API-Key'] = c.value;
    if (c && c.kind === 'bearer') headers.Authorization = 'Bearer ' + c.value;
    return headers;
  }

  async function api(path, options) {
    const { method = 'GET', body } = options || {};
    const headers = authHeaders(body === undefined ? {} : { 'Content-Type': 'application/json' });
    let response;
    try {
      response = await fetch(path, { method, headers, cache: 'no-store', credentials: 'omit',
        body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, 'network', 'The server cannot be reached; retrying.', null);
    }
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    if (response.ok) return json;
    const error = (json && json.error) || {};
    const retry = Number(response.headers.get('Retry-After'));
    throw new ApiError(response.status, error.code || null, error.message || `HTTP ${response.status}`,
      Number.isFinite(retry) && retry > 0 ? retry : null);
  }

  const AGENT_KEY_MESSAGE = 'This key is an agent key; use an admin or viewer key.';

  /** The common answers to a failed call: 401 signs out, 429 says when to retry, the rest is shown. */
  function handleFailure(error, what) {
    if (error.status === 401) {
      signOut('You were signed out: the credential was not accepted (expired or revoked). Sign in again.');
    } else if (error.status === 403 && what === 'dashboard') {
      signOut(AGENT_KEY_MESSAGE);
    } else if (error.status === 429) {
      const wait = error.retryAfterSeconds || 10;
      notice(`Too many requests for this key (the API's rate limit); retrying in ${wait} s.`);
      return wait * 1000;
    } else if (error.status === 0) {
      notice('The server cannot be reached; retrying.');
    } else {
      notice(`${what}: ${error.message}`);
    }
    return null;
  }

  // ---------------------------------------------------------------- sign-in

  function saveCredential(credential) {
    state.credential = credential;
    if (credential) sessionStorage.setItem(CREDENTIAL_KEY, JSON.stringify(credential));
    else sessionStorage.removeItem(CREDENTIAL_KEY);
  }

  function showSigninError(text) {
    const box = $('#signin-error');
    box.textContent = text || '';
    box.hidden = !text;
  }

  async function onSignin(event) {
    event.preventDefault();
    showSigninError('');
    const key = $('#api-key').value.trim();
    const email = $('#email').value.trim();
    const password = $('#password').value;
    const submit = $('#signin-submit');
    submit.disabled = true;
    try {
      if (key) {
        saveCredential({ kind: 'key', value: key });
      } else if (email && password) {
        state.credential = null;
        let answer;
        try {
          answer = await api('/api/v1/auth/login', { method: 'POST', body: { email, password } });
        } catch (e) {
          if (e.status === 401 || e.status === 400) showSigninError('Wrong email or password.');
          else if (e.status === 429) showSigninError(`Too many sign-in attempts; wait ${e.retryAfterSeconds || 60} s.`);
          else showSigninError(e.message);
          return;
        }
        saveCredential({ kind: 'bearer', value: answer.access_token });
      } else {
        showSigninError('Enter an API key, or an email and a password.');
        return;
      }
      try {
        await loadDashboard();
        $('#api-key').value = '';
        $('#password').value = '';
      } catch (e) {
        saveCredential(null);
        if (e.status === 401) showSigninError('This key or token was not accepted.');
        else if (e.status === 403) showSigninError(AGENT_KEY_MESSAGE);
        else if (e.status === 429) showSigninError(`Too many requests; retry in ${e.retryAfterSeconds || 10} s.`);
        else showSigninError(e.message);
      }
    } finally {
      submit.disabled = false;
    }
  }

  function signOut(message) {
    saveCredential(null);
    state.started = false;
    stopStream();
    clearTimers();
    for (const chart of Object.values(state.charts)) chart.destroy();
    for (const timer of Object.values(state.redraw)) clearTimeout(timer);
    state.charts = {};
    state.chartModels = {};
    state.redraw = {};
    state.active.clear();
    state.terminal.clear();
    state.recent = [];
    state.agents.clear();
    for (const tbody of document.querySelectorAll('#dashboard-view tbody')) tbody.replaceChildren();
    document.body.classList.remove('is-admin');
    $('#dashboard-view').hidden = true;
    views.hideAll();
    $('#signin-view').hidden = false;
    $('#signout').hidden = true;
    $('#who').hidden = true;
    $('#team-name').textContent = '';
    setConnection('off');
    notice('');
    showSigninError(message || '');
    $('#api-key').focus();
  }

  // ---------------------------------------------------------------- the dashboard read (throttled)

  const reread = { timer: null, inflight: false, pending: false, last: 0, retryAt: 0 };

  /** Asks for a re-read of /dashboard: at most one every 3 s, never two at once. */
  function requestDashboard() {
    if (!state.credential) return;
    if (reread.inflight) {
      reread.pending = true;
      return;
    }
    if (reread.timer) return;
    const wait = Math.max(0, reread.last + DASHBOARD_MIN_INTERVAL_MS - Date.now(), reread.retryAt - Date.now());
    reread.timer = setTimeout(() => {
      reread.timer = null;
      loadDashboard().catch((e) => {
        if (e.stale) return;
        const retry = handleFailure(e, 'dashboard');
        if (retry) reread.retryAt = Date.now() + retry;
        if (state.credential && (retry || e.status === 0 || e.status >= 500)) requestDashboardLater(retry || 5000);
      });
    }, wait);
  }
  function requestDashboardLater(ms) {
    setTimeout(requestDashboard, ms);
  }

  async function loadDashboard() {
    reread.inflight = true;
    reread.last = Date.now();
    const seen = state.usageEvents;
    const credential = state.credential;
    try {
      const data = await api('/api/v1/dashboard');
      if (state.credential !== credential) return; // signed out (or in again) meanwhile
      // Usage events that arrived while the read was under way may be missing from it: keep the higher counters
      // then (the next read settles them). Otherwise the answer is the truth.
      applyDashboard(data, state.usageEvents !== seen);
      if (!state.started) startLive();
      if ($('#notice').textContent.startsWith('Too many') || $('#notice').textContent.startsWith('The server')) {
        notice('');
      }
    } catch (e) {
      e.stale = state.credential !== credential; // an answer for a credential no longer in use: nothing to do
      throw e;
    } finally {
      reread.inflight = false;
      if (reread.pending) {
        reread.pending = false;
        requestDashboard();
      }
    }
  }

  function applyDashboard(data, raced) {
    state.role = data.role;
    state.team = data.team;
    state.zone = (data.team && data.team.timezone) || 'UTC';
    document.body.classList.toggle('is-admin', data.role === 'admin');
    $('#team-name').textContent = data.team ? `· team ${data.team.name} · ${state.zone}` : '';
    $('#who').textContent = (data.role === 'admin' ? 'admin' : 'viewer (read only)')
      + (state.credential && state.credential.kind === 'none' ? ' · no authentication (--no-auth)' : '');

    const t = data.today || {};
    const previous = state.today;
    const sameDay = !!raced && previous && previous.date === t.date;
    state.today = {
      date: t.date,
      spentMicros: Math.max(micros(t.spent_usd) || 0, sameDay ? previous.spentMicros : 0),
      limitMicros: micros(t.limit_usd),
      resetsAt: t.resets_at,
      unpricedMicros: micros(t.unpriced_usd) || 0,
      unpricedModels: (t.unpriced_models || []).map((m) => m.model),
    };

    const agents = new Map();
    for (const a of data.agents || []) {
      const old = state.agents.get(a.id);
      const spent = micros(a.daily_spent_usd) || 0;
      agents.set(a.id, { ...a, limitMicros: micros(a.daily_limit_usd), heldMicros: micros(a.held_usd) || 0,
        spentMicros: sameDay && old ? Math.max(spent, old.spentMicros) : spent });
    }
    state.agents = agents;

    // Active sessions: costs only grow, so a re-read that raced a newer usage event keeps the newer counters;
    // a session known to be over (from an event or a kill) is not revived by a stale re-read.
    const active = new Map();
    for (const s of data.sessions || []) {
      if (state.terminal.has(s.id)) continue;
      const old = state.active.get(s.id);
      active.set(s.id, raced && old && micros(old.cost_usd) > micros(s.cost_usd) ? { ...s, ...pickCounters(old) } : s);
    }
    for (const [id, s] of state.extraActive) {
      if (state.terminal.has(id)) state.extraActive.delete(id);
      else if (!active.has(id)) active.set(id, s);
    }
    state.active = active;
    state.activeCount = data.active_session_count ?? active.size;
    if (state.extraActive.size === 0) state.moreCursor = data.sessions_next_cursor || null;
    const recent = [...(data.recent_sessions || [])];
    for (const s of state.terminal.values()) {
      if (!recent.some((r) => r.id === s.id)) recent.push(s);
    }
    recent.sort(newestFirst);
    state.recent = recent.slice(0, RECENT_LIMIT);
    state.tasks = data.tasks || [];
    state.alerts = data.alerts || [];

    $('#signin-view').hidden = true;
    views.show();
    $('#signout').hidden = false;
    $('#who').hidden = false;
    renderAll();
    scheduleDayRollover();
  }

  function pickCounters(s) {
    return { input_tokens: s.input_tokens, output_tokens: s.output_tokens, cost_usd: s.cost_usd,
      cache_creation_input_tokens: s.cache_creation_input_tokens, cache_read_input_tokens: s.cache_read_input_tokens };
  }
  function newestFirst(a, b) {
    const ta = Date.parse(a.ended_at || a.started_at) || 0;
    const tb = Date.parse(b.ended_at || b.started_at) || 0;
    return tb - ta || b.id - a.id;
  }

  // ---------------------------------------------------------------- rendering

  function renderAll() {
    renderToday();
    renderAgents();
    renderSessions();
    renderRecent();
    renderTasks();
    renderAlerts();
  }

  function renderToday() {
    const t = state.today;
    if (!t) return;
    const spent = usdMicros(t.spentMicros);
    if ($('#today-spent').textContent !== spent) $('#today-spent').textContent = spent;
    const limit = t.limitMicros === null ? 'no daily limit' : usdMicros(t.limitMicros);
    if ($('#today-limit').textContent !== limit) $('#today-limit').textContent = limit;
    $('#today-remaining').textContent = t.limitMicros === null ? ''
      : `(${usdMicros(Math.max(0, t.limitMicros - t.spentMicros))} left)`;
    $('#today-date').textContent = t.date ? `· ${t.date} (${state.zone})` : '';
    setBar($('#today-bar'), t.spentMicros, t.limitMicros);
    $('#today-resets').textContent = t.resetsAt ? `Resets at ${when(t.resetsAt)}.` : '';
    const unpriced = $('#today-unpriced');
    unpriced.hidden = !(t.unpricedMicros > 0);
    unpriced.textContent = t.unpricedMicros > 0 ? `Of which ${usdMicros(t.unpricedMicros)} is unpriced: estimated for `
      + `models without a price (${t.unpricedModels.join(', ') || 'no model named'}).` : '';
    const paused = state.team && state.team.paused;
    $('#team-paused').textContent = paused ? 'The team is PAUSED: every agent is told to stop.' : '';
    $('#team-paused').className = paused ? 'paused' : '';
    const actions = $('#team-actions');
    if (state.role === 'admin' && state.team) {
      let button = actions.querySelector('button');
      if (!button) {
        button = el('button', { type: 'button', class: 'team-pause' });
        button.addEventListener('click', onTeamPause);
        actions.append(button);
      }
      button.textContent = paused ? 'Resume the team' : 'Pause the whole team';
      button.classList.toggle('danger', !paused);
    } else {
      actions.replaceChildren();
    }
  }

  function renderAgents() {
    const agents = [...state.agents.values()];
    $('#agents-empty').hidden = agents.length > 0;
    syncRows($('#agents tbody'), agents, (a) => a.id, (a) => {
      const row = el('tr', { 'data-agent-id': a.id });
      row.append(el('th', { scope: 'row', class: 'name' }), el('td', { class: 'spent num' }),
        el('td', { class: 'limit num opt' }), el('td', {}, bar(`${a.name} daily budget`)),
        el('td', { class: 'active num opt' }), el('td', { class: 'state' }));
      const button = el('button', { type: 'button', class: 'pause' });
      button.dataset.key = 'pause-' + a.id;
      button.addEventListener('click', () => onAgentPause(a.id));
      row.append(el('td', { class: 'admin-only' }, button));
      return row;
    }, (row, a) => {
      row.querySelector('.name').textContent = a.name;
      const spent = row.querySelector('.spent');
      spent.textContent = usdMicros(a.spentMicros);
      if (a.heldMicros > 0) spent.append(el('span', { class: 'sub held' }, ` +${usdMicros(a.heldMicros)} held`));
      row.querySelector('.limit').textContent = a.limitMicros === null ? 'none' : usdMicros(a.limitMicros);
      setBar(row.querySelector('.bar'), a.spentMicros, a.limitMicros);
      row.querySelector('.active').textContent = String(a.active_sessions ?? '');
      const stateCell = row.querySelector('.state');
      const word = agentState(a);
      stateCell.textContent = word;
      stateCell.dataset.state = word;
      stateCell.title = word === 'held' ? `Its open holds (${usdMicros(a.heldMicros)}) fill what is left of its daily `
        + 'limit: it cannot start or reserve more until they are settled, released or expire.' : '';
      stateCell.classList.toggle('paused', !!a.paused);
      const button = row.querySelector('button.pause');
      button.textContent = a.paused ? 'Resume' : 'Pause';
      button.setAttribute('aria-label', `${a.paused ? 'Resume' : 'Pause'} agent ${a.name}`);
    });
  }

  /** paused; over (its spend reached its daily limit); held (spend plus open holds reach it); else running. */
  function agentState(a) {
    if (a.paused) return 'paused';
    if (a.limitMicros !== null && a.limitMicros !== undefined) {
      if (a.spentMicros >= a.limitMicros) return 'over';
      if (a.heldMicros > 0 && a.spentMicros + a.heldMicros >= a.limitMicros) return 'held';
    }
    return 'running';
  }

  function taskLabel(taskId) {
    if (taskId === null || taskId === undefined) return '—';
    const task = state.tasks.find((t) => t.id === taskId);
    return task ? `#${taskId} ${task.title}` : `#${taskId}`;
  }

  function sessionRow(s, withKill) {
    const row = el('tr', { 'data-session-id': s.id });
    row.append(el('th', { scope: 'row', class: 'id' }, el('a', { href: `#/sessions/${s.id}`,
      'aria-label': `Session ${s.id}: its usage events` }, '#' + s.id)), el('td', { class: 'agent' }),
    el('td', { class: 'task opt' }), el('td', { class: 'model opt' }), el('td', { class: 'started opt' }),
    el('td', { class: 'tokens opt' }), el('td', { class: 'cost num' }), el('td', { class: 'status' }));
    row.addEventListener('click', (event) => {
      if (!event.target.closest('button, a')) location.hash = `#/sessions/${s.id}`;
    });
    if (withKill) {
      const button = el('button', { type: 'button', class: 'kill danger', 'aria-label': `Kill session ${s.id}` }, 'Kill');
      button.dataset.key = 'kill-' + s.id;
      button.addEventListener('click', () => onKill(s.id));
      row.append(el('td', { class: 'admin-only' }, button));
    } else {
      row.append(el('td', { class: 'reason' }));
    }
    return row;
  }
  function updateSessionRow(row, s) {
    const set = (selector, text) => {
      const cell = row.querySelector(selector);
      if (cell.textContent !== text) cell.textContent = text;
    };
    set('.agent', s.agent_name || String(s.agent_id));
    set('.task', taskLabel(s.task_id));
    set('.model', s.model || '—');
    const started = row.querySelector('.started');
    if (started.dataset.iso !== s.started_at) {
      started.dataset.iso = s.started_at || '';
      started.replaceChildren(timeElement(s.started_at));
    }
    const before = row.querySelector('.cost').textContent;
    set('.tokens', tokens(s));
    set('.cost', usd(s.cost_usd || 0));
    set('.status', s.status);
    row.querySelector('.status').dataset.status = s.status;
    const reason = row.querySelector('.reason');
    if (reason) {
      const why = s.stop_reason || (s.status === 'killed' ? 'killed' : '');
      reason.textContent = s.stop_detail ? `${why}: ${s.stop_detail}` : why;
    }
    const kill = row.querySelector('button.kill');
    if (kill) kill.setAttribute('aria-label', `Kill session ${s.id} of ${s.agent_name || s.agent_id}`);
    if (before && before !== row.querySelector('.cost').textContent) flash(row);
  }

  function renderSessions() {
    const sessions = [...state.active.values()].sort(newestFirst);
    $('#sessions-empty').hidden = sessions.length > 0;
    syncRows($('#sessions tbody'), sessions, (s) => s.id, (s) => sessionRow(s, true), updateSessionRow);
    const total = Math.max(state.activeCount, sessions.length);
    $('#sessions-more').hidden = !state.moreCursor;
    $('#sessions-more-text').textContent = `Showing the newest ${sessions.length} of ${total} active sessions.`;
  }

  /** Reads the next page of active sessions into the list. */
  async function onMoreSessions() {
    if (!state.moreCursor || !state.team) return;
    try {
      const page = await api(`/api/v1/teams/${encodeURIComponent(state.team.id)}/sessions?cursor=`
        + encodeURIComponent(state.moreCursor));
      for (const s of page.sessions || []) {
        if (state.terminal.has(s.id)) continue;
        state.extraActive.set(s.id, s);
        if (!state.active.has(s.id)) state.active.set(s.id, s);
      }
      state.moreCursor = page.next_cursor || null;
      renderSessions();
    } catch (e) {
      handleFailure(e, 'More sessions');
    }
  }
  function renderRecent() {
    $('#recent-empty').hidden = state.recent.length > 0;
    syncRows($('#recent-sessions tbody'), state.recent, (s) => s.id, (s) => sessionRow(s, false), updateSessionRow);
  }

  function renderTasks() {
    $('#tasks-empty').hidden = state.tasks.length > 0;
    syncRows($('#tasks tbody'), state.tasks, (t) => t.id, (t) => {
      const row = el('tr', { 'data-task-id': t.id });
      row.append(el('th', { scope: 'row', class: 'title' }), el('td', { class: 'spent num' }),
        el('td', { class: 'limit num' }), el('td', {}, bar(`Task ${t.id} budget`)));
      return row;
    }, (row, t) => {
      const limit = micros(t.limit_usd ?? t.budget_usd ?? null);
      const spent = micros(t.spent_usd) || 0;
      const title = row.querySelector('.title');
      title.textContent = `#${t.id} ${t.title}`;
      if (t.tags && t.tags.length) title.append(el('span', { class: 'sub' }, ' ' + t.tags.join(', ')));
      row.querySelector('.spent').textContent = usdMicros(spent);
      row.querySelector('.limit').textContent = limit === null ? 'none' : usdMicros(limit);
      setBar(row.querySelector('.bar'), spent, limit);
    });
  }

  function renderAlerts() {
    const list = $('#alerts');
    $('#alerts-empty').hidden = state.alerts.length > 0;
    list.replaceChildren(...state.alerts.map((a) => el('li', { 'data-alert-id': a.id },
      timeElement(a.created_at), a.text || `${a.scope} reached ${a.threshold_percent}% (${usd(a.spent_usd)} of ${usd(a.limit_usd)})`)));
  }

  // ---------------------------------------------------------------- actions (admins)

  function confirmDialog(text, yesLabel) {
    const dialog = $('#confirm-dialog');
    $('#confirm-text').textContent = text;
    $('#confirm-yes').textContent = yesLabel;
    dialog.returnValue = '';
    const opener = document.activeElement;
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        resolve(dialog.returnValue === 'yes');
        if (opener && opener.isConnected) opener.focus();
      }, { once: true });
      dialog.showModal();
      $('#confirm-no').focus();
    });
  }

  async function onKill(sessionId) {
    const s = state.active.get(sessionId);
    const who = s ? ` of ${s.agent_name}` : '';
    if (!await confirmDialog(`Kill session #${sessionId}${who}? Its agent is told to stop at its next report; `
      + 'this cannot be undone.', 'Kill session')) return;
    try {
      const session = await api(`/api/v1/sessions/${encodeURIComponent(sessionId)}/kill`,
        { method: 'POST', body: { reason: 'killed from the dashboard' } });
      applySession(session);
      $('#sessions-title').focus();
    } catch (e) {
      handleFailure(e, `Killing session #${sessionId}`);
    }
  }

  async function onAgentPause(agentId) {
    const agent = state.agents.get(agentId);
    if (!agent) return;
    try {
      const answer = await api(`/api/v1/settings/agents/${encodeURIComponent(agentId)}`,
        { method: 'PATCH', body: { paused: !agent.paused } });
      agent.paused = answer && typeof answer.paused === 'boolean' ? answer.paused : !agent.paused;
      renderAgents();
    } catch (e) {
      handleFailure(e, `${agent.paused ? 'Resuming' : 'Pausing'} ${agent.name}`);
    }
  }

  async function onTeamPause() {
    const team = state.team;
    if (!team) return;
    if (!team.paused && !await confirmDialog(`Pause the whole team ${team.name}? Every agent is told to stop `
      + 'until the team is resumed.', 'Pause the team')) return;
    try {
      const answer = await api(`/api/v1/settings/teams/${encodeURIComponent(team.id)}`,
        { method: 'PATCH', body: { paused: !team.paused } });
      state.team = answer && answer.id ? answer : { ...team, paused: !team.paused };
      renderToday();
    } catch (e) {
      handleFailure(e, 'Pausing the team');
    }
  }

  // ---------------------------------------------------------------- live events

  /** Puts a session where its status says: active, or at the top of the recent ones. */
  function applySession(s, reason) {
    if (!s || s.id === undefined) return;
    if (s.status === 'active') {
      if (state.terminal.has(s.id)) return;
      const old = state.active.get(s.id);
      state.active.set(s.id, old && micros(old.cost_usd) > micros(s.cost_usd) ? { ...s, ...pickCounters(old) } : s);
      renderSessions();
      return;
    }
    views.sessionChanged(s.id);
    const over = reason && !s.stop_reason ? { ...s, stop_reason: reason } : s;
    state.terminal.set(s.id, over);
    state.active.delete(s.id);
    state.recent = [over, ...state.recent.filter((r) => r.id !== s.id)].sort(newestFirst).slice(0, RECENT_LIMIT);
    renderSessions();
    renderRecent();
  }

  function applyUsage(d) {
    state.usageEvents++;
    const cost = d.claim ? 0 : micros(d.cost_usd) || 0;
    if (d.session && d.session.id !== undefined) {
      const old = state.active.get(d.session.id) || state.recent.find((r) => r.id === d.session.id);
      const merged = { ...(old || {}), ...d.session };
      if (!merged.status) merged.status = 'active';
      if (!merged.agent_name) merged.agent_name = d.agent_name;
      views.sessionChanged(merged.id);
      if (merged.status === 'active' && !state.terminal.has(merged.id)) {
        state.active.set(merged.id, merged);
        renderSessions();
      } else {
        state.recent = state.recent.map((r) => (r.id === merged.id ? merged : r));
        renderRecent();
      }
    }
    if (state.today && cost) {
      state.today.spentMicros += cost;
      renderToday();
    }
    const agent = state.agents.get(d.agent_id);
    if (agent && cost) {
      agent.spentMicros += cost;
      renderAgents();
    }
    const taskId = d.session && d.session.task_id;
    const task = taskId !== null && taskId !== undefined && state.tasks.find((t) => t.id === taskId);
    if (task && cost) {
      task.spent_usd = ((micros(task.spent_usd) || 0) + cost) / 1e6;
      renderTasks();
    }
    const at = Date.parse(d.recorded_at) / 1000;
    const name = d.agent_name || (d.session && d.session.agent_name);
    for (const which of ['today', 'days']) {
      if (cost && !bumpChart(which, name, cost / 1e6, at)) state.chartsDirty = true;
    }
  }

  function onEvent(type, text) {
    let d = {};
    try {
      d = text ? JSON.parse(text) : {};
    } catch (e) {
      return;
    }
    switch (type) {
      case 'hello':
        break;
      case 'usage':
        applyUsage(d);
        break;
      case 'session':
        applySession(d.session);
        requestDashboard(); // agents' session counts
        break;
      case 'kill':
        applySession(d.session, d.reason);
        break;
      case 'alert':
        if (d.alert) {
          state.alerts = [d.alert, ...state.alerts.filter((a) => a.id !== d.alert.id)].slice(0, 20);
          renderAlerts();
        }
        requestDashboard();
        break;
      case 'agent': {
        const agent = state.agents.get(d.agent_id);
        if (agent && typeof d.paused === 'boolean') {
          agent.paused = d.paused;
          renderAgents();
        }
        break;
      }
      case 'team':
        if (state.team && typeof d.paused === 'boolean') {
          state.team = { ...state.team, paused: d.paused };
          renderToday();
        }
        break;
      case 'refresh':
        requestDashboard();
        state.chartsDirty = true;
        break;
      default:
        break;
    }
  }

  /** A parser for the text/event-stream format (the WHATWG "server-sent events" rules). */
  class SseParser {
    constructor(dispatch) {
      this.dispatch = dispatch;
      this.buffer = '';
      this.type = '';
      this.data = [];
      this.retry = null;
    }
    push(text) {
      this.buffer += text;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(this.buffer);
        if (!match) break;
        // A lone CR at the very end may be the first half of CRLF: wait for more.
        if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
        const line = this.buffer.slice(0, match.index);
        this.buffer = this.buffer.slice(match.index + match[0].length);
        this.line(line);
      }
    }
    line(line) {
      if (line === '') {
        if (this.data.length) this.dispatch(this.type || 'message', this.data.join('\n'));
        this.type = '';
        this.data = [];
        return;
      }
      if (line.startsWith(':')) return; // a comment: keep-alive
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.type = value;
      else if (field === 'data') this.data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
  }

  const stream = { generation: 0, controller: null, lastActivity: 0, retryMs: 1000, watchdog: null };

  function stopStream() {
    stream.generation++;
    if (stream.controller) stream.controller.abort();
    stream.controller = null;
  }

  function startStream() {
    stopStream();
    const generation = stream.generation;
    streamLoop(generation);
  }

  async function streamLoop(generation) {
    let attempt = 0;
    while (generation === stream.generation) {
      const controller = new AbortController();
      stream.controller = controller;
      let wait = null;
      try {
        setConnection('reconnecting');
        const response = await fetch('/api/v1/events', { headers: authHeaders({ Accept: 'text/event-stream' }),
          cache: 'no-store', credentials: 'omit', signal: controller.signal });
        if (generation !== stream.generation) return;
        if (response.status === 401 || response.status === 403) {
          handleFailure(new ApiError(response.status, null, '', null), 'dashboard');
          return;
        }
        if (!response.ok || !response.body) {
          const retry = Number(response.headers.get('Retry-After'));
          if (response.status === 429 && retry > 0) wait = retry * 1000;
          throw new Error('HTTP ' + response.status);
        }
        attempt = 0;
        stream.lastActivity = Date.now();
        setConnection('live');
        requestDashboard(); // whatever happened while the stream was not open
        const parser = new SseParser((type, data) => {
          if (generation === stream.generation) onEvent(type, data);
        });
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          stream.lastActivity = Date.now();
          parser.push(decoder.decode(value, { stream: true }));
          if (parser.retry) stream.retryMs = Math.min(Math.max(parser.retry, 250), MAX_BACKOFF_MS);
        }
      } catch (e) {
        // network failure, abort by the watchdog, or an unusable answer: reconnect below
      }
      if (generation !== stream.generation) return;
      setConnection('reconnecting');
      attempt++;
      const backoff = Math.min(MAX_BACKOFF_MS, stream.retryMs * 2 ** Math.min(attempt - 1, 6));
      await sleep(wait ?? backoff * (0.75 + Math.random() / 2));
    }
  }

  // ---------------------------------------------------------------- charts

  async function loadChart(which) {
    const teamId = state.team && state.team.id;
    if (teamId === undefined || teamId === null) return;
    if (which === 'days' && views.isCustom()) return; // drawn from the costs of the custom range (views.js)
    const range = which === 'today' ? 'today' : views.daysRange();
    const by = which === 'today' ? 'agent' : $('#days-by').value;
    const box = $(which === 'today' ? '#chart-today' : '#chart-days');
    const ticket = (state.chartTickets[which] || 0) + 1;
    state.chartTickets[which] = ticket; // only the newest answer is drawn (the selectors may change meanwhile)
    try {
      const data = await api(`/api/v1/teams/${encodeURIComponent(teamId)}/spend?range=${range}&by=${by}`);
      if (state.chartTickets[which] !== ticket || !state.credential) return;
      drawChart(which, chartModel(which, data));
    } catch (e) {
      if (state.chartTickets[which] !== ticket) return;
      if (e.status === 401 || e.status === 403) {
        handleFailure(e, 'dashboard');
        return;
      }
      if (e.status === 429) state.chartsDirty = true;
      if (state.charts[which]) {
        state.charts[which].destroy();
        delete state.charts[which];
      }
      delete state.chartModels[which];
      box.replaceChildren(el('p', { class: 'empty' }, e.status === 429
        ? 'Rate limited; the chart is read again shortly.' : `The chart is not available (${e.message}).`));
    }
  }

  function chartWidth(box) {
    return Math.max(280, box.clientWidth || box.parentElement.clientWidth || 500);
  }

  /** The chart's data as drawn: bucket starts (epoch seconds), one series per agent or model, totals. */
  function chartModel(which, data) {
    return {
      xs: (data.buckets || []).map((b) => Date.parse(b) / 1000),
      series: (data.series || []).map((s) => ({ name: s.name, values: s.cost_usd.map(Number) })),
      totals: (data.total_usd || []).map(Number),
      step: Number(data.bucket_seconds) || (which === 'today' ? 300 : 86400),
      zone: data.zone || state.zone,
      by: data.by || 'agent',
    };
  }

  /**
   * Adds one usage event to a chart at once (no request): its cost goes to its agent's bucket. False when it cannot
   * (no chart yet, another day, split by model): the chart is then read again later.
   */
  function bumpChart(which, name, cost, at) {
    const m = state.chartModels[which];
    if (!m || !m.xs.length || !name || m.by !== 'agent' || !(cost > 0)) return false;
    const t = Number.isFinite(at) ? at : Date.now() / 1000;
    const limit = which === 'today' ? 24 * 3600 / m.step + 12 : 32;
    while (t >= m.xs[m.xs.length - 1] + m.step) {
      if (m.xs.length >= limit) return false;
      m.xs.push(m.xs[m.xs.length - 1] + m.step);
      m.series.forEach((s) => s.values.push(0));
      m.totals.push(0);
    }
    let i = m.xs.length - 1;
    while (i >= 0 && m.xs[i] > t) i--;
    if (i < 0) return false;
    let series = m.series.find((s) => s.name === name);
    if (!series) {
      series = { name, values: m.xs.map(() => 0) };
      m.series.push(series);
    }
    series.values[i] += cost;
    m.totals[i] += cost;
    if (!state.redraw[which]) {
      state.redraw[which] = setTimeout(() => {
        state.redraw[which] = null;
        if (state.chartModels[which] === m) drawChart(which, m);
      }, 1000); // at most one redraw a second
    }
    return true;
  }

  function drawChart(which, model) {
    const box = $(which === 'today' ? '#chart-today' : '#chart-days');
    const tableBox = $(which === 'today' ? '#chart-today-table' : '#chart-days-table');
    state.chartModels[which] = model;
    if (state.charts[which]) {
      state.charts[which].destroy();
      delete state.charts[which];
    }
    const xs = model.xs;
    let series = model.series;
    if (series.length > PALETTE.length) {
      const kept = series.slice(0, PALETTE.length - 1);
      const rest = series.slice(PALETTE.length - 1);
      kept.push({ name: `${rest.length} others`, values: xs.map((_, i) => rest.reduce((sum, s) => sum + s.values[i], 0)) });
      series = kept;
    }
    const totals = model.totals;
    const cumulative = which === 'today';
    const running = (values) => {
      let sum = 0;
      return values.map((v) => (sum += v));
    };
    const anySpend = totals.some((v) => v > 0);
    renderChartTable(tableBox, which, model, series, totals);
    const from = which === 'today' ? zoomStart(model.xs, totals) : 0;
    if (which === 'today') {
      $('#chart-today-title').textContent = 'Today, per 5 minutes' + (from > 0 && anySpend
        ? `, from ${formatter({ hour: '2-digit', minute: '2-digit' }).format(new Date(xs[from] * 1000))}` : '');
    } else {
      $('#chart-days-title').textContent = model.title || (xs.length > 7 ? 'Last 30 days' : 'Last 7 days')
        + `, per day by ${model.by}`;
    }
    if (!anySpend || !xs.length) {
      box.replaceChildren(el('p', { class: 'empty' }, which === 'today' ? 'No spend today yet.' : 'No spend in this range yet.'));
      return;
    }
    if (typeof window.uPlot !== 'function') {
      box.replaceChildren(el('p', { class: 'empty' }, 'The chart library did not load; see the table below.'));
      return;
    }
    box.replaceChildren();
    const zone = model.zone;
    const plotted = series.map((s) => (cumulative ? running(s.values) : s.values).slice(from));
    const total = (cumulative ? running(totals) : totals).slice(from);
    const opts = {
      width: chartWidth(box),
      height: 220,
      tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1e3), zone),
      scales: { x: { time: true } },
      axes: [{}, { size: 64, values: (u, ticks) => ticks.map((v) => usd(v)) }],
      series: [
        { label: which === 'today' ? 'Time' : 'Day', value: (u, v) => (v === null || v === undefined ? '—'
          : formatter(which === 'today' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' })
            .format(new Date(v * 1000))) },
        ...series.map((s, i) => ({ label: s.name, stroke: PALETTE[i % PALETTE.length], width: 1.5,
          points: { show: !cumulative }, value: (u, v) => (v === null || v === undefined ? '—' : usd(v)) })),
        { label: 'Total', stroke: '#17202e', width: 2, dash: [6, 4], points: { show: !cumulative },
          value: (u, v) => (v === null || v === undefined ? '—' : usd(v)) },
      ],
    };
    state.charts[which] = new window.uPlot(opts, [xs.slice(from), ...plotted, total], box);
  }

  /**
   * Where the today chart starts: half an hour before the first spend of the day, or three hours before now when
   * that is earlier, so the active part of the day fills the chart instead of a spike at its right edge.
   */
  function zoomStart(xs, totals) {
    const first = totals.findIndex((v) => v > 0);
    if (first < 0) return 0;
    const lastHours = Math.max(0, xs.length - 36);
    return Math.max(0, Math.min(first - 6, lastHours));
  }

  function renderChartTable(tableBox, which, model, series, totals) {
    const rows = [];
    const whenFormat = formatter(which === 'today' ? { hour: '2-digit', minute: '2-digit' }
      : { year: 'numeric', month: 'short', day: 'numeric' });
    model.xs.forEach((x, i) => {
      if (!(totals[i] > 0)) return;
      rows.push(el('tr', {}, el('th', { scope: 'row' }, whenFormat.format(new Date(x * 1000))),
        ...series.map((s) => el('td', { class: 'num' }, usd(s.values[i]))), el('td', { class: 'num' }, usd(totals[i]))));
    });
    if (!rows.length) {
      tableBox.replaceChildren(el('p', { class: 'empty' }, 'No spend in this range yet.'));
      return;
    }
    const caption = which === 'today' ? 'Spend per 5 minutes today (periods with no spend are left out)'
      : `Spend per day, by ${model.by} (days with no spend are left out)`;
    tableBox.replaceChildren(el('table', {}, el('caption', {}, caption),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, which === 'today' ? 'From' : 'Day'),
        ...series.map((s) => el('th', { scope: 'col', class: 'num' }, s.name)), el('th', { scope: 'col', class: 'num' }, 'Total'))),
      el('tbody', {}, ...rows)));
  }

  // ---------------------------------------------------------------- timers

  const timers = { charts: null, poll: null, watchdog: null, rollover: null };

  function clearTimers() {
    for (const key of Object.keys(timers)) {
      clearInterval(timers[key]);
      clearTimeout(timers[key]);
      timers[key] = null;
    }
    clearTimeout(reread.timer);
    reread.timer = null;
  }

  function scheduleDayRollover() {
    clearTimeout(timers.rollover);
    const at = state.today && Date.parse(state.today.resetsAt);
    if (!at) return;
    const ms = Math.min(Math.max(at - Date.now() + 1000, 1000), 6 * 3600 * 1000);
    timers.rollover = setTimeout(() => {
      requestDashboard();
      state.chartsDirty = true;
    }, ms);
  }

  function startLive() {
    state.started = true;
    startStream();
    loadChart('today');
    loadChart('days');
    views.loadCosts();
    timers.charts = setInterval(() => {
      if (!state.chartsDirty) return;
      state.chartsDirty = false;
      loadChart('today');
      loadChart('days');
      views.loadCosts();
    }, CHART_INTERVAL_MS);
    // Without the stream (reconnecting), the figures are read every 15 s instead.
    timers.poll = setInterval(() => {
      if ($('#connection').dataset.state !== 'live') requestDashboard();
    }, 15000);
    // A stream that has gone quiet past the keep-alive period is dead: reconnect.
    timers.watchdog = setInterval(() => {
      if (stream.controller && $('#connection').dataset.state === 'live'
        && Date.now() - stream.lastActivity > STREAM_IDLE_MS) {
        stream.controller.abort();
      }
    }, 5000);
    if (!document.activeElement || document.activeElement === document.body
      || document.activeElement.closest('#signin')) {
      $('#main').focus({ preventScroll: true });
    }
  }

  // ---------------------------------------------------------------- start

  function start() {
    views = window.EntourageViews({ $, el, api, authHeaders, usd, timeElement, tokens, count, state, handleFailure,
      taskLabel, notice, drawDays: (model) => drawChart('days', model), rangeChanged: () => loadChart('days') });
    $('#signin').addEventListener('submit', onSignin);
    $('#signout').addEventListener('click', () => signOut('Signed out.'));
    $('#sessions-more-button').addEventListener('click', onMoreSessions);
    $('#days-by').addEventListener('change', () => loadChart('days'));
    if ('ResizeObserver' in window) {
      const observer = new ResizeObserver(() => {
        for (const [which, chart] of Object.entries(state.charts)) {
          const box = $(which === 'today' ? '#chart-today' : '#chart-days');
          const width = chartWidth(box);
          if (Math.abs(chart.width - width) > 4) chart.setSize({ width, height: 220 });
        }
      });
      observer.observe($('#dashboard-view'));
    }
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(CREDENTIAL_KEY) || 'null');
    } catch (e) {
      saved = null;
    }
    if (saved && (saved.kind === 'key' || saved.kind === 'bearer') && typeof saved.value === 'string') {
      state.credential = saved;
      setConnection('reconnecting');
      loadDashboard().catch((e) => {
        if (e.status === 401 || e.status === 403) handleFailure(e, 'dashboard');
        else {
          const retry = handleFailure(e, 'dashboard');
          requestDashboardLater(retry || 5000); // keep trying with the saved credential
        }
      });
    } else {
      setConnection('off');
      probeNoAuth();
    }
  }

  /** A bridge started with --no-auth answers without credentials: then the page needs no sign-in. */
  async function probeNoAuth() {
    state.credential = { kind: 'none' };
    try {
      await loadDashboard();
    } catch (e) {
      state.credential = null; // the usual case: 401, sign in
      setConnection('off');
    }
  }

  // For tests in the browser (examples/dashboard/e2e.mjs): the stream parser, which holds no data.
  window.EntourageDashboard = Object.freeze({ SseParser });

  start();
})();
