// a2a-pipe live page (docs/web.md). Vanilla JavaScript, no dependencies.
//
// Talks to the server only through its A2A 1.0 JSON-RPC endpoint (POST /, A2A-Version: 1.0),
// like any other client: SendStreamingMessage to run, CancelTask to cancel, SubscribeToTask to
// re-attach after a reload, GetTask for a run that ended meanwhile.
//
// Safety rule: text that comes from agents (output, stage tails, errors, status messages) is
// only ever put into the page with textContent / createTextNode. Nothing is parsed as HTML.
'use strict';

(function () {
  const PROGRESS_URI = 'https://a2a-pipe.dev/extensions/progress/v1';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const RUN_KEY = 'a2a-pipe.run:' + location.pathname;
  const TOKEN_KEY = 'a2a-pipe.token';
  const TERMINAL = {
    TASK_STATE_COMPLETED: 'completed', TASK_STATE_FAILED: 'failed',
    TASK_STATE_CANCELED: 'canceled', TASK_STATE_REJECTED: 'failed',
  };
  const INTERRUPTED = { TASK_STATE_INPUT_REQUIRED: 'input-required', TASK_STATE_AUTH_REQUIRED: 'auth-required' };

  const $ = (id) => document.getElementById(id);
  const graph = JSON.parse($('graph-data').textContent);

  // ---------------------------------------------------------------- state

  const run = {
    taskId: null,
    input: '',
    startedAt: 0,        // Date.now() when the run started (kept across reloads)
    finishedAt: 0,
    phase: 'idle',       // idle | starting | running | completed | failed | canceled | lost | input-required
    controller: null,    // AbortController of the open stream
    artifacts: new Map(), // artifactId -> text
    stages: new Map(),   // stage id -> latest payload entry, plus receivedAt
    progress: 0,
    pendingAction: null, // what to redo after a token was entered
  };

  // ---------------------------------------------------------------- graph

  const NODE_W = 200, NODE_H = 92, COL_GAP = 70, ROW_GAP = 22, PAD = 12, OUT_W = 90, OUT_H = 40;
  const nodes = new Map(); // id -> {g, meter, meta, tail, tailTitle, x, y}

  function svg(name, attrs, parent) {
    const el = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    if (parent) parent.appendChild(el);
    return el;
  }

  function svgText(parent, cls, x, y, text) {
    const t = svg('text', { class: cls, x, y }, parent);
    t.textContent = text;
    return t;
  }

  function drawGraph() {
    const root = $('graph');
    const columns = Math.max(0, ...graph.stages.map((s) => s.column)) + 1;
    const rowsIn = new Map();
    for (const s of graph.stages) rowsIn.set(s.column, Math.max(rowsIn.get(s.column) || 0, s.row + 1));
    const maxRows = Math.max(1, ...rowsIn.values());
    const height = PAD * 2 + maxRows * NODE_H + (maxRows - 1) * ROW_GAP;
    const width = PAD * 2 + columns * (NODE_W + COL_GAP) + OUT_W;
    root.setAttribute('viewBox', `0 0 ${width} ${height}`);
    root.setAttribute('width', String(width));

    const defs = svg('defs', {}, root);
    for (const id of ['arrow', 'arrow-each']) {
      const m = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }, m);
    }
    const edges = svg('g', { class: 'edges' }, root);
    const place = new Map();
    for (const s of graph.stages) {
      const rows = rowsIn.get(s.column);
      const offset = (maxRows - rows) * (NODE_H + ROW_GAP) / 2; // centre short columns
      place.set(s.id, { x: PAD + s.column * (NODE_W + COL_GAP), y: PAD + offset + s.row * (NODE_H + ROW_GAP) });
    }
    const out = { x: PAD + columns * (NODE_W + COL_GAP), y: height / 2 - OUT_H / 2 };

    function curve(from, to, fromH, toH, cls, marker, label) {
      const x1 = from.x + NODE_W, y1 = from.y + fromH / 2, x2 = to.x - 2, y2 = to.y + toH / 2;
      const dx = Math.max(30, (x2 - x1) / 2);
      svg('path', { class: 'edge ' + cls, d: `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`, 'marker-end': `url(#${marker})` }, edges);
      if (label) svgText(edges, 'edge-label', (x1 + x2) / 2 - 22, (y1 + y2) / 2 - 6, label);
    }
    for (const e of graph.edges) {
      const a = place.get(e.from), b = place.get(e.to);
      if (!a || !b) continue;
      if (e.kind === 'for_each') curve(a, b, NODE_H, NODE_H, 'for-each', 'arrow-each', 'for_each');
      else curve(a, b, NODE_H, NODE_H, 'whole', 'arrow', null);
    }
    for (const id of graph.output) {
      const a = place.get(id);
      if (a) curve(a, out, NODE_H, OUT_H, 'whole', 'arrow', null);
    }

    for (const s of graph.stages) {
      const p = place.get(s.id);
      const g = svg('g', { class: 'stage' + (s.for_each ? ' for-each' : ''), 'data-stage': s.id, 'data-state': 'pending', transform: `translate(${p.x} ${p.y})` }, root);
      if (s.for_each) svg('rect', { class: 'shadow', x: 5, y: 5, width: NODE_W, height: NODE_H, rx: 8 }, g);
      svg('rect', { class: 'box', width: NODE_W, height: NODE_H, rx: 8 }, g);
      svg('circle', { class: 'state-dot', cx: 14, cy: 17, r: 5 }, g);
      svgText(g, 'id', 26, 22, clip(s.id, 22));
      svgText(g, 'agent', 12, 40, clip(s.agent + (s.for_each ? ' · for each item' : ''), 30));
      svg('rect', { class: 'track', x: 12, y: 48, width: NODE_W - 24, height: 6, rx: 3 }, g);
      const meter = svg('rect', { class: 'meter', x: 12, y: 48, width: 0, height: 6, rx: 3 }, g);
      const meta = svgText(g, 'meta', 12, 70, 'pending');
      const tail = svgText(g, 'tail', 12, 85, '');
      const title = svg('title', {}, g);
      title.textContent = s.id + (s.description ? ' — ' + s.description : '');
      nodes.set(s.id, { g, meter, meta, tail, title, description: title.textContent });
    }
    const o = svg('g', { class: 'output-node', transform: `translate(${out.x} ${out.y})` }, root);
    svg('rect', { width: OUT_W - 10, height: OUT_H, rx: 20 }, o);
    svgText(o, '', 18, 25, 'output');
  }

  function clip(text, n) {
    const t = String(text);
    return t.length > n ? t.slice(0, n - 1) + '…' : t;
  }

  // The end of a line (the newest output), for stage tails.
  function clipStart(text, n) {
    const t = String(text);
    return t.length > n ? '…' + t.slice(t.length - n + 1) : t;
  }

  function seconds(ms) {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    const m = Math.floor(ms / 60000);
    return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
  }

  function stageElapsed(s) {
    if (typeof s.elapsed_ms !== 'number') return null;
    const live = s.state === 'running' || s.state === 'retrying' || s.state === 'input-required';
    return s.elapsed_ms + (live && run.phase === 'running' ? Date.now() - s.receivedAt : 0);
  }

  function paintStages() {
    for (const [id, node] of nodes) {
      const s = run.stages.get(id) || { state: 'pending', progress: 0 };
      node.g.setAttribute('data-state', s.state);
      const p = Math.max(0, Math.min(1, Number(s.progress) || 0));
      node.g.setAttribute('data-progress', String(p));
      node.meter.setAttribute('width', String((NODE_W - 24) * p));
      const parts = [s.state];
      if (typeof s.total === 'number') parts.push(`${s.done || 0}/${s.total} items`);
      else if (typeof s.done === 'number' && (s.done || s.running)) parts.push(`${s.done} done, ${s.running || 0} running`);
      if (s.attempt > 1) parts.push(`try ${s.attempt}`);
      const el = stageElapsed(s);
      if (el !== null) parts.push(seconds(el));
      node.meta.textContent = clip(parts.join(' · '), 34);
      const tail = s.error ? '⚠ ' + s.error : (s.tail || '');
      node.tail.textContent = s.error ? clip(tail, 28) : clipStart(tail, 28);
      node.title.textContent = node.description + (tail ? '\n' + tail : '');
    }
  }

  // ---------------------------------------------------------------- markdown (safe)

  // A small Markdown subset, rendered by building DOM nodes. Agent text only ever reaches the
  // page through createTextNode/textContent, so '<script>' in an output is shown as text.
  function renderMarkdown(text, into) {
    const frag = document.createDocumentFragment();
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    let i = 0;
    let para = null;
    let list = null;
    const endBlocks = () => { para = null; list = null; };
    while (i < lines.length) {
      const line = lines[i];
      const fence = /^\s*(```|~~~)/.exec(line);
      if (fence) {
        endBlocks();
        const pre = document.createElement('pre');
        const code = document.createElement('code');
        const body = [];
        i++;
        while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
        i++;
        code.textContent = body.join('\n');
        pre.appendChild(code);
        frag.appendChild(pre);
        continue;
      }
      const heading = /^(#{1,6})\s+(.*)$/.exec(line);
      if (heading) {
        endBlocks();
        const h = document.createElement('h' + Math.min(4, heading[1].length));
        inline(heading[2], h);
        frag.appendChild(h);
        i++;
        continue;
      }
      if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) { endBlocks(); frag.appendChild(document.createElement('hr')); i++; continue; }
      const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
      if (item) {
        para = null;
        const ordered = /\d/.test(item[1]);
        if (!list || (list.tagName === 'OL') !== ordered) {
          list = document.createElement(ordered ? 'ol' : 'ul');
          frag.appendChild(list);
        }
        const li = document.createElement('li');
        inline(item[2], li);
        list.appendChild(li);
        i++;
        continue;
      }
      const quote = /^\s*>\s?(.*)$/.exec(line);
      if (quote) {
        endBlocks();
        const bq = document.createElement('blockquote');
        inline(quote[1], bq);
        frag.appendChild(bq);
        i++;
        continue;
      }
      if (line.trim() === '') { endBlocks(); i++; continue; }
      list = null;
      if (!para) {
        para = document.createElement('p');
        frag.appendChild(para);
      } else {
        para.appendChild(document.createElement('br'));
      }
      inline(line, para);
      i++;
    }
    into.replaceChildren(frag);
  }

  // Inline Markdown: `code`, **bold**, *em* / _em_, [text](http…). Everything else is text.
  function inline(text, into) {
    const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|\*([^*\s][^*]*)\*|\b_([^_\s][^_]*)_\b/g;
    let last = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) into.appendChild(document.createTextNode(text.slice(last, m.index)));
      let el;
      if (m[1] !== undefined) { el = document.createElement('code'); el.textContent = m[1]; }
      else if (m[2] !== undefined) { el = document.createElement('strong'); el.textContent = m[2]; }
      else if (m[3] !== undefined) {
        if (/^(https?:|mailto:)/i.test(m[4])) {
          el = document.createElement('a');
          el.href = m[4];
          el.rel = 'noopener noreferrer';
          el.target = '_blank';
          el.textContent = m[3];
        } else {
          el = document.createTextNode(m[0]);
        }
      } else if (m[5] !== undefined) { el = document.createElement('em'); el.textContent = m[5]; }
      else { el = document.createElement('em'); el.textContent = m[6]; }
      into.appendChild(el);
      last = re.lastIndex;
    }
    if (last < text.length) into.appendChild(document.createTextNode(text.slice(last)));
  }

  let renderQueued = false;
  function outputText() {
    return Array.from(run.artifacts.values()).join('');
  }
  // The plain text is updated at once; the Markdown view at most once per frame.
  function paintOutput() {
    $('output-raw').textContent = outputText();
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      const text = outputText();
      renderMarkdown(text, $('output'));
      $('output').dataset.chars = String(text.length); // how much of the output is rendered
    });
  }

  // ---------------------------------------------------------------- status line

  const PHASE_TEXT = {
    idle: 'Ready.', starting: 'Starting…', running: 'Running…', completed: 'Completed.',
    failed: 'Failed.', canceled: 'Canceled.', lost: 'Connection lost.', 'input-required': 'The pipeline is waiting for input.',
  };

  function setPhase(phase, text) {
    run.phase = phase;
    document.body.dataset.run = phase;
    $('run-status').textContent = text || PHASE_TEXT[phase] || phase;
    const busy = phase === 'starting' || phase === 'running';
    const asked = phase === 'input-required';
    $('run').disabled = busy;
    $('run').textContent = asked ? 'Answer' : 'Run';
    $('input-label').textContent = asked ? 'Your answer' : 'Input';
    $('cancel').disabled = !((busy || asked) && run.taskId);
    if (!busy && run.startedAt && !run.finishedAt) run.finishedAt = Date.now();
    paintClock();
  }

  function setProgress(p) {
    run.progress = Math.max(0, Math.min(1, p));
    const percent = Math.round(run.progress * 100);
    $('overall').setAttribute('aria-valuenow', String(percent));
    $('overall-fill').style.width = percent + '%';
    $('overall-text').textContent = percent + '%';
  }

  function paintClock() {
    if (!run.startedAt) { $('elapsed').textContent = ''; return; }
    const end = run.finishedAt || Date.now();
    $('elapsed').textContent = 'elapsed ' + seconds(end - run.startedAt);
  }

  setInterval(() => {
    if (run.phase === 'running' || run.phase === 'starting') {
      paintClock();
      paintStages();
    }
  }, 250);

  function showError(title, text, retry) {
    $('error-title').textContent = title;
    $('error-text').textContent = text || '';
    $('error').hidden = false;
    $('retry').hidden = !retry;
    errorRetry = retry || null;
  }
  let errorRetry = null;
  function clearError() { $('error').hidden = true; errorRetry = null; }

  // ---------------------------------------------------------------- auth

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

  function askForToken(message, redo) {
    run.pendingAction = redo || null;
    $('token-panel').hidden = false;
    $('token-panel').classList.toggle('needed', Boolean(message));
    if (message) $('token-message').textContent = message;
    $('token-input').focus();
  }

  // ---------------------------------------------------------------- JSON-RPC

  let rpcId = 0;
  function newId() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + '-' + Math.random().toString(16).slice(2));
  }

  class HTTPError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }
  class RPCError extends Error {
    constructor(error) { super(error && error.message ? error.message : 'JSON-RPC error'); this.code = error && error.code; }
  }

  async function post(method, params, signal, stream) {
    const headers = { 'Content-Type': 'application/json', 'A2A-Version': '1.0', Accept: stream ? 'text/event-stream' : 'application/json' };
    const t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    // Relative: the endpoint is where the page is (also behind a proxy that adds a path prefix).
    const res = await fetch('./', {
      method: 'POST', headers, cache: 'no-store', signal,
      body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
    });
    if (res.status === 401 || res.status === 403) {
      throw new HTTPError(res.status, res.status === 401 ? 'The server needs an access token.' : 'The access token was refused.');
    }
    if (!res.ok && !(res.headers.get('content-type') || '').includes('json')) {
      throw new HTTPError(res.status, `The server answered HTTP ${res.status}.`);
    }
    return res;
  }

  async function call(method, params) {
    const res = await post(method, params, undefined, false);
    const body = await res.json();
    if (body.error) throw new RPCError(body.error);
    return body.result;
  }

  // Reads an SSE body incrementally: events are split on blank lines as bytes arrive, so each
  // one is handled as soon as it is complete. Returns true if the stream ended normally.
  async function readEvents(res, onData) {
    const type = res.headers.get('content-type') || '';
    if (!type.includes('text/event-stream')) {
      const body = await res.json();
      if (body.error) throw new RPCError(body.error);
      onData(body);
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let data = [];
    const lineBreak = /\r\n|\r|\n/;
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const m = lineBreak.exec(buffer);
        if (!m) break;
        if (m[0] === '\r' && m.index === buffer.length - 1 && !done) break; // maybe half of \r\n
        const line = buffer.slice(0, m.index);
        buffer = buffer.slice(m.index + m[0].length);
        if (line === '') {
          if (data.length) onData(JSON.parse(data.join('\n')));
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line.charAt(5) === ' ' ? 6 : 5));
        } // comments (': keep-alive'), event:, id:, retry: are ignored
      }
      if (done) break;
    }
    if (data.length) onData(JSON.parse(data.join('\n')));
  }

  // ---------------------------------------------------------------- A2A events

  function handleResponse(body) {
    if (body.error) throw new RPCError(body.error);
    const r = body.result || {};
    if (r.task) applyTask(r.task);
    if (r.statusUpdate) applyStatus(r.statusUpdate.status, r.statusUpdate.metadata);
    if (r.artifactUpdate) applyArtifact(r.artifactUpdate);
    if (r.message) {
      run.artifacts.set('message', partsText(r.message.parts));
      paintOutput();
      finish('completed');
    }
  }

  function partsText(parts) {
    return (parts || []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  }

  function applyTask(task) {
    if (task.id && task.id !== run.taskId) {
      run.taskId = task.id;
      remember();
    }
    const firstUser = (task.history || []).find((m) => m.role === 'ROLE_USER');
    if (firstUser && !run.input) {
      run.input = partsText(firstUser.parts);
      $('input').value = run.input;
    }
    if (Array.isArray(task.artifacts)) {
      run.artifacts.clear();
      for (const a of task.artifacts) run.artifacts.set(a.artifactId, partsText(a.parts));
      paintOutput();
    }
    applyStatus(task.status, null);
  }

  function applyStatus(status, metadata) {
    if (!status) return;
    const payload = (metadata && metadata[PROGRESS_URI]) || (status.message && status.message.metadata && status.message.metadata[PROGRESS_URI]);
    if (payload) applyProgress(payload);
    const text = status.message ? partsText(status.message.parts) : '';
    const state = status.state;
    if (TERMINAL[state]) {
      finish(TERMINAL[state], text);
    } else if (INTERRUPTED[state]) {
      // The run waits for the answer: the next message on this task (Answer) continues it.
      if (run.phase !== 'input-required') {
        $('input').value = '';
        $('input').focus();
      }
      setPhase('input-required', text ? 'The pipeline asks: ' + text : PHASE_TEXT['input-required']);
    } else if (state === 'TASK_STATE_WORKING' || state === 'TASK_STATE_SUBMITTED') {
      if (run.phase !== 'running') setPhase('running');
      if (text) $('run-status').textContent = text;
    }
  }

  function applyProgress(payload) {
    const now = Date.now();
    if (typeof payload.progress === 'number') setProgress(Math.max(run.progress, payload.progress));
    for (const s of payload.stages || []) {
      run.stages.set(s.id, Object.assign({}, s, { receivedAt: now }));
    }
    paintStages();
  }

  function applyArtifact(update) {
    const a = update.artifact || {};
    const id = a.artifactId || 'output';
    const text = partsText(a.parts);
    run.artifacts.set(id, (update.append ? run.artifacts.get(id) || '' : '') + text);
    paintOutput();
  }

  function finish(phase, text) {
    if (phase === 'completed') setProgress(1);
    // A failure's detail goes into the error banner; the status line stays short.
    setPhase(phase, text && phase === 'canceled' ? `${PHASE_TEXT[phase]} ${text}` : PHASE_TEXT[phase]);
    paintStages();
    forget();
    if (phase === 'failed') {
      const failed = Array.from(run.stages.entries()).filter(([, s]) => s.state === 'failed');
      const detail = failed.length
        ? failed.map(([id, s]) => `stage ${id} failed${s.error ? ': ' + s.error : ''}`).join('; ')
        : (text || 'The run failed.');
      showError('The run failed.', detail, () => start(run.input));
    }
  }

  // ---------------------------------------------------------------- session (reload)

  function remember() {
    sessionStorage.setItem(RUN_KEY, JSON.stringify({ taskId: run.taskId, input: run.input, startedAt: run.startedAt }));
  }
  function forget() { sessionStorage.removeItem(RUN_KEY); }

  // ---------------------------------------------------------------- actions

  function reset(input) {
    if (run.controller) run.controller.abort();
    run.controller = null;
    run.taskId = null;
    run.input = input;
    run.startedAt = Date.now();
    run.finishedAt = 0;
    run.artifacts.clear();
    run.stages.clear();
    run.progress = 0;
    setProgress(0);
    clearError();
    paintStages();
    paintOutput();
  }

  // Opens a stream (a new run or a re-attach) and follows it to its end. `onRefused` may take
  // over a JSON-RPC error (returning true); otherwise it is shown with a Retry.
  async function follow(method, params, retry, onRefused) {
    const controller = new AbortController();
    run.controller = controller;
    try {
      const res = await post(method, params, controller.signal, true);
      await readEvents(res, handleResponse);
    } catch (e) {
      if (controller.signal.aborted) return;
      if (e instanceof HTTPError && (e.status === 401 || e.status === 403)) {
        setPhase('idle', e.message);
        askForToken(e.message + ' Enter it below; the page will try again.', retry);
        return;
      }
      if (e instanceof RPCError) {
        if (onRefused && await onRefused(e)) return;
        setPhase('failed', 'The server refused the request.');
        showError('The server refused the request.', `${e.message}${e.code ? ' (' + e.code + ')' : ''}`, retry);
        return;
      }
      lost(e, retry);
      return;
    } finally {
      if (run.controller === controller) run.controller = null;
    }
    if (run.phase === 'running' || run.phase === 'starting') lost(null, retry);
  }

  function lost(error, retry) {
    setPhase('lost');
    const why = error && error.message ? ` (${error.message})` : '';
    const again = run.taskId ? () => reattach() : retry;
    showError('Connection lost.', `The stream from the server ended before the run finished${why}. Retry re-attaches to the run if it is still going.`, again);
  }

  async function start(input) {
    reset(input);
    document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
    setPhase('starting');
    remember();
    await follow('SendStreamingMessage', {
      message: { messageId: newId(), role: 'ROLE_USER', parts: [{ text: input }] },
      // The run outlives this stream: a reload re-attaches with SubscribeToTask.
      configuration: { returnImmediately: true },
    }, () => start(input));
  }

  // Answers the question of a run waiting for input: a message on the same task, streamed.
  async function answer(text) {
    clearError();
    setPhase('running', 'Sending the answer…');
    await follow('SendStreamingMessage', {
      message: { messageId: newId(), role: 'ROLE_USER', parts: [{ text }], taskId: run.taskId },
      configuration: { returnImmediately: true },
    }, () => answer(text));
  }

  async function reattach() {
    if (!run.taskId) return;
    clearError();
    setPhase('running', 'Re-attaching…');
    const taskId = run.taskId;
    document.body.dataset.attach = 'subscribe';
    await follow('SubscribeToTask', { id: taskId }, () => reattach(), async (e) => {
      if (e.code === -32004) {  // the run ended (or waits for input): show the stored task
        document.body.dataset.attach = 'stored';
        await showStoredTask(taskId);
        return true;
      }
      if (e.code === -32001) {  // unknown: expired, or the server restarted
        forget();
        setPhase('idle', 'The run this tab was watching is no longer known to the server.');
        return true;
      }
      return false;
    });
  }

  async function showStoredTask(taskId) {
    try {
      const task = await call('GetTask', { id: taskId });
      run.artifacts.clear();
      handleResponse({ result: { task } });
    } catch (e) {
      forget();
      setPhase('idle', 'Could not read the finished run: ' + e.message);
    }
  }

  async function cancel() {
    if (!run.taskId) return;
    $('cancel').disabled = true;
    $('run-status').textContent = 'Canceling…';
    try {
      const task = await call('CancelTask', { id: run.taskId });
      // The stream also ends with the canceled state; the answer is the same task.
      if (task && task.status) applyStatus(task.status, null);
    } catch (e) {
      if (e instanceof HTTPError && e.status === 401) { askForToken(e.message, () => cancel()); return; }
      showError('Cancel failed.', e.message, () => cancel());
      $('cancel').disabled = false;
    }
  }

  // ---------------------------------------------------------------- wiring

  function init() {
    document.title = `${graph.name} · a2a-pipe`;
    $('pipeline-description').textContent = graph.description || '';
    drawGraph();
    paintStages();
    $('run-form').addEventListener('submit', (e) => {
      e.preventDefault();
      if (run.phase === 'input-required' && run.taskId) answer($('input').value);
      else start($('input').value);
    });
    $('input').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $('run-form').requestSubmit(); }
    });
    $('cancel').addEventListener('click', cancel);
    $('retry').addEventListener('click', () => { const r = errorRetry; clearError(); if (r) r(); });
    $('show-raw').addEventListener('change', (e) => {
      $('output-raw').hidden = !e.target.checked;
      $('output').hidden = e.target.checked;
    });
    $('token-button').addEventListener('click', () => { $('token-panel').hidden = !$('token-panel').hidden; });
    $('token-input').value = token();
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const t = $('token-input').value.trim();
      if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
      $('token-panel').hidden = true;
      $('token-panel').classList.remove('needed');
      const redo = run.pendingAction;
      run.pendingAction = null;
      if (redo) redo();
    });
    $('token-clear').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      $('token-input').value = '';
    });

    // A run this tab started before a reload: re-attach to it.
    const saved = sessionStorage.getItem(RUN_KEY);
    if (saved) {
      try {
        const s = JSON.parse(saved);
        if (s && s.taskId) {
          reset(s.input || '');
          $('input').value = run.input;
          run.taskId = s.taskId;
          run.startedAt = s.startedAt || Date.now();
          reattach();
          return;
        }
      } catch (_) { /* a damaged entry: start fresh */ }
      forget();
    }
    setPhase('idle');
  }

  init();
})();
