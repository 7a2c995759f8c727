// minimal WebDriver client: chromedriver on a port, one session, run a page, poll window.results
const [,, port, url, outFile, waitS = '60'] = process.argv;
const base = `http://127.0.0.1:${port}`;
const j = async (path, body, method = 'POST') => { const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined }); return r.json(); };
const s = await j('/session', { capabilities: { alwaysMatch: { browserName: 'chrome', 'goog:chromeOptions': { binary: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'] } } } });
const id = s.value.sessionId;
try {
  await j(`/session/${id}/url`, { url });
  const until = Date.now() + Number(waitS) * 1000;
  let res;
  while (Date.now() < until) {
    res = (await j(`/session/${id}/execute/sync`, { script: 'return JSON.stringify(window.results || null)', args: [] })).value;
    if (res && JSON.parse(res).done) break;
    await new Promise(r => setTimeout(r, 1000));
  }
  (await import('node:fs')).writeFileSync(outFile, res || 'null');
  console.log(res);
} finally { await j(`/session/${id}`, null, 'DELETE'); }
