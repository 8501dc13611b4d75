// Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core
// (`npx playwright install` cannot download here), with a fresh profile directory per launch.
// `close()` ends the browser and removes the profile; call it in afterAll.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** BCP 47 locale the browser reports (navigator.languages); default en-US. */
  readonly locale?: string;
  readonly viewport?: { readonly width: number; readonly height: number };
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  // Playwright sets --user-data-dir itself from this directory: a fresh profile every launch.
  const profile = mkdtempSync(join(tmpdir(), 'tally-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: FLAGS,
      locale: options.locale ?? 'en-US',
      viewport: options.viewport ?? { width: 1280, height: 900 },
      timezoneId: 'UTC',
    });
    return {
      context,
      newPage: () => context.newPage(),
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

/** test/artifacts/<name>: screenshots and the like, git-ignored, kept after the run. */
export function artifactPath(name: string): string {
  const dir = join(__dirname, '..', '..', 'artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
