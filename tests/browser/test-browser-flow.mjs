// SPDX-License-Identifier: GPL-3.0-or-later
//
// The whole StorageBox flow once, in Debian's Chromium, the way a person
// uses it: fields are found by their visible labels, buttons and links by
// their text. Starts its own storagebox-server on a free loopback port with
// a temporary data directory. Prints TAP.
//
//   STORAGEBOX_SERVER=path/to/storagebox-server node test-browser-flow.mjs
//   SB_SCREENSHOT_DIR=dir  also saves a PNG of each page there

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const nodeModules = process.env.SB_NODE_MODULES ??
  resolve(new URL('.', import.meta.url).pathname, '../node/node_modules');
// A missing tool is a named skip (TAP), never a crash: ./dev.sh test
// installs both, so CI always runs this.
function skipAll (reason) {
  console.log(`1..0 # SKIP ${reason}`);
  process.exit(0);
}
let chromium;
try {
  ({ chromium } = require(join(nodeModules, 'playwright-core')));
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  skipAll('playwright-core is not installed (run npm ci in tests/node)');
}

const serverPath = process.env.STORAGEBOX_SERVER;
const screenshotDir = process.env.SB_SCREENSHOT_DIR;
const chromiumPath = process.env.SB_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) skipAll(`chromium is not installed (no ${chromiumPath})`);

let step = 0;
let failed = false;

function ok (condition, description) {
  step++;
  if (condition) {
    console.log(`ok ${step} - ${description}`);
  } else {
    failed = true;
    console.log(`not ok ${step} - ${description}`);
  }
}

