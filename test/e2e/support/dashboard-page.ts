// What the browser tests share about the page: it is tested as built (a missing build, or one older
// than a source file of the page, is built first, the same step `npm run build` runs, never tested
// stale), and they wait for the page to update itself, within a generous failure bound.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..');
const DASHBOARD_INDEX = join(ROOT, 'dist', 'dashboard', 'index.html');

function dashboardStale(): boolean {
  if (!existsSync(DASHBOARD_INDEX)) return true;
  const built = statSync(DASHBOARD_INDEX).mtimeMs;
  const dir = join(ROOT, 'apps', 'tally-server', 'dashboard');
  const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => !f.startsWith('node_modules'))
    .map((f) => join(dir, f));
  // The page bundles the server's frame-delta code too (it applies the live deltas with it).
  for (const file of ['frame-delta.ts', 'payload-json.ts']) sources.push(join(ROOT, 'apps', 'tally-server', 'src', 'live', file));
  return sources.some((f) => statSync(f).mtimeMs > built);
}

export function ensureDashboardBuilt(): void {
  if (dashboardStale()) {
    // Fails loudly if the front end does not build.
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/tally-server/dashboard/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
  if (!existsSync(DASHBOARD_INDEX)) throw new Error(`${DASHBOARD_INDEX} is missing after the build: see apps/tally-server/dashboard/README.md`);
}

/** Generous bound for a DOM change to show up: a failure bound, not a speed assertion. */
export const WAIT_MS = 30_000;

// The browser-side global the page callback below uses (this file compiles without the DOM lib).
declare const document: { querySelector(selector: string): { readonly textContent: string | null } | null };

/** Waits until the element's text contains `text` (the page updates itself; nothing reloads). */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent?.includes(t) ?? false, [selector, text] as const, { timeout: WAIT_MS });
  } catch {
    const actual = await page.$eval(selector, (e) => e.textContent).catch(() => '(no such element)');
    throw new Error(`${selector} never showed "${text}"; it shows: ${actual}`);
  }
}
