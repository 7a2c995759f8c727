// The deployment test's checks from outside the stack, as a browser and API clients would see it:
// over HTTPS through nginx (the certificate verified: NODE_EXTRA_CA_CERTS names it). Run by
// deploy/test.sh, one step per call, with what a step learnt kept in a JSON file:
//
//   node check-stack.mjs gui       the setup screen renders in headless Chromium and creates the admin
//   node check-stack.mjs session   a session made through one instance is joined through the other;
//                                  a host's command reaches a guest over WebSockets through nginx
//   node check-stack.mjs restart   runs RESTART_CMD (one instance restarting) while asking the API,
//                                  then checks that nothing was lost
//
// Environment: BASE_URL (https://localhost), STATE (the JSON file), ADMIN_USER, ADMIN_PASSWORD,
// CHROMIUM, CHROMEDRIVER, CERT_SPKI (the certificate's key hash, for Chromium), DOCKER,
// NGINX_CONTAINER, INSTANCES ("samesong1=ADDRESS,samesong2=ADDRESS"), RESTART_CMD (a JSON array),
// RESTARTED_CONTAINER (the container RESTART_CMD restarts).
// Only Node's own modules: no npm install. Node 20 needs --experimental-websocket (test.sh adds it).

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env('BASE_URL');
const wsBase = base.replace(/^https:/, 'wss:');
const statePath = env('STATE');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (msg) => console.log(`   ${msg}`);

function loadState() {
  try {
    return JSON.parse(readFileSync(statePath, 'utf8'));
  } catch {
    return {};
  }
}
function saveState(state) {
  writeFileSync(statePath, JSON.stringify(state, null, 2));
}

async function api(method, path, { token, body, expect = [200] } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) {
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  }
  return text ? JSON.parse(text) : null;
}

// ---- nginx's access log: which instance answered what ($upstream_addr, see samesong.conf) ----

function instancesByAddress() {
  const map = new Map();
  for (const pair of env('INSTANCES').split(',')) {
    const [name, address] = pair.split('=');
    map.set(address, name);
  }
  return map;
}