async function startServer (dataDir) {
  const server = spawn(serverPath, ['--listen=127.0.0.1:0', `--data-dir=${dataDir}`, '--quiet'],
                       { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout });
  const first = await new Promise((resolveLine, reject) => {
    lines.once('line', resolveLine);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { server, url: JSON.parse(first).url };
}

// Waits (up to the default timeout) for something to appear.
async function visible (locator) {
  return locator.waitFor().then(() => true, () => false);
}

// Regular files under a directory, recursively.
function countFiles (dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    count += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  }
  return count;
}

async function shot (page, name) {
  if (!screenshotDir) return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

async function main () {
  if (!serverPath) throw new Error('STORAGEBOX_SERVER is not set');
  console.log('1..27');

  const work = mkdtempSync(join(tmpdir(), 'sb-browser-'));
  const { server, url } = await startServer(join(work, 'data'));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  try {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    const consoleErrors = [];
    // Anything the page itself complains about: a CSP violation, a missing
    // resource. The status of an error page (a wrong password is a 401) is
    // reported too, and is expected.
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text))
        consoleErrors.push(text);
    });

    // Home
    await page.goto(url);
    ok(await page.getByRole('heading', { name: 'Welcome To Storage Box' }).isVisible(),
       'the home page welcomes the visitor');
    await shot(page, 'home');

    // Sign up
    await page.getByRole('navigation').getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('E-mail').fill('priyanka@example.com');
    await page.getByLabel('Username').fill('Priyanka');
    await page.getByLabel('Password').fill('a long enough password');
    await shot(page, 'signup');
    await page.getByRole('button', { name: 'Sign up' }).click();
    ok(await page.getByRole('heading', { name: 'Welcome priyanka' }).isVisible(),
       'signing up lands on the profile, logged in');
    ok(await page.getByText('Your account is ready.').isVisible(), 'the profile says the account is ready');
    await shot(page, 'profile');

    // Upload
    const content = Buffer.from('Minutes of the meeting\n'.repeat(500));
    const uploadPath = join(work, 'Meeting notes.txt');
    writeFileSync(uploadPath, content);
    await page.getByRole('navigation').getByRole('link', { name: 'Upload' }).click();
    await page.getByLabel('Description').fill('Notes from <Monday>');
    await page.getByLabel('File', { exact: true }).setInputFiles(uploadPath);
    await shot(page, 'upload');
    await page.getByRole('button', { name: 'Upload' }).click();
    ok(await visible(page.getByText('“Meeting notes.txt” was uploaded.')), 'the upload is confirmed');
    const row = page.getByRole('row', { name: /Meeting notes\.txt/ });
    ok(await row.isVisible(), 'the file is listed');
    ok(await row.getByText('Notes from <Monday>').isVisible(), 'its description is shown as typed');
    ok((await row.innerText()).replace(/\u00a0/g, ' ').includes('11.5 kB'), 'its size is shown');
    await shot(page, 'files');

    // Download
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'Download Meeting notes.txt' }).click(),
    ]);
    ok(download.suggestedFilename() === 'Meeting notes.txt', 'the download keeps the file name');
    const downloaded = readFileSync(await download.path());
    ok(Buffer.compare(downloaded, content) === 0, 'the downloaded bytes are identical');

    // Edit: description and name
    await row.getByRole('link', { name: 'Edit Meeting notes.txt' }).click();
    ok(await page.getByLabel('Name').inputValue() === 'Meeting notes.txt', 'the edit form shows the name');
    await shot(page, 'edit');
    await page.getByLabel('Name').fill('Minutes.txt');
    await page.getByLabel('Description').fill('Approved minutes');
    await page.getByRole('button', { name: 'Save' }).click();
    ok(await page.getByText('“Minutes.txt” was saved.').isVisible(), 'the edit is confirmed');
    const renamed = page.getByRole('row', { name: /Minutes\.txt/ });
    ok(await renamed.getByText('Approved minutes').isVisible(), 'the new description is listed');
    ok(await page.getByText('Meeting notes.txt').count() === 0, 'the old name is gone');

    // Replace the content
    const newContent = Buffer.from('Final version\n');
    const replacePath = join(work, 'final.txt');
    writeFileSync(replacePath, newContent);
    await renamed.getByRole('link', { name: 'Edit Minutes.txt' }).click();
    await page.getByLabel('Replace content (optional)').setInputFiles(replacePath);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('“Minutes.txt” was saved.').waitFor();
    const [second] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download Minutes.txt' }).click(),
    ]);
    ok(Buffer.compare(readFileSync(await second.path()), newContent) === 0,
       'replacing the content serves the new bytes');

    // Delete
    await page.getByRole('link', { name: 'Delete Minutes.txt' }).click();
    ok(await page.getByText('Are you sure you want to delete “Minutes.txt”').isVisible(),
       'deleting asks for confirmation, naming the file');
    await shot(page, 'delete');
    await page.getByRole('button', { name: 'Delete' }).click();
    ok(await page.getByText('“Minutes.txt” was deleted.').isVisible(), 'the deletion is confirmed');
    ok(await page.getByText('You have no files yet.').isVisible(), 'the list is empty');

    // Drop a file on the form: the script uploads it with a progress bar.
    await page.getByRole('navigation').getByRole('link', { name: 'Upload' }).click();
    await page.evaluate(() => {
      window.sbStatuses = [];
      const status = document.querySelector('.upload-status');
      new MutationObserver(() => window.sbStatuses.push(status.textContent))
        .observe(status, { childList: true, characterData: true, subtree: true });
    });
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['x'.repeat(3 * 1024 * 1024)], 'dropped.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: dropped });
    await page.getByLabel('Description').fill('Dropped in');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('“dropped.txt” was uploaded.').waitFor();
    ok(page.url() === `${url}files`, 'a dropped file is uploaded and the list is shown');
    ok(await page.getByRole('row', { name: /dropped\.txt/ }).getByText('Dropped in').isVisible(),
       'the dropped file is listed with its description');
    ok((await page.evaluate(() => window.sbStatuses)).includes('100 %'), 'the progress reached 100 %');

    // Cancel an upload half-way: nothing of it is kept.
    await page.getByRole('navigation').getByRole('link', { name: 'Upload' }).click();
    const big = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(256 * 1024 * 1024)], 'cancelled.bin'));
      return transfer;
    });
    await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: big });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('button', { name: 'Cancel upload' }).click();
    await page.getByRole('button', { name: 'Upload' }).isEnabled();
    await page.goto(`${url}files`);
    ok(await page.getByText('cancelled.bin').count() === 0, 'a cancelled upload is not listed');
    let leftovers = -1;
    for (let i = 0; i < 100; i++) {
      leftovers = countFiles(join(work, 'data', 'blobs')) + countFiles(join(work, 'data', 'tmp'));
      if (leftovers === 1) break;
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
    ok(leftovers === 1, `a cancelled upload leaves nothing on disk (${leftovers} files for 1 stored)`);

    // Log out, then pages need a log-in
    await page.getByRole('button', { name: 'Log out' }).click();
    ok(await page.getByText('You have logged out.').isVisible(), 'logging out is confirmed');
    await page.goto(`${url}files`);
    ok(page.url().startsWith(`${url}login?next=`), 'the file list now asks for a log-in');
    await shot(page, 'login');

    // A wrong password, then the right one, lands where the user was going
    await page.getByLabel('Username').fill('priyanka');
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Log in' }).click();
    ok(await page.getByRole('alert').innerText() === 'Incorrect username or password.',
       'a wrong password is refused with a clear message');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Log in' }).click();
    ok(page.url() === `${url}files`, 'logging in goes back to the page asked for');

    ok(consoleErrors.length === 0, `no errors in the browser console ${JSON.stringify(consoleErrors)}`);
    await context.close();
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((resolveExit) => server.once('exit', resolveExit));
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(() => process.exit(failed ? 1 : 0)).catch((error) => {
  console.log(`Bail out! ${error.stack ?? error}`);
  process.exit(1);
});
