/**
 * The page tests' one way to a real browser: headless Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium, from `apt-get install chromium`) with a private HOME, driven by
 * playwright-core, and the errors a page reports (console errors, CSP violations, page errors).
 */
import type { TestContext } from 'node:test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A launched browser and how to close it (its HOME removed), or null after t.skip when Chromium is absent. */
export async function launchChromium(t: TestContext): Promise<{ browser: Browser; close(): Promise<void> } | null> {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} not found (apt-get install chromium)`);
    return null;
  }
  const { chromium } = await import('playwright-core');
  const home = mkdtempSync(join(tmpdir(), 'prl-chromium-home-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    env: { ...process.env, HOME: home },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Collects, as they happen, the page's console errors, CSP messages and uncaught errors. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}