function nginxLog() {
  const out = execFileSync(env('DOCKER'), ['logs', env('NGINX_CONTAINER')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  return out.split('\n');
}

/** The instances that answered the logged requests matching method, uri (a RegExp) and status. */
function servedBy(lines, method, uriPattern, status) {
  const names = instancesByAddress();
  const found = [];
  for (const line of lines) {
    const m = line.match(/"(\S+) (\S+) HTTP\/[\d.]+" (\d+) \d+ \S+ "([^"]*)"/);
    if (!m || m[1] !== method || !uriPattern.test(m[2]) || Number(m[3]) !== status) continue;
    // a retried request lists every address tried; the last one answered
    const address = m[4].split(/[ ,]+/).filter(Boolean).pop().replace(/:\d+$/, '');
    found.push(names.get(address) ?? address);
  }
  if (!found.length) throw new Error(`nginx logged no ${method} ${uriPattern} with ${status}`);
  return found;
}

// ---- WebSocket client (Node's own WebSocket) ----

function openSocket(sessionId, token) {
  const ws = new WebSocket(`${wsBase}/ws/sessions/${sessionId}?token=${encodeURIComponent(token)}`);
  const inbox = [];
  const waiters = [];
  ws.closed = new Promise((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
  ws.addEventListener('message', (e) => {
    const msg = JSON.parse(e.data);
    inbox.push(msg);
    for (const w of [...waiters]) {
      if (w.test(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  ws.next = (test, what, timeoutMs = 15000) => {
    const seen = inbox.find(test);
    if (seen) {
      inbox.splice(inbox.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const w = { test, resolve };
      waiters.push(w);
      setTimeout(() => {
        if (waiters.includes(w)) reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  };
  ws.opened = new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', () => reject(new Error(`WebSocket to ${sessionId} failed`)));
  });
  ws.send_ = (obj) => ws.send(JSON.stringify(obj));
  return ws;
}

async function closeSocket(ws) {
  ws.close(1000);
  await Promise.race([ws.closed, sleep(5000)]);
}

// ---- WebDriver (chromedriver's W3C protocol, spoken with fetch) ----

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function webdriver() {
  const port = await freePort();
  const driver = spawn(env('CHROMEDRIVER'), [`--port=${port}`], { stdio: 'ignore' });
  const root = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(root + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  for (let i = 0; ; i++) {
    try {
      if ((await call('GET', '/status')).ready) break;
    } catch (e) {
      if (i > 100) throw e;
    }
    await sleep(100);
  }
  const profile = mkdtempSync(join(tmpdir(), 'samesong-chromium-'));
  const session = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'chrome',
        'goog:chromeOptions': {
          binary: env('CHROMIUM'),
          args: [
            '--headless=new',
            '--no-sandbox',
            '--disable-dev-shm-usage',
            '--disable-gpu',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            `--user-data-dir=${profile}`,
            // trusts exactly the stack's self-signed certificate (by its key), nothing else
            `--ignore-certificate-errors-spki-list=${env('CERT_SPKI')}`,
            '--window-size=1280,900',
          ],
        },
      },
    },
  });
  const s = `/session/${session.sessionId}`;
  return {
    go: (url) => call('POST', `${s}/url`, { url }),
    url: () => call('GET', `${s}/url`),
    title: () => call('GET', `${s}/title`),
    async find(css, timeoutMs = 20000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const found = await call('POST', `${s}/elements`, { using: 'css selector', value: css });
        if (found.length) return Object.values(found[0])[0];
        if (Date.now() > end) throw new Error(`no ${css} on ${await this.url()}`);
        await sleep(200);
      }
    },
    text: (el) => call('GET', `${s}/element/${el}/text`),
    type: (el, text) => call('POST', `${s}/element/${el}/value`, { text }),
    click: (el) => call('POST', `${s}/element/${el}/click`, {}),
    async quit() {
      try {
        await call('DELETE', s);
      } finally {
        driver.kill();
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

// ---- the steps ----

async function gui() {
  const browser = await webdriver();
  try {
    // the first visit of a fresh installation: the login page sends it to the setup screen
    await browser.go(`${base}/`);
    const heading = await browser.text(await browser.find('h1'));
    const username = await browser.find('#setup-username input');
    if (!/Welcome to Samesong/.test(heading)) throw new Error(`setup screen says "${heading}"`);
    say(`setup screen rendered at ${await browser.url()} ("${heading}", title "${await browser.title()}")`);
    await browser.type(username, env('ADMIN_USER'));
    await browser.type(await browser.find('#setup-password input'), env('ADMIN_PASSWORD'));
    await browser.type(await browser.find('#setup-confirm input'), env('ADMIN_PASSWORD'));
    await browser.click(await browser.find('#setup-create'));
    const end = Date.now() + 20000;
    while (!(await browser.url()).endsWith('/host')) {
      if (Date.now() > end) throw new Error(`setup did not lead to /host: ${await browser.url()}`);
      await sleep(200);
    }
    say('the setup screen created the admin and opened the host console (/host)');
  } finally {
    await browser.quit();
  }
}

async function session() {
  const login = await api('POST', '/api/auth/login', {
    body: { username: env('ADMIN_USER'), password: env('ADMIN_PASSWORD') },
  });
  say(`admin logged in through nginx (token ${login.token_type})`);
  const created = await api('POST', '/api/sessions', {
    token: login.access_token,
    body: { name: 'Deployment test' },
    expect: [201],
  });
  const joined = await api('POST', `/api/sessions/${created.code}/join`, {
    body: { display_name: 'Guest of the deploy test' },
  });
  const lines = nginxLog();
  const createdOn = servedBy(lines, 'POST', /^\/api\/sessions$/, 201).pop();
  const joinedOn = servedBy(lines, 'POST', new RegExp(`^/api/sessions/${created.code}/join$`), 200).pop();
  if (createdOn === joinedOn) {
    throw new Error(`session made and joined on the same instance (${createdOn})`);
  }
  say(`session ${created.code} made through ${createdOn}, joined through ${joinedOn}`);

  const page = await api('GET', '/api/catalog/tracks?limit=5', { token: created.host_token });
  const tracks = Array.isArray(page) ? page : page.items ?? page.tracks;
  if (!tracks?.length) throw new Error(`no track in the catalog: ${JSON.stringify(page)}`);
  const item = await api('POST', `/api/sessions/${created.id}/playlist`, {
    token: created.host_token,
    body: { track_id: tracks[0].id },
    expect: [201],
  });

  // guest first, then host: round robin puts the two on different instances
  const guest = openSocket(created.id, joined.token);
  await guest.opened;
  await guest.next((m) => m.type === 'hello', 'hello for the guest');
  const host = openSocket(created.id, created.host_token);
  await host.opened;
  await host.next((m) => m.type === 'hello', 'hello for the host');
  host.send_({ type: 'playback_command', action: 'play' });
  const state = await guest.next(
    (m) => m.type === 'playback_state' && m.state === 'playing',
    'playback_state "playing" at the guest',
  );
  if (state.track_id !== tracks[0].id) throw new Error(`guest plays ${state.track_id}`);
  await closeSocket(host);
  await closeSocket(guest);
  await sleep(300); // nginx logs a WebSocket when it closes
  const wsOn = servedBy(nginxLog(), 'GET', new RegExp(`^/ws/sessions/${created.id}$`), 101);
  if (wsOn.length !== 2) throw new Error(`nginx logged ${wsOn.length} WebSocket upgrades, not 2`);
  if (wsOn[0] === wsOn[1]) say(`(both WebSockets went to ${wsOn[0]})`);
  say(
    `host's play command reached the guest over WebSockets through nginx (101 Switching ` +
      `Protocols; host and guest connected to ${[...new Set(wsOn)].sort().join(' and ')})`,
  );

  const playlist = await api('GET', `/api/sessions/${created.id}/playlist`, {
    token: joined.token,
  });
  saveState({
    ...loadState(),
    session_id: created.id,
    code: created.code,
    host_token: created.host_token,
    host_refresh_token: created.refresh_token,
    guest_token: joined.token,
    guest_member_id: joined.member_id,
    track_id: tracks[0].id,
    item_id: item.item_id ?? state.item_id,
    playlist_version: playlist.version,
    playback: state,
  });
}

async function restart() {
  const st = loadState();
  const guest = openSocket(st.session_id, st.guest_token);
  await guest.opened;
  await guest.next((m) => m.type === 'hello', 'hello for the guest');

  // the API answers through nginx all the while one instance restarts
  const [cmd, ...args] = JSON.parse(env('RESTART_CMD'));
  const restarting = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const done = new Promise((resolve, reject) =>
    restarting.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`restart: ${code}`)))),
  );
  let finished = false;
  done.then(
    () => (finished = true),
    () => (finished = true),
  );
  // A request that reaches the stopping instance on one of nginx's kept-alive connections gets
  // Jetty's 503 (graceful shutdown refuses new requests), which nginx passes on (samesong.conf
  // retries only what no instance answered). 503 means "try again": a client that does so at once
  // lands on the other instance. Anything else, or a retry that fails, is a failure.
  let asked = 0;
  const failures = [];
  const unavailable = [];
  const t0 = Date.now();
  const ask = () =>
    fetch(`${base}/api/sessions/${st.session_id}`, {
      headers: { authorization: `Bearer ${st.guest_token}` },
    });
  while (!finished) {
    try {
      let res = await ask();
      if (res.status === 503) {
        unavailable.push(`503 (Retry-After: ${res.headers.get('retry-after') ?? 'none'})`);
        res = await ask();
      }
      if (res.status !== 200) failures.push(`${res.status} ${(await res.text()).slice(0, 200)}`);
      else await res.json();
    } catch (e) {
      failures.push(e.message);
    }
    asked++;
    await sleep(100);
  }
  await done;
  say(
    `restart took ${((Date.now() - t0) / 1000).toFixed(1)} s; ${asked} requests through nginx ` +
      `meanwhile: ${asked - failures.length} answered` +
      (unavailable.length ? ` (${unavailable.length} after a retry of ${unavailable.join(', ')})` : '') +
      `, ${failures.length} failed`,
  );
  if (failures.length) throw new Error(`requests failed during the restart: ${failures.slice(0, 5)}`);
  const healthyBy = Date.now() + 180000;
  const health = () =>
    execFileSync(env('DOCKER'), ['inspect', '-f', '{{.State.Health.Status}}', env('RESTARTED_CONTAINER')], {
      encoding: 'utf8',
    }).trim();
  while (health() !== 'healthy') {
    if (Date.now() > healthyBy) throw new Error('the restarted instance did not turn healthy');
    await sleep(500);
  }
  say(`restarted instance healthy again ${((Date.now() - t0) / 1000).toFixed(1)} s after the restart began`);

  const logBefore = nginxLog().length;
  // nothing lost: asked of both instances (round robin), the session, its member, its playlist,
  // its playback state, and the tokens issued before the restart. nginx sends nothing to an
  // instance for fail_timeout (10 s, samesong-upstreams.conf) after a refused connection, which may
  // end after the instance is healthy again: asked until both answered, for up to 30 s.
  const answeredBy = () =>
    new Set(
      servedBy(nginxLog().slice(logBefore - 1), 'GET', new RegExp(`^/api/sessions/${st.session_id}(/playlist)?$`), 200),
    );
  const bothBy = Date.now() + 30000;
  for (let i = 0; i < 4 || (answeredBy().size < 2 && Date.now() < bothBy); i++) {
    if (i >= 4) await sleep(500);
    const s = await api('GET', `/api/sessions/${st.session_id}`, { token: st.guest_token });
    const text = JSON.stringify(s);
    if (!text.includes(st.guest_member_id)) throw new Error(`guest gone from the session: ${text}`);
    if (!text.includes('"playing"')) throw new Error(`session no longer playing: ${text}`);
    const list = await api('GET', `/api/sessions/${st.session_id}/playlist`, {
      token: st.host_token,
    });
    if (list.version !== st.playlist_version || list.items.length !== 1) {
      throw new Error(`playlist changed: ${JSON.stringify(list)}`);
    }
    if (list.items[0].track.id !== st.track_id) throw new Error('playlist lost its track');
  }
  const askedOf = answeredBy();
  if (askedOf.size !== 2) throw new Error(`only ${[...askedOf]} answered within 30 s of the restart`);
  say(`both instances answered ${((Date.now() - t0) / 1000).toFixed(1)} s after the restart began`);
  // a guest connecting now (to either instance) gets the schedule that was playing
  const again = openSocket(st.session_id, st.guest_token);
  await again.opened;
  const hello = await again.next((m) => m.type === 'hello', 'hello after the restart');
  const pb = hello.playback_state;
  if (pb.state !== 'playing' || pb.track_id !== st.track_id || pb.item_id !== st.playback.item_id) {
    throw new Error(`playback state after the restart: ${JSON.stringify(pb)}`);
  }
  if (pb.updated_at !== st.playback.updated_at || pb.position_ms !== st.playback.position_ms) {
    throw new Error(
      `playback schedule moved: ${JSON.stringify(pb)} was ${JSON.stringify(st.playback)}`,
    );
  }
  await closeSocket(again);
  const firstClose = await Promise.race([guest.closed, sleep(100).then(() => 'still open')]);
  if (firstClose === 'still open') await closeSocket(guest);
  // a refresh token issued before the restart still works
  await api('POST', '/api/auth/refresh', { body: { refresh_token: st.host_refresh_token } });
  say(
    `after the restart (asked of ${[...askedOf].sort().join(' and ')}): session, guest, playlist ` +
      `v${st.playlist_version}, playback schedule and tokens unchanged; the guest's WebSocket ` +
      `during the restart: ${firstClose === 'still open' ? 'stayed open' : `closed with ${firstClose}`}`,
  );
}

const steps = { gui, session, restart };
const step = steps[process.argv[2]];
if (!step) {
  console.error(`usage: node check-stack.mjs ${Object.keys(steps).join('|')}`);
  process.exit(2);
}
step().then(
  () => process.exit(0),
  (e) => {
    console.error(`check-stack ${process.argv[2]}: ${e.stack || e.message}`);
    process.exit(1);
  },
);
