/*
 * The control plane's per-tenant dashboard. No build step: plain ES2017 and uPlot (served from its WebJar).
 *
 * URL: /dashboard/<tenant>#token=<token>[&from=<ISO instant>&to=<ISO instant>]
 * The token is taken from the fragment (never sent to the server in a URL) or from the sign-in form, kept in this
 * tab's sessionStorage, and removed from the address bar. Data comes from GET /api/v1/tenants/<tenant>/summary.
 */
(function () {
  'use strict';

  var REFRESH_MS = 30000;
  var state = { tenant: '', token: '', from: null, to: null, hours: 24, chart: null, timer: null };

  function $(id) { return document.getElementById(id); }
  function show(id, visible) { $(id).classList.toggle('hidden', !visible); }
  function storageKey(tenant) { return 'lunar.control-plane.token.' + tenant; }

  function fmtInt(n) { return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function fmtRate(r) { return (r * 100).toFixed(2) + ' %'; }
  function fmtMs(ms) { return ms == null ? '–' : (ms >= 100 ? fmtInt(ms) : ms.toFixed(1)) + ' ms'; }

  function message(text) {
    $('message').textContent = text || '';
    show('message', !!text);
  }

  function init() {
    var parts = location.pathname.split('/').filter(function (p) { return p.length > 0; });
    state.tenant = parts.length >= 2 ? decodeURIComponent(parts[1]) : '';
    var frag = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (frag.get('from') && frag.get('to')) {
      state.from = frag.get('from');
      state.to = frag.get('to');
    }
    if (frag.get('token') && state.tenant) {
      sessionStorage.setItem(storageKey(state.tenant), frag.get('token'));
      frag.delete('token');
      var rest = frag.toString();
      history.replaceState(null, '', location.pathname + (rest ? '#' + rest : ''));
    }
    state.token = state.tenant ? (sessionStorage.getItem(storageKey(state.tenant)) || '') : '';

    $('login-form').addEventListener('submit', onLogin);
    $('refresh').addEventListener('click', load);
    $('logout').addEventListener('click', logout);
    $('sent-link').addEventListener('click', downloadSent);
    $('range').addEventListener('change', function () {
      state.hours = parseInt($('range').value, 10);
      state.from = null;
      state.to = null;
      load();
    });
    window.addEventListener('resize', function () {
      if (state.chart) { state.chart.setSize({ width: chartWidth(), height: 280 }); }
    });

    if (state.from) {
      var custom = document.createElement('option');
      custom.value = 'custom';
      custom.textContent = state.from + ' – ' + state.to;
      $('range').appendChild(custom);
      $('range').value = 'custom';
    }
    if (!state.tenant || !state.token) {
      showLogin('');
    } else {
      load();
    }
  }

  function showLogin(why) {
    message(why);
    show('dashboard', false);
    show('range-nav', false);
    show('login', true);
    $('login-tenant').value = state.tenant;
    (state.tenant ? $('login-token') : $('login-tenant')).focus();
    document.body.setAttribute('data-state', 'login');
  }

  function onLogin(event) {
    event.preventDefault();
    var tenant = $('login-tenant').value.trim();
    var token = $('login-token').value.trim();
    if (!tenant || !token) { return; }
    sessionStorage.setItem(storageKey(tenant), token);
    $('login-token').value = '';
    if (tenant !== state.tenant) {
      location.assign('/dashboard/' + encodeURIComponent(tenant) + location.hash);
      return;
    }
    state.token = token;
    load();
  }

  function logout() {
    sessionStorage.removeItem(storageKey(state.tenant));
    state.token = '';
    if (state.timer) { clearTimeout(state.timer); }
    showLogin('Signed out.');
  }

  function range() {
    if (state.from && state.to) { return { from: state.from, to: state.to }; }
    var to = new Date();
    var from = new Date(to.getTime() - state.hours * 3600 * 1000);
    return { from: from.toISOString(), to: to.toISOString() };
  }

  // "What we sent about you": the audit trail's entries about this tenant in the range, saved as a JSON file
  // (the API needs the bearer token, so a plain link cannot fetch it).
  function downloadSent(event) {
    event.preventDefault();
    var r = range();
    fetch('/api/v1/tenants/' + encodeURIComponent(state.tenant) + '/sent?from=' + encodeURIComponent(r.from)
        + '&to=' + encodeURIComponent(r.to), { headers: { 'Authorization': 'Bearer ' + state.token,
        'Accept': 'application/json' }, cache: 'no-store', credentials: 'omit' })
      .then(function (res) { if (!res.ok) { throw new Error('HTTP ' + res.status); } return res.blob(); })
      .then(function (blob) {
        var a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'sent-about-' + state.tenant + '.json';
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
      })
      .catch(function (err) { message('Could not load what was sent: ' + err.message); });
  }

  function load() {
    if (state.timer) { clearTimeout(state.timer); state.timer = null; }
    var r = range();
    var url = '/api/v1/tenants/' + encodeURIComponent(state.tenant) + '/summary?from='
        + encodeURIComponent(r.from) + '&to=' + encodeURIComponent(r.to);
    document.body.setAttribute('data-state', 'loading');
    fetch(url, { headers: { 'Authorization': 'Bearer ' + state.token, 'Accept': 'application/json' },
                 cache: 'no-store', credentials: 'omit' })
      .then(function (res) {
        if (res.status === 401 || res.status === 403) {
          sessionStorage.removeItem(storageKey(state.tenant));
          state.token = '';
          return res.json().catch(function () { return {}; }).then(function (body) {
            showLogin('The token was not accepted for tenant ' + state.tenant + ' (' + res.status + '). '
                + (body.message || ''));
          });
        }
        if (!res.ok) {
          return res.json().catch(function () { return {}; }).then(function (body) {
            throw new Error('HTTP ' + res.status + ': ' + (body.message || res.statusText));
          });
        }
        return res.json().then(render);
      })
      .catch(function (err) {
        message('Could not load the data: ' + err.message);
        document.body.setAttribute('data-state', 'error');
      })
      .then(function () {
        if (state.token && !state.from) { state.timer = setTimeout(load, REFRESH_MS); }
      });
  }

  function render(s) {
    message('');
    show('login', false);
    show('dashboard', true);
    show('range-nav', true);
    $('tenant-name').textContent = '— ' + s.tenant;
    document.title = 'Lunar control plane — ' + s.tenant;

    var t = s.totals;
    $('total-calls').textContent = fmtInt(t.calls);
    $('total-errors').textContent = fmtInt(t.errors);
    $('error-rate').textContent = fmtRate(t.errorRate);
    $('error-rate').classList.toggle('bad', t.errorRate >= 0.05);
    $('provider-count').textContent = fmtInt(t.providers);
    $('latency-avg').textContent = t.calls > 0 ? fmtMs(t.latencyAvgMs) : '–';

    fillTable('providers', s.providers, function (p) {
      return [cell(p.provider), num(fmtInt(p.endpoints)), num(fmtInt(p.calls)), num(fmtInt(p.errors)),
              rateCell(p.errorRate), num(fmtMs(p.latencyAvgMs)), num(fmtMs(p.latencyMaxMs))];
    });
    fillTable('endpoints', s.endpoints, function (e) {
      var c = e.statusClasses;
      var path = cell(e.method + ' ' + e.pathTemplate);
      path.className = 'path';
      return [cell(e.provider), path, num(fmtInt(e.calls)), num(fmtInt(e.errors)), rateCell(e.errorRate),
              num(fmtInt(c['2xx'])), num(fmtInt(c['3xx'])), num(fmtInt(c['4xx'])), num(fmtInt(c['5xx'])),
              num(fmtMs(e.latencyAvgMs)), num(fmtMs(e.latencyWorstWindowP95Ms)), num(fmtMs(e.latencyMaxMs))];
    });
    renderChart(s.series, s.from, s.to);

    $('status').textContent = 'Windows ' + s.from + ' – ' + s.to + ' · ' + fmtInt(t.windows) + ' window(s) with data'
        + ' · loaded ' + new Date().toISOString();
    document.body.setAttribute('data-state', 'ready');
  }

  function cell(text) { var td = document.createElement('td'); td.textContent = text; return td; }
  function num(text) { var td = cell(text); td.className = 'num'; return td; }
  function rateCell(rate) { var td = num(fmtRate(rate)); if (rate >= 0.05) { td.className = 'num bad'; } return td; }

  function fillTable(id, rows, toCells) {
    var body = $(id).querySelector('tbody');
    while (body.firstChild) { body.removeChild(body.firstChild); }
    if (rows.length === 0) {
      var tr = document.createElement('tr');
      var td = cell('No calls in this range.');
      td.colSpan = $(id).querySelectorAll('thead th').length;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      toCells(row).forEach(function (td) { tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  function chartWidth() { return Math.max(320, $('chart').clientWidth || 800); }

  /** Whole numbers only on the count axis: 0.2 calls per window means nothing. */
  var COUNT_INCRS = (function () {
    var out = [];
    for (var p = 1; p <= 1e12; p *= 10) { out.push(p, 2 * p, 5 * p); }
    return out;
  })();

  /*
   * Calls and errors per window as bars: each bar starts at its window's start and is as wide as the window (at
   * least 3 px, so one window in a 7-day range stays visible); errors are drawn over calls, being a part of them.
   * The x axis always spans the range that was asked for ([from, to) of the answer), never just the data: with one
   * window uPlot's own choice for a time scale is that instant plus 1000 days. A range without windows shows
   * "No data in this range" and no chart at all.
   */
  function renderChart(series, from, to) {
    if (state.chart) { state.chart.destroy(); state.chart = null; window.lunarChart = null; }
    var empty = series.length === 0;
    $('chart-empty').textContent = empty ? 'No data in this range (' + from + ' – ' + to + ').' : '';
    show('chart-empty', empty);
    show('chart', !empty);
    if (empty) { return; }

    var xMin = Date.parse(from) / 1000;
    var xMax = Date.parse(to) / 1000;
    var xs = series.map(function (p) { return Date.parse(p.windowStart) / 1000; });
    var lengths = series.map(function (p) { return p.windowLengthMs / 1000; });
    var data = [xs, series.map(function (p) { return p.calls; }), series.map(function (p) { return p.errors; })];
    var windowBars = uPlot.paths.bars({
      size: [1, Infinity, 3],
      gap: 1,
      disp: {
        x0: { unit: 1, values: function (u) { return u.data[0]; } },
        size: { unit: 1, values: function () { return lengths; } }
      }
    });
    var opts = {
      width: chartWidth(),
      height: 280,
      scales: {
        x: { time: true, range: function () { return [xMin, xMax]; } },
        y: { range: function (u, min, max) { return [0, Math.max(1, (max || 0) * 1.1)]; } }
      },
      series: [
        { label: 'Window start (UTC)' },
        { label: 'Calls', stroke: '#2563eb', fill: 'rgba(37,99,235,0.55)', width: 1, paths: windowBars,
          points: { show: false } },
        { label: 'Errors', stroke: '#dc2626', fill: 'rgba(220,38,38,0.85)', width: 1, paths: windowBars,
          points: { show: false } }
      ],
      axes: [
        {},
        { label: 'calls, errors per window', incrs: COUNT_INCRS,
          values: function (u, splits) { return splits.map(fmtInt); },
          size: function (u, values) {
            var longest = (values || []).reduce(function (m, v) { return Math.max(m, String(v).length); }, 1);
            return 30 + 8 * longest;
          } }
      ],
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); }
    };
    state.chart = new uPlot(opts, data, $('chart'));
    window.lunarChart = state.chart; // read by the browser test (scales.x.min/max)
  }

  document.addEventListener('DOMContentLoaded', init);
})();
