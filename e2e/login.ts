import { expect, type Page } from '@playwright/test';
import { ADMIN_PASSWORD } from './server';

export async function logIn(page: Page, baseUrl: string, name = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('User').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('whoami')).toContainText(name);
}
