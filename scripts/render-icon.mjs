// Renders images/icon.svg to images/icon.png (128x128, transparent corners) in headless
// Chromium, the marketplace icon of the extension. Run after editing the SVG:
//   node scripts/render-icon.mjs
// (needs /usr/bin/chromium, or CHROMIUM=/path/to/chrome).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const svg = readFileSync(resolve(root, 'images/icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: resolve(root, 'images/icon.png'), omitBackground: true });
  console.log('render-icon: images/icon.png');
} finally {
  await browser.close();
}
