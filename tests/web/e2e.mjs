// The search page in a real browser (headless Chromium via playwright-core):
// a researcher's path (query without accents, a date filter, a document, a
// relation, a "cited by" link, highlights that fold to the query), keyboard
// focus, a phone-sized page, and hostile content that must stay inert.
//
// Environment: WEB (the server's base URL), NODE_MODULES_DIR (where
// playwright-core is installed), SHOTS (a directory for screenshots),
// CHROMIUM (the browser), USER_DATA_DIR (fresh), HOSTILE_URL and CRAWL_OK
// (the crawled page with scripts; its checks run when CRAWL_OK=1).
// Prints one line per failed check and "e2e: N passed, N failed".
import { createRequire } from 'node:module';

const require = createRequire(process.env.NODE_MODULES_DIR + '/');
const { chromium } = require('playwright-core');
const WEB = process.env.WEB;
const SHOTS = process.env.SHOTS;
let passed = 0, failed = 0;
const check = (ok, what) => { if (ok) passed++; else { failed++; console.log(`FAIL: ${what}`); } };

// The folding tracuu does: no marks, đ -> d, lower case.
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();

const context = await chromium.launchPersistentContext(process.env.USER_DATA_DIR, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] || await context.newPage();

// Anything a script could do that we watch for.
const events = { dialogs: [], pageErrors: [], consoleErrors: [], foreign: [] };
page.on('dialog', (d) => { events.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
page.on('pageerror', (e) => events.pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') events.consoleErrors.push(m.text()); });
context.on('request', (r) => { if (!r.url().startsWith(WEB) && !r.url().startsWith('data:')) events.foreign.push(r.url()); });
const reset = () => { for (const k of Object.keys(events)) events[k] = []; };
const quiet = (what, allowCsp) => {
  check(events.dialogs.length === 0, `${what}: a dialog opened: ${events.dialogs}`);
  check(events.pageErrors.length === 0, `${what}: a script failed: ${events.pageErrors}`);
  const errs = events.consoleErrors.filter((t) => !(allowCsp && /Content Security Policy|sandbox|Refused to/i.test(t)));
  check(errs.length === 0, `${what}: console errors: ${errs}`);
  check(events.foreign.length === 0, `${what}: requests outside the server: ${events.foreign}`);
};
const marksFold = async (scope, words, what) => {
  const marks = await page.$$eval(`${scope} mark`, (ms) => ms.map((m) => m.textContent));
  check(marks.length > 0, `${what}: some words highlighted`);
  const bad = marks.filter((m) => !words.some((w) => fold(m) === w));
  check(bad.length === 0, `${what}: highlights that are not query words: ${bad}`);
};
const shot = (name) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

try {
  // 1. A query typed without accents.
  reset();
  await page.goto(WEB + '/');
  await page.fill('#f-q', 'bang gia dat');
  await Promise.all([page.waitForNavigation(), page.press('#f-q', 'Enter')]);
  const titles = await page.$$eval('.hit h2 a', (as) => as.map((a) => a.textContent));
  check(titles.some((t) => t.includes('Bảng giá')), `accent-less query finds "Bảng giá": ${titles}`);
  await marksFold('.snippet', ['bang', 'gia', 'dat'], 'search highlights');
  check(await page.$('.facets h3') !== null, 'facets are shown');
  await shot('1-search');
  quiet('search page');

  // 2. A date filter from the form (the filters fold open).
  if (!(await page.$eval('details', (d) => d.open))) await page.click('details summary');
  await page.fill('#f-from', '2024-01-01');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check(page.url().includes('from=2024-01-01'), `the date filter is in the URL: ${page.url()}`);
  const dates = await page.$$eval('.hit .meta', (ps) => ps.map((p) => (p.textContent.match(/\d{4}-\d\d-\d\d/) || [''])[0]));
  check(dates.length > 0 && dates.every((d) => d >= '2024-01-01'), `every hit dated 2024 or later: ${dates}`);
  await shot('2-filtered');
  quiet('filtered search');

  // 3. A document, its full text highlighted.
  await Promise.all([page.waitForNavigation(), page.click('.hit h2 a >> nth=0')]);
  check(page.url().includes('/doc/'), `a document page: ${page.url()}`);
  await marksFold('.fulltext', ['bang', 'gia', 'dat'], 'document highlights');
  check(await page.$('dl.metadata') !== null, 'the document has its metadata');
  await shot('3-document');
  quiet('document page');

  // 4. A relation to a number page, then "cited by" back.
  const rel = await page.$('.relations a[href^="/so/38%2F2019"]');
  check(rel !== null, 'the document links the number it repeals');
  if (rel) {
    await Promise.all([page.waitForNavigation(), rel.click()]);
    const h = await page.$$eval('.hit h2 a', (as) => as.map((a) => a.getAttribute('href')));
    check(h[0] && h[0].startsWith('/doc/binhduong-2019-1208'), `the number page lists its document first: ${h}`);
    await shot('4-number');
    await Promise.all([page.waitForNavigation(), page.click('.hit h2 a >> nth=0')]);
    const back = await page.$$eval('.relations li', (ls) => ls.map((l) => l.textContent));
    check(back.some((t) => t.startsWith('Bị bãi bỏ bởi') && t.includes('27/2024/QĐ-UBND')), `"repealed by" is listed: ${back}`);
    await Promise.all([page.waitForNavigation(), page.click('.relations li:has-text("Bị bãi bỏ bởi") a >> nth=0')]);
    check(decodeURIComponent(page.url()).includes('/so/27/2024/QĐ-UBND'), `the "repealed by" link: ${page.url()}`);
    quiet('relation pages');
  }

  // 5. Keyboard: Tab reaches a link first, and focus is visible.
  await page.goto(WEB + '/?q=quyet+dinh');
  await page.keyboard.press('Tab');
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName, outline: getComputedStyle(el).outlineStyle };
  });
  check(['A', 'INPUT', 'BUTTON', 'SUMMARY', 'SELECT'].includes(focus.tag), `Tab focuses a control: ${focus.tag}`);
  check(focus.outline !== 'none', `focus is visible: ${focus.outline}`);
  const unlabeled = await page.$$eval('input, select', (xs) => xs.filter((x) => !document.querySelector(`label[for="${x.id}"]`)).length);
  check(unlabeled === 0, `every input has a label (${unlabeled} without)`);

  // 6. A phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(WEB + '/?q=quyet+dinh');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `no sideways scrolling on a phone (${overflow}px too wide)`);
  await shot('5-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  // 7. Hostile records: shown as text, nothing runs.
  reset();
  await page.goto(WEB + '/?q=kiem+thu+doc+hai');
  const text = await page.evaluate(() => document.body.innerText);
  check(text.includes('<script>alert(1)</script> Quyết định độc hại'), 'a hostile title is shown as text');
  check(await page.$('main script, main img, main svg, main iframe, main style') === null, 'no element from hostile strings');
  await shot('6-hostile-search');
  for (const href of await page.$$eval('.hit h2 a', (as) => as.map((a) => a.getAttribute('href')))) {
    await page.goto(WEB + href);
    check(await page.$('main script, main img, main svg, main style, .fulltext iframe') === null, `no element injected on ${href}`);
    const links = await page.$$eval('a', (as) => as.map((a) => a.href));
    check(links.every((h) => /^https?:/.test(h)), `only http(s) links on ${href}`);
  }
  await page.waitForTimeout(300);
  check(await page.title() !== 'pwned', 'no script changed the title');
  quiet('hostile records');

  // 8. The crawled page with scripts: sandboxed frame, and opened directly.
  if (process.env.CRAWL_OK === '1') {
    reset();
    await page.goto(WEB + '/doc/' + encodeURIComponent(process.env.HOSTILE_URL));
    const frameEl = await page.$('iframe[sandbox=""]');
    check(frameEl !== null, 'the original is in a sandboxed frame');
    await page.waitForTimeout(1000);
    const frame = frameEl && await frameEl.contentFrame();
    const inFrame = frame ? await frame.evaluate(() => document.body ? document.body.innerText : '').catch(() => '') : '';
    check(frame !== null && inFrame.includes('lịch tiếp công dân'), 'the frame shows the archived page');
    check(!inFrame.includes('INJECTED'), 'the archived page\'s script did not run in the frame');
    await shot('7-original-framed');
    quiet('document with an original', true);
    reset();
    await page.goto(WEB + '/doc/' + encodeURIComponent(process.env.HOSTILE_URL) + '/original');
    await page.waitForTimeout(1000);
    const top = await page.evaluate(() => document.body ? document.body.innerText : '').catch(() => '');
    check(top.includes('lịch tiếp công dân') && !top.includes('INJECTED'), 'opened directly, the original shows and its script does not run');
    check(events.consoleErrors.some((t) => /Content Security Policy|sandbox/i.test(t)), 'the browser reports the blocked scripts');
    await shot('8-original');
    quiet('the original opened directly', true);
  }
} catch (e) {
  check(false, `the walk stopped: ${e.stack || e}`);
} finally {
  await context.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
