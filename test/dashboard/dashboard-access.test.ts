/** Who may see the dashboard: off without a token, the token or its session cookie otherwise. */
import { describe, expect, it } from '@jest/globals';
import {
  checkCredentials,
  dashboardAccess,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
  sessionValue,
} from '../../app/dashboard/dashboard-access.js';

const TOKEN = 'a-long-dashboard-token-0123456789';

describe('dashboardAccess', () => {
  it('is off without a token and says how to turn it on', () => {
    for (const token of [undefined, '', '   ']) {
      const access = dashboardAccess(token);
      expect(access.enabled).toBe(false);
      if (!access.enabled) expect(access.reason).toMatch(/dashboard is off\. Set AUTODEV_DASHBOARD_TOKEN/);
    }
  });

  it('refuses a short token, saying how long it must be', () => {
    const access = dashboardAccess('hunter2');
    expect(access).toEqual({
      enabled: false,
      reason: expect.stringContaining('has 7 characters and needs at least 16'),
    });
  });

  it('is on with a long enough token', () => {
    expect(dashboardAccess(` ${TOKEN} `)).toEqual({ enabled: true, token: TOKEN });
  });
});

describe('checkCredentials', () => {
  it('accepts the bearer token and refuses a wrong one', () => {
    expect(checkCredentials({ authorization: `Bearer ${TOKEN}` }, TOKEN)).toBe('ok');
    expect(checkCredentials({ authorization: `bearer ${TOKEN}` }, TOKEN)).toBe('ok');
    expect(checkCredentials({ authorization: `Bearer ${TOKEN}x` }, TOKEN)).toBe('wrong');
    expect(checkCredentials({ authorization: `Basic ${TOKEN}` }, TOKEN)).toBe('missing');
    expect(checkCredentials({}, TOKEN)).toBe('missing');
  });

  it('accepts the session cookie, which is not the token itself and dies with a new token', () => {
    const cookie = `theme=dark; ${SESSION_COOKIE}=${sessionValue(TOKEN)}`;
    expect(sessionValue(TOKEN)).not.toContain(TOKEN);
    expect(checkCredentials({ cookie }, TOKEN)).toBe('ok');
    expect(checkCredentials({ cookie }, `${TOKEN}-rotated`)).toBe('wrong');
    expect(checkCredentials({ cookie: `${SESSION_COOKIE}=${TOKEN}` }, TOKEN)).toBe('wrong');
  });

  it('reads cookies by exact name', () => {
    expect(readCookie('a=1; autodev_dashboard_x=2; autodev_dashboard=3', SESSION_COOKIE)).toBe('3');
    expect(readCookie(undefined, SESSION_COOKIE)).toBeUndefined();
  });
});

describe('sessionCookie', () => {
  it('is HttpOnly, SameSite=Strict, scoped to /dashboard, and Secure over https', () => {
    const plain = sessionCookie('v', { secure: false });
    expect(plain.split('; ')).toEqual([
      `${SESSION_COOKIE}=v`,
      'Path=/dashboard',
      'HttpOnly',
      'SameSite=Strict',
      'Max-Age=43200',
    ]);
    expect(sessionCookie('v', { secure: true })).toMatch(/; Secure$/);
    expect(sessionCookie('', { secure: false, maxAgeSeconds: 0 })).toContain('Max-Age=0');
  });
});
