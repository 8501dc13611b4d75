import { loadAppConfig } from '../config/app.config';
import { loadHttpConfig } from './http.config';

describe('TALLY_TRUST_PROXY: whose X-Forwarded-For names the client', () => {
  it('is off unless set: the socket’s address counts', () => {
    expect(loadHttpConfig({}).trustProxy).toBe(false);
    expect(loadHttpConfig({ TALLY_TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadHttpConfig({ TALLY_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('takes a hop count, or the proxies’ addresses, CIDR blocks and proxy-addr’s range names', () => {
    expect(loadHttpConfig({ TALLY_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadHttpConfig({ TALLY_TRUST_PROXY: ' 10.0.0.5, 10.1.0.0/16 ,loopback,fd00::/8,::1' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback', 'fd00::/8', '::1']);
  });

  it.each([
    ['true', /"true" would believe any client's X-Forwarded-For/],
    ['10.0.0.300', /not "10\.0\.0\.300"/],
    ['10.0.0.0/33', /not "10\.0\.0\.0\/33"/],
    ['nginx, 10.0.0.1', /not "nginx"/],
  ])('refuses %j at start, naming the variable and what it takes', (value, rule) => {
    expect(() => loadAppConfig({ TALLY_TRUST_PROXY: value })).toThrow(/TALLY_TRUST_PROXY: name the proxies: their addresses or CIDR blocks/);
    expect(() => loadAppConfig({ TALLY_TRUST_PROXY: value })).toThrow(rule);
  });
});
