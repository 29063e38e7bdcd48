// Entourage dashboard: the views beside the main page — a session's drill-down (#/sessions/ID), an agent's sessions
// (#/agents/ID/sessions) — and the costs of a date range with its CSV export. app.js calls window.EntourageViews(kit)
// once with its helpers; the credential stays in app.js and travels only in request headers.
'use strict';

window.EntourageViews = (kit) => {
  const { $, el, api, authHeaders, usd, timeElement, tokens, state, handleFailure, taskLabel, notice } = kit;
  const PAGE = 100;
  const view = { kind: 'dashboard', sessionId: null, before: null, ticket: 0, refresh: null, costs: null, costsTicket: 0 };

  // ---------------------------------------------------------------- routes

  function route() {
    const hash = location.hash || '';
    let m = /^#\/sessions\/(\d+)$/.exec(hash);
    if (m) return { kind: 'session', id: Number(m[1]) };
    m = /^#\/agents\/(\d+)\/sessions$/.exec(hash);
    if (m) return { kind: 'agent', id: Number(m[1]) };
    return { kind: 'dashboard' };
  }

  /** Shows the view the address names (after each dashboard read, and when the address changes). */
  function show() {
    const r = route();
    const changed = r.kind !== view.kind || (r.kind !== 'dashboard' && r.id !== view.sessionId);
    $('#dashboard-view').hidden = r.kind !== 'dashboard';
    $('#session-view').hidden = r.kind !== 'session';
    $('#agent-view').hidden = r.kind !== 'agent';
    view.kind = r.kind;
    if (!changed) return;
    view.sessionId = r.kind === 'dashboard' ? null : r.id;
    if (r.kind === 'session') openSession(r.id, false);
    if (r.kind === 'agent') openAgent(r.id);
  }

  function hideAll() {
    for (const id of ['#session-view', '#agent-view']) $(id).hidden = true;
    view.kind = 'dashboard';
    view.sessionId = null;
  }

  // ---------------------------------------------------------------- a session's drill-down

  function fact(name, value) {
    const dd = $(`#session-facts [data-field="${name}"]`);
    dd.replaceChildren(value instanceof Node ? value : document.createTextNode(value ?? '—'));
  }

  function renderSession(s) {
    $('#session-title').textContent = `Session #${s.id}`;
    fact('agent', el('a', { href: `#/agents/${s.agent_id}/sessions` }, `${s.agent_name} (all its sessions)`));
    fact('status', s.status);
    fact('task', taskLabel(s.task_id));
    fact('model', s.model || '—');
    fact('started', timeElement(s.started_at));
    fact('ended', s.ended_at ? timeElement(s.ended_at) : '—');
    fact('tokens', tokens(s));
    fact('cost', usd(s.cost_usd || 0));
    fact('stop_reason', s.stop_reason || '—');
    fact('stop_detail', s.stop_detail || '—');
  }

  function eventRow(e) {
    const source = el('td', { class: 'source' }, e.cost_source);
    if (e.cost_source === 'unpriced') source.title = 'no price for this model: estimated at its family\'s dearest row or the default';
    if (e.cost_source === 'estimated') source.title = 'a tier, speed or region without a price: priced at standard rates';
    return el('tr', { 'data-event-id': e.event_id },
      el('td', { class: 'time' }, timeElement(e.reported_at)), el('td', { class: 'model' }, e.model || '—'),
      el('td', { class: 'tokens' }, tokens(e)), el('td', { class: 'cost num' }, usd(e.cost_usd)), source,
      el('td', { class: 'answer' }, e.action === 'stop' ? `stop (${e.stop_reason || 'stop'})` : e.action));
  }

  async function openSession(id, keep) {
    const ticket = ++view.ticket;
    if (!keep) {
      $('#session-title').textContent = `Session #${id}`;
      $('#session-error').hidden = true;
      $('#session-events tbody').replaceChildren();
      $('#session-more').hidden = true;
      $('#session-title').focus({ preventScroll: true });
    }
    try {
      const page = await api(`/api/v1/sessions/${encodeURIComponent(id)}/usage?limit=${PAGE}`);
      if (ticket !== view.ticket || view.sessionId !== id) return;
      renderSession(page.session);
      $('#session-events tbody').replaceChildren(...page.events.map(eventRow));
      $('#session-events-empty').hidden = page.events.length > 0;
      view.before = page.next_before;
      $('#session-more').hidden = page.next_before === null;
    } catch (e) {
      if (ticket !== view.ticket) return;
      if (e.status === 404 || e.status === 403) {
        $('#session-error').textContent = `Session #${id} is not one of your team's sessions.`;
        $('#session-error').hidden = false;
      } else handleFailure(e, `Session #${id}`);
    }
  }

  async function olderEvents() {
    const id = view.sessionId;
    if (view.before === null || id === null) return;
    try {
      const page = await api(`/api/v1/sessions/${encodeURIComponent(id)}/usage?limit=${PAGE}&before=${view.before}`);
      if (view.sessionId !== id) return;
      $('#session-events tbody').append(...page.events.map(eventRow));
      view.before = page.next_before;
      $('#session-more').hidden = page.next_before === null;
    } catch (e) {
      handleFailure(e, `Session #${id}`);
    }
  }

  /** A usage event or a change of session {@code id}: the open drill-down reads it again (at most once a second). */
  function sessionChanged(id) {
    if (view.kind !== 'session' || view.sessionId !== id || view.refresh) return;
    view.refresh = setTimeout(() => {
      view.refresh = null;
      if (view.kind === 'session' && view.sessionId === id) openSession(id, true);
    }, 1000);
  }

  // ---------------------------------------------------------------- an agent's sessions

  async function openAgent(id) {
    const ticket = ++view.ticket;
    const agent = state.agents.get(id);
    $('#agent-title').textContent = `Sessions of ${agent ? agent.name : 'agent #' + id}`;
    $('#agent-sessions tbody').replaceChildren();
    $('#agent-title').focus({ preventScroll: true });
    try {
      const answer = await api(`/api/v1/agents/${encodeURIComponent(id)}/sessions?limit=100`);
      if (ticket !== view.ticket) return;
      $('#agent-sessions-empty').hidden = answer.sessions.length > 0;
      $('#agent-sessions tbody').replaceChildren(...answer.sessions.map((s) => el('tr', { 'data-session-id': s.id },
        el('th', { scope: 'row' }, el('a', { href: `#/sessions/${s.id}` }, '#' + s.id)),
        el('td', { class: 'opt' }, taskLabel(s.task_id)), el('td', { class: 'opt' }, s.model || '—'),
        el('td', {}, timeElement(s.started_at)), el('td', { class: 'num' }, usd(s.cost_usd || 0)),
        el('td', {}, s.status), el('td', {}, s.stop_detail ? `${s.stop_reason}: ${s.stop_detail}` : (s.stop_reason || '')))));
    } catch (e) {
      if (ticket === view.ticket) handleFailure(e, 'The agent\'s sessions');
    }
  }

  // ---------------------------------------------------------------- costs of a range, and its CSV

  function shiftDay(isoDate, days) {
    const [y, m, d] = isoDate.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
  }

  /** The range on screen as {since, until} (dates of the team's zone), or null with a message when it is unusable. */
  function range() {
    const choice = $('#range').value;
    const custom = choice === 'custom';
    $('#range-custom').hidden = !custom;
    if (custom) {
      const since = $('#range-from').value;
      const until = $('#range-to').value;
      if (!since || !until) return { error: 'Choose both dates of the custom range.' };
      if (until < since) return { error: 'The range ends before it starts.' };
      return { since, until };
    }
    const today = state.today && state.today.date;
    if (!today) return { error: 'Not loaded yet.' };
    const days = choice === '30d' ? 30 : choice === '7d' ? 7 : 1;
    return { since: shiftDay(today, 1 - days), until: today };
  }

  const GROUPS = {
    agent: ['by_agent', 'agent_name', 'Agent'],
    model: ['by_model', 'model', 'Model'],
    task: ['by_task', 'task_title', 'Task'],
    day: ['by_day', 'day', 'Day'],
  };

  async function loadCosts() {
    const teamId = state.team && state.team.id;
    if (teamId === undefined || teamId === null) return;
    const r = range();
    const message = $('#costs-error');
    message.textContent = r.error || '';
    message.hidden = !r.error;
    $('#export-csv').disabled = !!r.error;
    if (r.error) return;
    const ticket = ++view.costsTicket;
    try {
      const data = await api(`/api/v1/teams/${encodeURIComponent(teamId)}/costs?since=${r.since}&until=${r.until}`);
      if (ticket !== view.costsTicket) return;
      view.costs = data;
      renderCosts();
      if ($('#range').value === 'custom') kit.drawDays(daysModel(data));
    } catch (e) {
      if (ticket !== view.costsTicket) return;
      if (e.status === 400) {
        message.textContent = e.message;
        message.hidden = false;
      } else handleFailure(e, 'Costs');
    }
  }

  function renderCosts() {
    const data = view.costs;
    if (!data) return;
    const [field, nameField, heading] = GROUPS[$('#costs-by').value] || GROUPS.agent;
    const rows = (data[field] || []).map((g) => el('tr', {},
      el('th', { scope: 'row' }, (g[nameField] ?? (field === 'by_task' ? 'no task' : '—'))
        + (Number(g.unpriced_usd) > 0 ? ` (unpriced: ${usd(g.unpriced_usd)})` : '')),
      el('td', { class: 'num' }, usd(g.cost_usd)), el('td', { class: 'num opt' }, kit.count.format(g.input_tokens)),
      el('td', { class: 'num opt' }, kit.count.format(g.output_tokens)), el('td', { class: 'num' }, String(g.sessions))));
    rows.push(el('tr', { class: 'total' }, el('th', { scope: 'row' }, 'Total'), el('td', { class: 'num' }, usd(data.total_cost_usd)),
      el('td', { class: 'num opt' }, kit.count.format(data.total_input_tokens)),
      el('td', { class: 'num opt' }, kit.count.format(data.total_output_tokens)),
      el('td', { class: 'num' }, String((data.sessions || []).length))));
    const span = data.since === data.until ? data.since : `${data.since} to ${data.until}`;
    $('#costs-title').textContent = `Costs ${span}`
      + (Number(data.unpriced_usd) > 0 ? ` · ${usd(data.unpriced_usd)} unpriced (models without a price)` : '');
    $('#costs-table').replaceChildren(el('table', { id: 'costs' }, el('caption', { class: 'sr-only' }, `Costs ${span} by ${heading.toLowerCase()}`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, heading), el('th', { scope: 'col', class: 'num' }, 'Cost'),
        el('th', { scope: 'col', class: 'num opt' }, 'Input'), el('th', { scope: 'col', class: 'num opt' }, 'Output'),
        el('th', { scope: 'col', class: 'num' }, 'Sessions'))),
      el('tbody', {}, ...rows)));
  }

  /** The days chart of a custom range: the costs report's days, one total per day (noon UTC: the same date anywhere). */
  function daysModel(data) {
    const days = data.by_day || [];
    return {
      xs: days.map((d) => Date.parse(d.day + 'T12:00:00Z') / 1000),
      series: [{ name: 'Total', values: days.map((d) => Number(d.cost_usd)) }],
      totals: days.map((d) => Number(d.cost_usd)),
      step: 86400,
      zone: 'UTC',
      by: 'total',
      title: `${data.since} to ${data.until}, per day`,
    };
  }

  /** Downloads the CSV of the range and grouping on screen: fetched with the key in a header, saved from a blob. */
  async function exportCsv() {
    const r = range();
    const teamId = state.team && state.team.id;
    if (r.error || teamId === undefined) return;
    const by = $('#costs-by').value;
    try {
      const response = await fetch(`/api/v1/teams/${encodeURIComponent(teamId)}/costs?format=csv&since=${r.since}`
        + `&until=${r.until}&by=${by}`, { headers: authHeaders({ Accept: 'text/csv' }), cache: 'no-store', credentials: 'omit' });
      if (!response.ok) {
        handleFailure({ status: response.status, message: `HTTP ${response.status}` }, 'Export');
        return;
      }
      const blob = await response.blob();
      const named = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: named ? named[1] : `costs-${r.since}-${r.until}.csv`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      notice('');
    } catch (e) {
      notice('Export: the server cannot be reached.');
    }
  }

  function start() {
    window.addEventListener('hashchange', () => {
      if (state.team) show();
    });
    $('#session-more').addEventListener('click', olderEvents);
    $('#range').addEventListener('change', () => {
      loadCosts();
      kit.rangeChanged();
    });
    $('#range-from').addEventListener('change', loadCosts);
    $('#range-to').addEventListener('change', loadCosts);
    $('#costs-by').addEventListener('change', renderCosts);
    $('#export-csv').addEventListener('click', exportCsv);
  }

  start();
  return Object.freeze({ show, hideAll, sessionChanged, loadCosts, isCustom: () => $('#range').value === 'custom',
    daysRange: () => ($('#range').value === '30d' ? '30d' : '7d') });
};
