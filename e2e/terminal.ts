import { expect, type Page } from '@playwright/test';

/** Everything xterm holds (scrollback included), read through the terminal's test hook. */
export function terminalText(page: Page, testId = 'console-terminal'): Promise<string> {
  return page.getByTestId(testId).evaluate((el) => (el as HTMLElement & { readTerminalText?: () => string }).readTerminalText?.() ?? '');
}

export const expectTerminal = (page: Page, pattern: string | RegExp, testId?: string) =>
  expect.poll(() => terminalText(page, testId), { timeout: 90_000, message: `terminal shows ${pattern}` })[typeof pattern === 'string' ? 'toContain' : 'toMatch'](pattern as never);
